package capture

import (
	"strings"
	"sync"
	"time"
)

// MaxOutput is how many bytes an Output keeps; later output is counted but
// dropped.
const MaxOutput = 8 << 20

// Output collects a stream, such as a child process's standard output, up
// to MaxOutput bytes. It is safe
// for concurrent use.
type Output struct {
	mu      sync.Mutex
	b       strings.Builder
	dropped int
	changed chan struct{} // closed by the next Write, if an Await waits
}

// Write keeps p while there is room and counts the rest.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	room := MaxOutput - o.b.Len()
	if room < len(p) {
		o.b.Write(p[:max(room, 0)])
		o.dropped += len(p) - max(room, 0)
		return len(p), nil
	}
	o.b.Write(p)
	return len(p), nil
}

// Await waits at most timeout for ok to hold for the output kept so far,
// and returns that output and whether ok held. A process's output reaches
// an Output through a pipe, a little after the process wrote it: a test
// that expects a line awaits it.
func (o *Output) Await(timeout time.Duration, ok func(string) bool) (string, bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		o.mu.Lock()
		s := o.b.String()
		if o.changed == nil {
			o.changed = make(chan struct{})
		}
		ch := o.changed
		o.mu.Unlock()
		if ok(s) {
			return s, true
		}
		select {
		case <-ch:
		case <-t.C:
			s = o.String()
			return s, ok(s)
		}
	}
}

// String returns everything kept so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Len returns the number of bytes kept so far.
func (o *Output) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Len()
}

// Since returns what was kept after the first n bytes.
func (o *Output) Since(n int) string {
	s := o.String()
	if n > len(s) {
		return ""
	}
	return s[n:]
}

// Dropped returns the number of bytes dropped because MaxOutput was reached.
func (o *Output) Dropped() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped
}

// Tail returns at most the last n bytes kept.
func (o *Output) Tail(n int) string {
	s := o.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}
