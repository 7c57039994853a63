package ratelimit

import (
	"fmt"
	"time"
)

// GuessRules is the budget of wrong answers for one phone number across
// sign-ins. Each answer is counted before it is checked, and a right answer
// clears the count, so the count is of consecutive wrong answers.
type GuessRules struct {
	// CoolOffEvery starts a cool-off after each run of this many wrong
	// answers, during which the number gets no code and no answer is checked.
	CoolOffEvery int
	// CoolOff is the first cool-off; each later one lasts twice the one before.
	CoolOff time.Duration
	// LockAfter wrong answers lock the number until an administrator clears it.
	LockAfter int
}

// Defaults and bounds of GuessRules.
const (
	DefaultCoolOffEvery = 10
	DefaultCoolOff      = 15 * time.Minute
	DefaultLockAfter    = 100

	// MaxLockAfter is NIST SP 800-63B's ceiling: at most 100 consecutive
	// failed attempts on one account.
	MaxLockAfter = 100
	MinCoolOff   = time.Minute
	MaxCoolOff   = 24 * time.Hour
)

// longestCoolOff caps the doubling, so that no setting overflows a duration.
const longestCoolOff = 30 * 24 * time.Hour

// guessMemory is how long a number's count outlives its last wrong answer:
// a year, so that an attacker who waits for the count to expire gets at most
// LockAfter guesses a year. A lock never expires.
const guessMemory = 365 * 24 * time.Hour

// DefaultGuessRules returns a cool-off every 10 wrong answers, 15 minutes at
// first, and a lock at 100.
func DefaultGuessRules() GuessRules {
	return GuessRules{CoolOffEvery: DefaultCoolOffEvery, CoolOff: DefaultCoolOff, LockAfter: DefaultLockAfter}
}

// Validate reports the first rule out of its bounds.
func (g GuessRules) Validate() error {
	switch {
	case g.LockAfter < 1 || g.LockAfter > MaxLockAfter:
		return fmt.Errorf("lock after %d wrong answers is not in 1..%d", g.LockAfter, MaxLockAfter)
	case g.CoolOffEvery < 1 || g.CoolOffEvery > g.LockAfter:
		return fmt.Errorf("cool-off every %d wrong answers is not in 1..%d (the lock)", g.CoolOffEvery, g.LockAfter)
	case g.CoolOff < MinCoolOff || g.CoolOff > MaxCoolOff:
		return fmt.Errorf("cool-off %s is not in %s..%s", g.CoolOff, MinCoolOff, MaxCoolOff)
	}
	return nil
}

// coolOffAfter returns the cool-off that wrong consecutive wrong answers
// start: CoolOff at the first multiple of CoolOffEvery, doubling at each
// next one, zero between multiples.
func (g GuessRules) coolOffAfter(wrong int) time.Duration {
	if wrong <= 0 || wrong%g.CoolOffEvery != 0 {
		return 0
	}
	d := g.CoolOff
	for n := wrong / g.CoolOffEvery; n > 1 && d < longestCoolOff; n-- {
		d *= 2
	}
	return min(d, longestCoolOff)
}

// guessState is what a limiter keeps of one number's answers.
type guessState struct {
	wrong     int       // answers counted since the last right one
	coolUntil time.Time // no code and no answer before this
}

// check refuses a number that is locked or cooling off at now.
func (g GuessRules) check(s guessState, now time.Time) error {
	if g.locked(s) {
		return &Refused{limit: limitLocked}
	}
	if now.Before(s.coolUntil) {
		return &Refused{limit: limitCoolOff, wait: s.coolUntil.Sub(now)}
	}
	return nil
}

// reserve returns the state after one more answer at now, or the refusal if
// none may be checked now.
func (g GuessRules) reserve(s guessState, now time.Time) (guessState, error) {
	if err := g.check(s, now); err != nil {
		return s, err
	}
	s.wrong++
	if d := g.coolOffAfter(s.wrong); d > 0 && !g.locked(s) {
		// In whole seconds, as the table keeps it.
		s.coolUntil = now.Add(d).Truncate(time.Second)
	}
	return s, nil
}

// locked reports whether s is locked.
func (g GuessRules) locked(s guessState) bool { return s.wrong >= g.LockAfter }
