package ratelimit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/phone"
)

// RangeRules are the limits on codes sent to a number range and to a
// country. SMS pumping sends codes to many numbers of one premium range,
// and nobody answers them; real users answer theirs. So the range guard
// counts, per range and fixed window, the codes sent and the codes answered
// right, and once a range has had MinCodes codes of which fewer than
// MinAnsweredPercent were answered, it refuses further codes to that range
// until the window ends. Other ranges are served meanwhile, and a range
// whose codes get answered is never cut off. The zero value turns the guard
// and the country budgets off.
type RangeRules struct {
	// Digits are dropped from the end of an E.164 number to give its range:
	// with 3, +447700900123 is in the range +447700900, a thousand numbers.
	Digits int
	// Window is the fixed window in which a range's codes are counted.
	Window time.Duration
	// MinCodes is how many codes a range must have had in the window before
	// the guard judges it.
	MinCodes int
	// MinAnsweredPercent is the share of a range's codes, in percent, that
	// must be answered right to keep it open. 0 turns the guard off.
	MinAnsweredPercent int
	// Countries are budgets of codes per hour for the numbers of a country
	// calling code; numbers of a code without a budget are not limited by
	// them. Empty turns the country budgets off.
	Countries []CountryBudget
}

// CountryBudget caps the codes sent in each hour to the numbers of one
// country calling code.
type CountryBudget struct {
	// CallingCode is the country calling code without "+", such as "44".
	CallingCode string
	// PerHour is the most codes its numbers get in each hour.
	PerHour int
}

// Defaults and bounds of RangeRules.
const (
	DefaultRangeDigits             = 3
	DefaultRangeWindow             = time.Hour
	DefaultRangeMinCodes           = 10
	DefaultRangeMinAnsweredPercent = 20

	MinRangeDigits   = 1
	MaxRangeDigits   = 6
	MinRangeWindow   = time.Minute
	MaxRangeWindow   = 24 * time.Hour
	MaxRangeMinCodes = 10000
	// MaxCountryPerHour bounds a country budget.
	MaxCountryPerHour = 1000000
	// CountryWindow is the fixed window of the country budgets.
	CountryWindow = time.Hour
)

// DefaultRangeRules returns the range guard with 3 digits dropped, 1-hour
// windows, and a range refused once it has had 10 codes of which fewer than
// 20 % were answered; no country budgets.
func DefaultRangeRules() RangeRules {
	return RangeRules{
		Digits:             DefaultRangeDigits,
		Window:             DefaultRangeWindow,
		MinCodes:           DefaultRangeMinCodes,
		MinAnsweredPercent: DefaultRangeMinAnsweredPercent,
	}
}

// Validate reports the first rule out of its bounds. With the guard off
// (MinAnsweredPercent 0) its other settings are not checked.
func (r RangeRules) Validate() error {
	switch {
	case r.MinAnsweredPercent < 0 || r.MinAnsweredPercent > 100:
		return fmt.Errorf("range answered share %d %% is not in 0..100", r.MinAnsweredPercent)
	case !r.guarding():
	case r.Digits < MinRangeDigits || r.Digits > MaxRangeDigits:
		return fmt.Errorf("range digits %d is not in %d..%d", r.Digits, MinRangeDigits, MaxRangeDigits)
	case r.Window < MinRangeWindow || r.Window > MaxRangeWindow:
		return fmt.Errorf("range window %s is not in %s..%s", r.Window, MinRangeWindow, MaxRangeWindow)
	case r.MinCodes < 1 || r.MinCodes > MaxRangeMinCodes:
		return fmt.Errorf("range minimum of codes %d is not in 1..%d", r.MinCodes, MaxRangeMinCodes)
	}
	seen := map[string]bool{}
	for _, c := range r.Countries {
		switch {
		case !phone.IsCallingCode(c.CallingCode):
			return fmt.Errorf("country budget: %q is not a country calling code", c.CallingCode)
		case seen[c.CallingCode]:
			return fmt.Errorf("country budget: calling code %s appears twice", c.CallingCode)
		case c.PerHour < 1 || c.PerHour > MaxCountryPerHour:
			return fmt.Errorf("country budget of +%s: %d codes per hour is not in 1..%d", c.CallingCode, c.PerHour, MaxCountryPerHour)
		}
		seen[c.CallingCode] = true
	}
	return nil
}

// errBudgetForm is the form ParseCountryBudgets wants.
var errBudgetForm = errors.New("want calling code:codes per hour, such as 44:200")

// ParseCountryBudgets reads a comma-separated list of country budgets such
// as "44:200,1:500" (codes per hour per calling code); a leading + on a
// code is allowed, and spaces around each entry. A code given twice gets
// the smaller budget. Empty text gives nil (no budgets).
func ParseCountryBudgets(s string) ([]CountryBudget, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []CountryBudget
	for _, f := range strings.Split(s, ",") {
		entry := strings.TrimSpace(f)
		code, count, ok := strings.Cut(entry, ":")
		if !ok || strings.ContainsAny(entry, " \t") || code == "" {
			return nil, fmt.Errorf("%q: %w", entry, errBudgetForm)
		}
		ccs, err := phone.ParseCallingCodes(code)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(count)
		if err != nil || strings.TrimLeft(count, "0123456789") != "" {
			return nil, fmt.Errorf("%q: %q is not a whole number of codes per hour", entry, count)
		}
		if n < 1 || n > MaxCountryPerHour {
			return nil, fmt.Errorf("%q: %d codes per hour is not in 1..%d", entry, n, MaxCountryPerHour)
		}
		out = addBudget(out, CountryBudget{CallingCode: ccs[0], PerHour: n})
	}
	return out, nil
}

