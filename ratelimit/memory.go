package ratelimit

import (
	"context"
	"sync"
	"time"
)

// maxMemoryGuesses bounds the wrong-answer records a Memory keeps (about
// 10 MB); past it, the record closest to expiry that is not a lock is
// forgotten. Memory serves development (the local pool, sam local), where
// a flood of fresh numbers must not exhaust the process.
const maxMemoryGuesses = 100_000

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
	guesses map[string]memoryGuess
}

// memoryGuess is a wrong-answer record and when it is forgotten (zero: never).
type memoryGuess struct {
	state   guessState
	expires time.Time
}

// NewMemory returns a Memory limiter for p.
func NewMemory(p Policy) (*Memory, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Memory{
		policy: p, counts: map[string]int{}, ranges: map[string]rangeCount{},
		ends: map[string]time.Time{}, guesses: map[string]memoryGuess{},
	}, nil
}

// Take records one code about to be sent to phone at now, unless the number
// is cooling off or locked or a limit refuses it (the number's, the range
// guard, the country's budget, the pool's ceiling): then it records nothing
// and returns a *Refused.
func (m *Memory) Take(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	hash := numberHash(m.policy.Key, phone)
	if err := m.policy.Guesses.check(m.guess(guessKey(hash), now).state, now); err != nil {
		return err
	}
	counters := m.policy.counters(phone, hash, now)
	for _, c := range counters {
		refused := m.counts[c.key] >= c.limit
		if c.rng {
			refused = !m.policy.Ranges.open(m.ranges[c.key])
		}
		if refused {
			return &Refused{limit: c.refusal, wait: c.left}
		}
	}
	for _, c := range counters {
		if c.rng {
			r := m.ranges[c.key]
			r.sent++
			m.ranges[c.key] = r
		} else {
			m.counts[c.key]++
		}
		end := now.Add(c.left)
		m.ends[c.key] = end
		if m.nextEnd.IsZero() || end.Before(m.nextEnd) {
			m.nextEnd = end
		}
	}
	return nil
}

// Answered records a right answer for phone at now: it counts one answered
// code for the number's range in the current window (never more than the
// codes sent to it there) and forgets the number's wrong answers.
func (m *Memory) Answered(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.guesses, guessKey(numberHash(m.policy.Key, phone)))
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

// Reserve counts one answer about to be checked for phone at now, or
// returns a *Refused if the number is cooling off or locked.
func (m *Memory) Reserve(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := guessKey(numberHash(m.policy.Key, phone))
	s, err := m.policy.Guesses.reserve(m.guess(key, now).state, now)
	if err != nil {
		return err
	}
	if _, ok := m.guesses[key]; !ok && len(m.guesses) >= maxMemoryGuesses {
		m.evictGuess()
	}
	g := memoryGuess{state: s, expires: now.Add(guessMemory)}
	if m.policy.Guesses.locked(s) {
		g.expires = time.Time{}
	}
	m.guesses[key] = g
	return nil
}

// Clear forgets phone's wrong answers, to unlock it (after a right answer,
// Answered does this too).
func (m *Memory) Clear(_ context.Context, phone string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.guesses, guessKey(numberHash(m.policy.Key, phone)))
	return nil
}

// guess returns the live record under key (the zero record if none).
func (m *Memory) guess(key string, now time.Time) memoryGuess {
	g := m.guesses[key]
	if !g.expires.IsZero() && !now.Before(g.expires) {
		delete(m.guesses, key)
		return memoryGuess{}
	}
	return g
}

// evictGuess forgets the record closest to expiry that is not a lock.
func (m *Memory) evictGuess() {
	var victim string
	var first time.Time
	for k, g := range m.guesses {
		if !g.expires.IsZero() && (victim == "" || g.expires.Before(first)) {
			victim, first = k, g.expires
		}
	}
	delete(m.guesses, victim)
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
