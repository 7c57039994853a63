package ratelimit

import (
	"fmt"
	"time"
)

// GuessRules is the budget of wrong answers for one phone number across
// sign-ins. A right answer ends the number's run of wrong answers, which
// the cool-offs and the lock count, but not its day: PerDay counts every
// wrong answer of the last 24 hours whatever the owner does, so it alone
// bounds the guesses a year.
type GuessRules struct {
	// CoolOffEvery starts a cool-off after each run of this many wrong
	// answers, during which the number gets no code and no answer is checked.
	CoolOffEvery int
	// CoolOff is the first cool-off; each later one lasts twice the one before.
	CoolOff time.Duration
	// LockAfter wrong answers in a row lock the number until an
	// administrator clears it, or a year passes without an answer.
	LockAfter int
	// PerDay wrong answers in any 24 hours close the number to answers and
	// codes until the first of them is 24 hours old. Right answers do not
	// count, and do not reset it.
	PerDay int
}

// Defaults and bounds of GuessRules.
const (
	DefaultCoolOffEvery = 10
	DefaultCoolOff      = 15 * time.Minute
	DefaultLockAfter    = 100
	// DefaultPerDay: 24 a day is 8,760 a year, which against 6-digit codes
	// is a chance of at most 0.88 % a year of a guessed code.
	DefaultPerDay = 24

	// MaxLockAfter is NIST SP 800-63B's ceiling: at most 100 consecutive
	// failed attempts on one account.
	MaxLockAfter = 100
	MinCoolOff   = time.Minute
	MaxCoolOff   = 24 * time.Hour
	// MaxPerDay keeps the day's record within one DynamoDB write unit.
	MaxPerDay = 100
)

// guessDay is the window of GuessRules.PerDay.
const guessDay = 24 * time.Hour

// longestCoolOff caps the doubling, so that no setting overflows a duration.
const longestCoolOff = 30 * 24 * time.Hour

// guessMemory is how long a number's run of wrong answers, and its lock,
// outlive its last wrong answer.
const guessMemory = 365 * 24 * time.Hour

// DefaultGuessRules returns a cool-off every 10 wrong answers in a row,
// 15 minutes at first, a lock at 100 in a row, and at most 24 a day.
func DefaultGuessRules() GuessRules {
	return GuessRules{CoolOffEvery: DefaultCoolOffEvery, CoolOff: DefaultCoolOff, LockAfter: DefaultLockAfter, PerDay: DefaultPerDay}
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
	case g.PerDay < 1 || g.PerDay > MaxPerDay:
		return fmt.Errorf("%d wrong answers a day is not in 1..%d", g.PerDay, MaxPerDay)
	}
	return nil
}

// GuessesPerYear is the most wrong answers the rules let be checked against
// one number in any 365 days, whatever its owner does: PerDay in each of
// 365 days that follow each other.
func (g GuessRules) GuessesPerYear() int { return 365 * g.PerDay }

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

// guessState is what a limiter keeps of one number's answers, in whole
// seconds, as the table keeps it.
type guessState struct {
	wrong int         // wrong answers since the last right one
	last  time.Time   // the last wrong answer counted (zero: none)
	day   []time.Time // the last PerDay wrong answers counted, oldest first
}

// second is t in whole seconds.
func second(t time.Time) time.Time { return time.Unix(t.Unix(), 0) }

// check refuses a number that is locked, cooling off or out of its day's
// wrong answers at now.
func (g GuessRules) check(s guessState, now time.Time) error {
	now = second(now)
	if s.wrong >= g.LockAfter {
		return &Refused{limit: limitLocked}
	}
	if d := g.coolOffAfter(s.wrong); d > 0 {
		if until := s.last.Add(d); now.Before(until) {
			return &Refused{limit: limitCoolOff, wait: until.Sub(now)}
		}
	}
	if len(s.day) >= g.PerDay {
		if until := s.day[len(s.day)-g.PerDay].Add(guessDay); now.Before(until) {
			return &Refused{limit: limitCoolOff, wait: until.Sub(now)}
		}
	}
	return nil
}

// wrongAnswer returns the state after one more wrong answer at now, or the
// refusal if none may be checked now.
func (g GuessRules) wrongAnswer(s guessState, now time.Time) (guessState, error) {
	if err := g.check(s, now); err != nil {
		return s, err
	}
	now = second(now)
	day := append(append([]time.Time(nil), s.day...), now)
	if len(day) > g.PerDay {
		day = day[len(day)-g.PerDay:]
	}
	return guessState{wrong: s.wrong + 1, last: now, day: day}, nil
}

// rightAnswer returns the state after a right answer at now (the run ends,
// the day stays), or the refusal if none may be checked now.
func (g GuessRules) rightAnswer(s guessState, now time.Time) (guessState, error) {
	if err := g.check(s, now); err != nil {
		return s, err
	}
	s.wrong = 0
	return s, nil
}

// forgetAt is when a record of s may be forgotten: a year after its last
// wrong answer while it has a run (a lock too), else when its day's last
// wrong answer is 24 hours old.
func (g GuessRules) forgetAt(s guessState) time.Time {
	if s.wrong > 0 {
		return s.last.Add(guessMemory)
	}
	if len(s.day) == 0 {
		return time.Time{}
	}
	return s.day[len(s.day)-1].Add(guessDay)
}
