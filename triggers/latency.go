package triggers

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// sendTimesKept is how many recent send durations a Handler remembers.
const sendTimesKept = 64

// defaultSendTime stands in for a send's duration before any send has been
// timed: about what an SNS publish takes from inside a region. A pause
// before the first send is drawn between half and one and a half of it.
const defaultSendTime = 120 * time.Millisecond

// sendTimes remembers how long recent sends took, so that a challenge that
// sends nothing (an unknown number's, with HideUnknownUsers) takes as long
// as one that does. It is safe for concurrent use.
type sendTimes struct {
	mu     sync.Mutex
	recent [sendTimesKept]time.Duration
	n      int // how many of recent hold a duration
	next   int // where the next one goes
}

// record remembers one send's duration.
func (s *sendTimes) record(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent[s.next] = d
	s.next = (s.next + 1) % sendTimesKept
	s.n = min(s.n+1, sendTimesKept)
}

// draw returns one recent send's duration at random, so that pauses follow
// the distribution of real sends.
func (s *sendTimes) draw() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return defaultSendTime/2 + rand.N(defaultSendTime)
	}
	return s.recent[rand.N(s.n)]
}

// pause waits for d or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
