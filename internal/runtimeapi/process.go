package runtimeapi

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// MaxOutput is how many bytes of each of standard output and standard error
// a Process keeps; later output is counted but dropped.
const MaxOutput = 8 << 20

// EnvRuntimeAPI is the variable that tells a Lambda runtime where its Runtime API is.
const EnvRuntimeAPI = "AWS_LAMBDA_RUNTIME_API"

// Process is a runtime process started by Server.Start.
type Process struct {
	cmd    *exec.Cmd
	stdout *Output
	stderr *Output
	done   chan struct{}
	err    error // set before done is closed
}

// Start runs the executable at path as the Server's runtime. The process
// gets exactly env (nothing is inherited from this process) plus
// AWS_LAMBDA_RUNTIME_API set to the Server's address; its standard output and
// standard error are captured. When it exits, pending and later Invoke calls
// fail with an error that says how it exited. ctx ending kills the process.
func (s *Server) Start(ctx context.Context, path string, env []string) (*Process, error) {
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(append([]string{}, env...), EnvRuntimeAPI+"="+s.Addr())
	p := &Process{cmd: cmd, stdout: &Output{}, stderr: &Output{}, done: make(chan struct{})}
	cmd.Stdout = p.stdout
	cmd.Stderr = p.stderr
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start runtime: %w", err)
	}
	go func() {
		err := cmd.Wait()
		p.err = err
		close(p.done)
		how := "exited"
		if err != nil {
			how = "exited: " + err.Error()
		}
		s.stop(fmt.Errorf("runtime process %s; standard error ends: %s", how, p.stderr.Tail(512)))
	}()
	return p, nil
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits at most timeout for the process to exit and returns how it
// exited: nil for status 0, an *exec.ExitError otherwise.
func (p *Process) Wait(timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return p.err
	case <-t.C:
		return fmt.Errorf("runtime process still running after %s", timeout)
	}
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// ExitCode returns the exit status of an exited process, or -1.
func (p *Process) ExitCode() int {
	if !p.Exited() {
		return -1
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		return -1
	}
	return 0
}

// Stop kills the process if it is still running and waits for it to exit.
func (p *Process) Stop() {
	if !p.Exited() {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

// Stdout is what the process wrote to standard output so far.
func (p *Process) Stdout() *Output { return p.stdout }

// Stderr is what the process wrote to standard error so far.
func (p *Process) Stderr() *Output { return p.stderr }

// Output collects a stream of a Process, up to MaxOutput bytes. It is safe
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
// its Output through a pipe, a little after the process wrote it: a test
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
