package triggers

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// sendTimesKept is how many recent send durations a Handler remembers.
const sendTimesKept = 64

// hiddenFloor is the least time a challenge that sends takes with
// HideUnknownUsers, real or not: 200 ms is above what an SNS publish takes
// from inside a region, so that a new instance, which has timed no send
// yet, answers an unknown number as it answers a known one.
const hiddenFloor = 200 * time.Millisecond

// sendTimes remembers how long recent sends took, at least hiddenFloor
// each, so that a challenge that sends nothing (an unknown number's, with
// HideUnknownUsers) takes as long as one that does. It is safe for
// concurrent use.
type sendTimes struct {
	mu     sync.Mutex
	recent [sendTimesKept]time.Duration
	n      int // how many of recent hold a duration
	next   int // where the next one goes
}

// record remembers one send's duration, raised to hiddenFloor.
func (s *sendTimes) record(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent[s.next] = max(d, hiddenFloor)
	s.next = (s.next + 1) % sendTimesKept
	s.n = min(s.n+1, sendTimesKept)
}

// draw returns one recent send's duration at random, so that pauses follow
// the distribution of real sends; hiddenFloor before any.
func (s *sendTimes) draw() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return hiddenFloor
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
