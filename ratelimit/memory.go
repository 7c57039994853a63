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
	mu      sync.Mutex
	policy  Policy
	counts  map[string]int
	ends    map[string]time.Time
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
	return &Memory{policy: p, counts: map[string]int{}, ends: map[string]time.Time{}, guesses: map[string]memoryGuess{}}, nil
}

// Take records one code about to be sent to phone at now, unless the number
// is cooling off or locked or a send limit is reached: then it records
// nothing and returns a *Refused.
func (m *Memory) Take(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	if err := m.policy.Guesses.check(m.guess(phone, now).state, now); err != nil {
		return err
	}
	type check struct {
		key   string
		rule  Rule
		left  time.Duration
		limit limit
	}
	var checks []check
	if r := m.policy.Sends.PerPhone; r.Limit > 0 {
		start, left := window(now, r.Window)
		checks = append(checks, check{phoneKey(m.policy.Key, phone, start), r, left, limitPhone})
	}
	if r := m.policy.Sends.Pool; r.Limit > 0 {
		start, left := window(now, r.Window)
		checks = append(checks, check{poolKey(start), r, left, limitPool})
	}
	for _, c := range checks {
		if m.counts[c.key] >= c.rule.Limit {
			return &Refused{limit: c.limit, wait: c.left}
		}
	}
	for _, c := range checks {
		m.counts[c.key]++
		m.ends[c.key] = now.Add(c.left)
	}
	return nil
}

// Reserve counts one answer about to be checked for phone at now, or
// returns a *Refused if the number is cooling off or locked.
func (m *Memory) Reserve(_ context.Context, phone string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.guess(phone, now)
	s, err := m.policy.Guesses.reserve(g.state, now)
	if err != nil {
		return err
	}
	key := guessKey(m.policy.Key, phone)
	if _, ok := m.guesses[key]; !ok && len(m.guesses) >= maxMemoryGuesses {
		m.evictGuess()
	}
	g = memoryGuess{state: s, expires: now.Add(guessMemory)}
	if m.policy.Guesses.locked(s) {
		g.expires = time.Time{}
	}
	m.guesses[key] = g
	return nil
}

// Clear forgets phone's wrong answers: after a right answer, or to unlock it.
func (m *Memory) Clear(_ context.Context, phone string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.guesses, guessKey(m.policy.Key, phone))
	return nil
}

// guess returns phone's live record (the zero record if none).
func (m *Memory) guess(phone string, now time.Time) memoryGuess {
	key := guessKey(m.policy.Key, phone)
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
	for k, end := range m.ends {
		if !now.Before(end) {
			delete(m.ends, k)
			delete(m.counts, k)
		}
	}
}