// addBudget adds b to budgets, or lowers the budget of its calling code.
func addBudget(budgets []CountryBudget, b CountryBudget) []CountryBudget {
	for i := range budgets {
		if budgets[i].CallingCode == b.CallingCode {
			budgets[i].PerHour = min(budgets[i].PerHour, b.PerHour)
			return budgets
		}
	}
	return append(budgets, b)
}

// guarding reports whether the range guard is on.
func (r RangeRules) guarding() bool { return r.MinAnsweredPercent > 0 }

// numberRange returns the range of phone: the number without its last
// Digits digits, but never shorter than "+" and one digit.
func (r RangeRules) numberRange(phone string) string {
	n := max(len(phone)-r.Digits, 2)
	return phone[:min(n, len(phone))]
}

// country returns the budget of phone's calling code, if it has one. The
// calling code is found by matching the configured ones; should one be a
// prefix of another, the longer one is the number's.
func (r RangeRules) country(number string) (CountryBudget, bool) {
	var best CountryBudget
	for _, c := range r.Countries {
		if len(c.CallingCode) > len(best.CallingCode) && phone.HasCallingCode(number, []string{c.CallingCode}) {
			best = c
		}
	}
	return best, best.CallingCode != ""
}

// rangeCount is what a limiter keeps of one range in one window.
type rangeCount struct {
	sent     int // codes sent
	answered int // of them, answered right (never more than sent)
}

// open reports whether the guard lets another code go to a range with count
// c: while it has had fewer than MinCodes codes, or at least
// MinAnsweredPercent of them were answered.
func (r RangeRules) open(c rangeCount) bool {
	return c.sent < r.MinCodes || r.shortfall(c) <= 0
}

// shortfall is MinAnsweredPercent × sent − 100 × answered: positive while
// fewer than MinAnsweredPercent % of the codes were answered. DynamoDB keeps
// it in the range's item, so that one condition (sent < MinCodes or
// shortfall ≤ 0) decides a send and each count is one atomic update: a send
// adds MinAnsweredPercent to it, an answer takes 100 off. (A change of
// MinAnsweredPercent applies fully from the next window.)
func (r RangeRules) shortfall(c rangeCount) int {
	return r.MinAnsweredPercent*c.sent - 100*c.answered
}

// counter is one count that a send takes: a plain counter with a limit, or
// the range guard's counter of its range.
type counter struct {
	key     string
	limit   int           // the most codes in the window; past MinCodes, the range guard's counter is judged by RangeRules.open
	rng     bool          // the range guard's counter
	left    time.Duration // until the window ends
	refusal limit
	shards  int // items the counter is split over (see shards.go); 1 for one
}

// counters returns the counts a code to phone (whose numberHash is hash)
// at now takes, in the order a limiter takes them: the number's, its
// range's, its country's and the pool's. A send takes all or none of them,
// so a refused send counts nowhere: a flood into one range spends neither
// the pool's ceiling nor any number's allowance.
func (p Policy) counters(phone, hash string, now time.Time) []counter {
	var cs []counter
	if r := p.Sends.PerPhone; r.Limit > 0 {
		start, left := window(now, r.Window)
		cs = append(cs, counter{key: phoneKey(hash, start), limit: r.Limit, left: left, refusal: limitPhone, shards: 1})
	}
	if key, left, ok := p.currentRange(phone, now); ok {
		cs = append(cs, counter{key: key, limit: p.Ranges.MinCodes, rng: true, left: left, refusal: limitRange, shards: 1})
	}
	if b, ok := p.Ranges.country(phone); ok {
		start, left := window(now, CountryWindow)
		cs = append(cs, counter{key: countryKey(b.CallingCode, start), limit: b.PerHour, left: left, refusal: limitCountry, shards: shardsFor(b.PerHour, CountryWindow)})
	}
	if r := p.Sends.Pool; r.Limit > 0 {
		start, left := window(now, r.Window)
		cs = append(cs, counter{key: poolKey(start), limit: r.Limit, left: left, refusal: limitPool, shards: shardsFor(r.Limit, r.Window)})
	}
	return cs
}

// currentRange returns the key of phone's range counter at now and the time
// left in its window; ok is false when the guard is off.
func (p Policy) currentRange(phone string, now time.Time) (key string, left time.Duration, ok bool) {
	if !p.Ranges.guarding() {
		return "", 0, false
	}
	start, left := window(now, p.Ranges.Window)
	return rangeKey(p.Key, p.Ranges.numberRange(phone), start), left, true
}
