package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// maxMemoryGuesses bounds the wrong-answer records a Memory keeps (about
// 10 MB with the default 24 a day). Memory serves development (the local
// pool, sam local), where a flood of fresh numbers must not exhaust the
// process; when it is full of live records, a new number's wrong answer is
// refused (ErrGuessesFull) rather than a record forgotten, which would give
// its number a new budget.
const maxMemoryGuesses = 100_000

// ErrGuessesFull is returned by Memory when it keeps maxMemoryGuesses live
// wrong-answer records and a new number needs one: the answer is not
// checked (the guess budget fails closed).
var ErrGuessesFull = errors.New("the in-memory guess budget is full")

// Memory is an in-process limiter for the local pool and sam local. It is
// safe for concurrent use; its counts end with the process.
type Memory struct {
	mu     sync.Mutex
	policy Policy
	counts map[string]int
	ranges map[string]rangeCount
	ends   map[string]time.Time // of counts and ranges
	// nextEnd is the earliest of ends (zero: none), so that sweep walks
	// the counters only when one has ended, not at every send.
	nextEnd time.Time
	guesses map[string]guessState
}

// NewMemory returns a Memory limiter for p.
func NewMemory(p Policy) (*Memory, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Memory{
		policy: p, counts: map[string]int{}, ranges: map[string]rangeCount{},
		ends: map[string]time.Time{}, guesses: map[string]guessState{},
	}, nil
}

// Take records one code about to be sent to phone at now, unless the number
// is cooling off or locked or a limit refuses it (the number's, the range
// guard, the country's budget, the pool's ceiling): then it records nothing
// and returns a *Refused. The function it returns gives the code back, for
// a send that never left; it is to be called at most once.
func (m *Memory) Take(_ context.Context, phone string, now time.Time) (func(context.Context) error, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	hash := numberHash(m.policy.Key, phone)
	if err := m.policy.Guesses.check(m.guess(guessKey(hash), now), now); err != nil {
		return nil, err
	}
	counters := m.policy.counters(phone, hash, now)
	for _, c := range counters {
		refused := m.counts[c.key] >= c.limit
		if c.rng {
			refused = !m.policy.Ranges.open(m.ranges[c.key])
		}
		if refused {
			return nil, &Refused{limit: c.refusal, wait: c.left}
		}
	}
	for _, c := range counters {
		m.add(c.key, c.rng, 1)
		end := now.Add(c.left)
		m.ends[c.key] = end
		if m.nextEnd.IsZero() || end.Before(m.nextEnd) {
			m.nextEnd = end
		}
	}
	return func(context.Context) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, c := range counters {
			m.add(c.key, c.rng, -1)
		}
		return nil
	}, nil
}

// add adds n codes sent to the counter under key (a range's when rng),
// never taking it below zero; a counter whose window has ended and been
// swept is left alone.
func (m *Memory) add(key string, rng bool, n int) {
	if _, live := m.ends[key]; !live && n < 0 {
		return
	}
	if rng {
		r := m.ranges[key]
		r.sent = max(r.sent+n, 0)
		r.answered = min(r.answered, r.sent)
		m.ranges[key] = r
		return
	}
	m.counts[key] = max(m.counts[key]+n, 0)
}

// Right admits a right answer for phone at now, unless the number is
// locked, cooling off or out of its day's wrong answers (a *Refused): it
// ends the number's run of wrong answers, not its day, and counts one
// answered code for the number's range in the current window (never more
// than the codes sent to it there).
func (m *Memory) Right(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := guessKey(numberHash(m.policy.Key, phone))
	s, err := m.policy.Guesses.rightAnswer(m.guess(key, now), now)
	if err != nil {
		return err
	}
	if len(s.day) == 0 {
		delete(m.guesses, key)
	} else {
		m.guesses[key] = s
	}
	if key, _, ok := m.policy.currentRange(phone, now); ok {
		if r, seen := m.ranges[key]; seen && r.answered < r.sent {
			r.answered++
			m.ranges[key] = r
		}
	}
	return nil
}

// ClearRange lifts the range guard from phone's range for the current
// window, for an administrator: the range's counts start afresh, so the
// guard closes it again only after another MinCodes codes too few of which
// are answered.
func (m *Memory) ClearRange(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if key, _, ok := m.policy.currentRange(phone, now); ok {
		delete(m.ranges, key)
		delete(m.ends, key)
	}
	return nil
}

// Wrong counts one wrong answer for phone at now, or returns a *Refused if
// the number is locked, cooling off or out of its day's wrong answers.
func (m *Memory) Wrong(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := guessKey(numberHash(m.policy.Key, phone))
	s, err := m.policy.Guesses.wrongAnswer(m.guess(key, now), now)
	if err != nil {
		return err
	}
	if _, ok := m.guesses[key]; !ok && len(m.guesses) >= maxMemoryGuesses {
		m.forgetEnded(now)
		if len(m.guesses) >= maxMemoryGuesses {
			return ErrGuessesFull
		}
	}
	m.guesses[key] = s
	return nil
}

// Clear forgets phone's wrong answers, to unlock it.
func (m *Memory) Clear(_ context.Context, phone string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.guesses, guessKey(numberHash(m.policy.Key, phone)))
	return nil
}

// guess returns the live record under key (the zero record if none).
func (m *Memory) guess(key string, now time.Time) guessState {
	s := m.guesses[key]
	if at := m.policy.Guesses.forgetAt(s); !at.IsZero() && !now.Before(at) {
		delete(m.guesses, key)
		return guessState{}
	}
	return s
}

// forgetEnded forgets the wrong-answer records whose time is up.
func (m *Memory) forgetEnded(now time.Time) {
	for k := range m.guesses {
		m.guess(k, now)
	}
}

// sweep forgets send windows that have ended.
func (m *Memory) sweep(now time.Time) {
	if m.nextEnd.IsZero() || now.Before(m.nextEnd) {
		return
	}
	m.nextEnd = time.Time{}
	for k, end := range m.ends {
		if !now.Before(end) {
			delete(m.ends, k)
			delete(m.counts, k)
			delete(m.ranges, k)
		} else if m.nextEnd.IsZero() || end.Before(m.nextEnd) {
			m.nextEnd = end
		}
	}
}
