package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Rule allows Limit sends in each fixed Window. A zero Limit turns the rule off.
type Rule struct {
	Limit  int
	Window time.Duration
}

// Rules are the limits a limiter enforces.
type Rules struct {
	// PerPhone caps the codes sent to one phone number.
	PerPhone Rule
	// Pool caps the codes sent by the whole user pool.
	Pool Rule
}

// Defaults of Rules.
const (
	DefaultPerPhoneLimit  = 5
	DefaultPerPhoneWindow = 15 * time.Minute
	DefaultPoolPerMinute  = 60
)

// DefaultRules returns 5 codes per phone number per 15 minutes and 60 codes
// per minute for the pool.
func DefaultRules() Rules {
	return Rules{
		PerPhone: Rule{Limit: DefaultPerPhoneLimit, Window: DefaultPerPhoneWindow},
		Pool:     Rule{Limit: DefaultPoolPerMinute, Window: time.Minute},
	}
}

// Validate reports a rule with a negative limit or a window under a second.
func (r Rules) Validate() error {
	for name, rule := range map[string]Rule{"per-phone": r.PerPhone, "pool": r.Pool} {
		if rule.Limit < 0 {
			return fmt.Errorf("%s limit %d is negative", name, rule.Limit)
		}
		if rule.Limit > 0 && rule.Window < time.Second {
			return fmt.Errorf("%s window %s is under a second", name, rule.Window)
		}
	}
	return nil
}

// window returns the start of the fixed window of length w holding now, and
// how long until it ends.
func window(now time.Time, w time.Duration) (start int64, left time.Duration) {
	sec := int64(w / time.Second)
	start = now.Unix() / sec * sec
	end := time.Unix(start+sec, 0)
	return start, end.Sub(now)
}

// phoneKey is the counter key of a phone number in a window: a hash, so that
// no phone number is stored.
func phoneKey(phone string, start int64) string {
	sum := sha256.Sum256([]byte("phonepass-rate-limit\x00" + phone))
	return "phone#" + hex.EncodeToString(sum[:16]) + "#" + strconv.FormatInt(start, 10)
}

func poolKey(start int64) string {
	return "pool#" + strconv.FormatInt(start, 10)
}

// Memory is an in-process limiter. It is safe for concurrent use.
type Memory struct {
	mu     sync.Mutex
	rules  Rules
	counts map[string]int
	ends   map[string]time.Time
}

// NewMemory returns a Memory limiter for rules.
func NewMemory(rules Rules) (*Memory, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	return &Memory{rules: rules, counts: map[string]int{}, ends: map[string]time.Time{}}, nil
}

// Take records one send to phone at now if both rules allow it.
func (m *Memory) Take(_ context.Context, phone string, now time.Time) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(now)
	type check struct {
		key  string
		rule Rule
		left time.Duration
	}
	var checks []check
	if r := m.rules.PerPhone; r.Limit > 0 {
		start, left := window(now, r.Window)
		checks = append(checks, check{phoneKey(phone, start), r, left})
	}
	if r := m.rules.Pool; r.Limit > 0 {
		start, left := window(now, r.Window)
		checks = append(checks, check{poolKey(start), r, left})
	}
	for _, c := range checks {
		if m.counts[c.key] >= c.rule.Limit {
			return false, c.left, nil
		}
	}
	for _, c := range checks {
		m.counts[c.key]++
		m.ends[c.key] = now.Add(c.left)
	}
	return true, 0, nil
}

// sweep forgets windows that have ended.
func (m *Memory) sweep(now time.Time) {
	for k, end := range m.ends {
		if !now.Before(end) {
			delete(m.ends, k)
			delete(m.counts, k)
		}
	}
}

// errNoTable is returned by NewDynamoDB without a table name.
var errNoTable = errors.New("table name is empty")
