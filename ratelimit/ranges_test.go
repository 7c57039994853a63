package ratelimit

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guard is the default range guard with no country budgets.
var guard = DefaultRangeRules()

// rangePolicy is a policy of the given send limits and range rules.
func rangePolicy(sends Rules, ranges RangeRules) Policy {
	p := policy(sends, DefaultGuessRules())
	p.Ranges = ranges
	return p
}

// inRange returns the i-th number of the range +447700900xxx (or another
// range prefix of the same length).
func inRange(prefix string, i int) string { return fmt.Sprintf("%s%03d", prefix, i) }

// takeAll sends one code to each number at now and returns how many were
// allowed; every refusal must be a *Refused.
func takeAll(t *testing.T, l limiter, now time.Time, numbers ...string) int {
	t.Helper()
	allowed := 0
	for _, n := range numbers {
		err := take(l, context.Background(), n, now)
		switch {
		case err == nil:
			allowed++
		case !IsRefused(err):
			t.Fatalf("send to %s: %v", n, err)
		}
	}
	return allowed
}

// numbers returns count numbers of the range prefix, from the first.
func numbers(prefix string, first, count int) []string {
	var out []string
	for i := first; i < first+count; i++ {
		out = append(out, inRange(prefix, i))
	}
	return out
}

// checkRanges runs the range guard's and country budgets' checks on any
// limiter built by make (see checkLimits).
func checkRanges(t *testing.T, make func(t *testing.T, p Policy) limiter) {
	ctx := context.Background()
	now := t0.Add(20 * time.Minute)
	const a, b = "+447700900", "+447700901"
	t.Run("range guard closes a range whose codes go unanswered, until the window ends", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{}, guard))
		if got := takeAll(t, l, now, numbers(a, 0, guard.MinCodes)...); got != guard.MinCodes {
			t.Fatalf("got %d of the first %d codes to a range, want all", got, guard.MinCodes)
		}
		r := refusal(t, "a fresh number of the range", take(l, ctx, inRange(a, 500), now))
		if !r.RangeWide() || r.PoolWide() || r.CountryWide() || r.WrongAnswers() || r.RetryAfter() != 40*time.Minute {
			t.Errorf("got range %v pool %v country %v answers %v wait %s; want the range guard until the hour ends (40m)",
				r.RangeWide(), r.PoolWide(), r.CountryWide(), r.WrongAnswers(), r.RetryAfter())
		}
		if err := take(l, ctx, inRange(b, 0), now); err != nil {
			t.Errorf("another range: got %v, want served", err)
		}
		if err := take(l, ctx, inRange(a, 500), t0.Add(time.Hour)); err != nil {
			t.Errorf("the closed range in the next window: got %v, want served", err)
		}
	})
	t.Run("a range whose codes are answered is never cut off", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{}, guard))
		for i := range 100 {
			n := inRange(a, i)
			if err := take(l, ctx, n, now); err != nil {
				t.Fatalf("code %d with %d answered: got %v, want served", i+1, (i+4)/5, err)
			}
			if i%5 == 0 { // exactly one in five answered: 20 %
				if err := l.Right(ctx, n, now); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	t.Run("late answers reopen a range", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{}, guard))
		takeAll(t, l, now, numbers(a, 0, 10)...)
		if err := l.Right(ctx, inRange(a, 0), now); err != nil {
			t.Fatal(err)
		}
		if err := take(l, ctx, inRange(a, 10), now); !IsRefused(err) {
			t.Fatalf("10 codes, 1 answered (10 %%): got %v, want refused", err)
		}
		if err := l.Right(ctx, inRange(a, 1), now); err != nil {
			t.Fatal(err)
		}
		if err := take(l, ctx, inRange(a, 10), now); err != nil {
			t.Errorf("10 codes, 2 answered (20 %%): got %v, want served", err)
		}
	})
	t.Run("answers count only up to the codes sent: no credit to bank", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{}, guard))
		for i := range 30 { // answers in a range that got no code in this window
			if err := l.Right(ctx, inRange(a, i), now); err != nil {
				t.Fatal(err)
			}
		}
		if got := takeAll(t, l, now, numbers(a, 0, 30)...); got != guard.MinCodes {
			t.Errorf("got %d codes served after 30 answers to no code, want %d", got, guard.MinCodes)
		}
		// Answering every code sent (10) and more still allows only what
		// 10 answers justify: codes while at least 20 % are answered, the
		// last one at 50 sent.
		for i := range 20 {
			if err := l.Right(ctx, inRange(a, i), now); err != nil {
				t.Fatal(err)
			}
		}
		if got := takeAll(t, l, now, numbers(a, 100, 60)...); got != 41 {
			t.Errorf("got %d more codes served with 10 answered of 10, want 41 (until 51 sent, 10 answered: under 20 %%)", got)
		}
	})
	t.Run("a refused send counts nowhere", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{PerPhone: Rule{Limit: 1, Window: time.Hour}, Pool: Rule{Limit: 12, Window: time.Hour}}, guard))
		takeAll(t, l, now, numbers(a, 0, 10)...)
		for range 20 { // a flood into the closed range
			if r := refusal(t, "flood", take(l, ctx, inRange(a, 999), now)); !r.RangeWide() {
				t.Fatalf("got %v, want the range guard", r)
			}
		}
		if got := takeAll(t, l, now, numbers(b, 0, 5)...); got != 2 {
			t.Errorf("got %d codes to another range, want 2: the pool's ceiling of 12 less the 10 served (the flood must not spend it)", got)
		}
		if err := l.ClearRange(ctx, inRange(a, 1), now); err != nil {
			t.Fatal(err)
		}
		// The number refused 20 times by the range still has its allowance
		// of 1; the pool, not the range, refuses now.
		if r := refusal(t, "after the pool's ceiling", take(l, ctx, inRange(a, 999), now)); !r.PoolWide() {
			t.Errorf("got %v, want the pool's ceiling", r)
		}
		if err := take(l, ctx, inRange(a, 999), t0.Add(time.Hour)); err != nil {
			t.Errorf("next window: got %v, want served (refused sends spend no allowance)", err)
		}
	})
	t.Run("ClearRange lifts the guard for MinCodes more codes", func(t *testing.T) {
		l := make(t, rangePolicy(Rules{}, guard))
		takeAll(t, l, now, numbers(a, 0, 10)...)
		if err := l.ClearRange(ctx, inRange(a, 42), now); err != nil {
			t.Fatal(err)
		}
		if got := takeAll(t, l, now, numbers(a, 10, 15)...); got != guard.MinCodes {
			t.Errorf("got %d codes after the administrator lifted the guard, want %d before it closes again", got, guard.MinCodes)
		}
		if err := l.ClearRange(ctx, inRange(b, 0), now); err != nil {
			t.Errorf("lifting a range with no counts: got %v, want nil", err)
		}
	})
	t.Run("guard off: no range counts", func(t *testing.T) {
		off := guard
		off.MinAnsweredPercent = 0
		l := make(t, rangePolicy(Rules{}, off))
		if got := takeAll(t, l, now, numbers(a, 0, 50)...); got != 50 {
			t.Errorf("got %d of 50 served with the guard off", got)
		}
		if err := l.Right(ctx, inRange(a, 0), now); err != nil {
			t.Error(err)
		}
		if err := l.ClearRange(ctx, inRange(a, 0), now); err != nil {
			t.Error(err)
		}
	})
	t.Run("country budgets", func(t *testing.T) {
		r := RangeRules{Countries: []CountryBudget{{CallingCode: "44", PerHour: 3}, {CallingCode: "1", PerHour: 100}}}
		l := make(t, rangePolicy(Rules{}, r))
		uk := []string{"+447700900001", "+447700901001", "+447911123456", "+447400123456"}
		if got := takeAll(t, l, now, uk[:3]...); got != 3 {
			t.Fatalf("got %d of 3 codes to +44, want all", got)
		}
		rf := refusal(t, "fourth +44 code in the hour", take(l, ctx, uk[3], now))
		if !rf.CountryWide() || rf.RangeWide() || rf.PoolWide() || rf.RetryAfter() != 40*time.Minute {
			t.Errorf("got country %v range %v pool %v wait %s; want the country budget until the hour ends",
				rf.CountryWide(), rf.RangeWide(), rf.PoolWide(), rf.RetryAfter())
		}
		if err := take(l, ctx, "+12025550123", now); err != nil {
			t.Errorf("+1 with its own budget: got %v, want served", err)
		}
		if err := take(l, ctx, "+33612345678", now); err != nil {
			t.Errorf("+33 with no budget: got %v, want served", err)
		}
		if err := take(l, ctx, uk[3], t0.Add(time.Hour)); err != nil {
			t.Errorf("+44 in the next hour: got %v, want served", err)
		}
	})
	t.Run("concurrent sends into one range stop at exactly MinCodes", func(t *testing.T) {
		l := make(t, rangePolicy(DefaultRules(), guard))
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := take(l, ctx, inRange(a, i), now)
				if err == nil {
					allowed.Add(1)
				} else if !IsRefused(err) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := allowed.Load(); got != int32(guard.MinCodes) {
			t.Errorf("got %d of 50 concurrent codes into one range, want exactly %d", got, guard.MinCodes)
		}
		// The counts are exact: one answer makes 10 % and keeps it closed,
		// a second makes 20 % and opens it for exactly one more code
		// (11 sent, 2 answered: 18 %).
		_ = l.Right(ctx, inRange(a, 0), now)
		if err := take(l, ctx, inRange(a, 900), now); !IsRefused(err) {
			t.Errorf("1 answered of 10: got %v, want refused", err)
		}
		_ = l.Right(ctx, inRange(a, 1), now)
		if got := takeAll(t, l, now, numbers(a, 900, 3)...); got != 1 {
			t.Errorf("2 answered of 10: got %d codes served, want exactly 1", got)
		}
	})
	t.Run("a burst into one range while answered ranges and other countries are served", func(t *testing.T) {
		r := guard
		r.Countries = []CountryBudget{{CallingCode: "1", PerHour: 1000}}
		l := make(t, rangePolicy(Rules{PerPhone: DefaultRules().PerPhone, Pool: Rule{Limit: 1000, Window: time.Minute}}, r))
		var burst, served, abroad atomic.Int32
		var wg sync.WaitGroup
		for i := range 40 { // the pumper: fresh numbers of one range, never answered
			wg.Add(1)
			go func() {
				defer wg.Done()
				if take(l, ctx, inRange(a, i), now) == nil {
					burst.Add(1)
				}
			}()
		}
		for i := range 20 { // users in another country, each of their own range
			wg.Add(1)
			go func() {
				defer wg.Done()
				if take(l, ctx, fmt.Sprintf("+1202%03d0123", i), now) == nil {
					abroad.Add(1)
				}
			}()
		}
		wg.Add(1)
		go func() { // real users of another range sign in one after another
			defer wg.Done()
			for i := range 30 {
				n := inRange(b, i)
				if err := take(l, ctx, n, now); err != nil {
					t.Errorf("real user %d in an answered range: got %v, want served", i, err)
					return
				}
				served.Add(1)
				if err := l.Right(ctx, n, now); err != nil {
					t.Error(err)
				}
			}
		}()
		wg.Wait()
		if burst.Load() != int32(guard.MinCodes) || served.Load() != 30 || abroad.Load() != 20 {
			t.Errorf("got %d of 40 burst codes, %d of 30 real users, %d of 20 abroad; want %d, 30, 20",
				burst.Load(), served.Load(), abroad.Load(), guard.MinCodes)
		}
	})
}

func TestRangeRulesValidate(t *testing.T) {
	tests := []struct {
		name  string
		rules RangeRules
		ok    bool
	}{
		{"defaults", DefaultRangeRules(), true},
		{"zero value: all off", RangeRules{}, true},
		{"off with nonsense settings", RangeRules{Digits: 99, MinCodes: -1}, true},
		{"percent 100", RangeRules{Digits: 3, Window: time.Hour, MinCodes: 1, MinAnsweredPercent: 100}, true},
		{"percent 101", RangeRules{Digits: 3, Window: time.Hour, MinCodes: 1, MinAnsweredPercent: 101}, false},
		{"percent negative", RangeRules{MinAnsweredPercent: -1}, false},
		{"no digits", RangeRules{Window: time.Hour, MinCodes: 10, MinAnsweredPercent: 20}, false},
		{"7 digits", RangeRules{Digits: 7, Window: time.Hour, MinCodes: 10, MinAnsweredPercent: 20}, false},
		{"window 30s", RangeRules{Digits: 3, Window: 30 * time.Second, MinCodes: 10, MinAnsweredPercent: 20}, false},
		{"window 25h", RangeRules{Digits: 3, Window: 25 * time.Hour, MinCodes: 10, MinAnsweredPercent: 20}, false},
		{"no codes", RangeRules{Digits: 3, Window: time.Hour, MinAnsweredPercent: 20}, false},
		{"budget", RangeRules{Countries: []CountryBudget{{"44", 200}, {"1", 500}}}, true},
		{"budget of 0", RangeRules{Countries: []CountryBudget{{"44", 0}}}, false},
		{"budget too big", RangeRules{Countries: []CountryBudget{{"44", MaxCountryPerHour + 1}}}, false},
		{"budget with +", RangeRules{Countries: []CountryBudget{{"+44", 200}}}, false},
		{"budget twice", RangeRules{Countries: []CountryBudget{{"44", 200}, {"44", 100}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rules.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
			if err := rangePolicy(Rules{}, tt.rules).Validate(); (err == nil) != tt.ok {
				t.Errorf("Policy.Validate: got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestParseCountryBudgets(t *testing.T) {
	tests := []struct {
		in   string
		want []CountryBudget
		err  string
	}{
		{"", nil, ""},
		{"  ", nil, ""},
		{"44:200", []CountryBudget{{"44", 200}}, ""},
		{"44:200,1:500", []CountryBudget{{"44", 200}, {"1", 500}}, ""},
		{" +44:200 , +1:500 ", []CountryBudget{{"44", 200}, {"1", 500}}, ""},
		{"44:200,44:100,44:300", []CountryBudget{{"44", 100}}, ""},
		{"999:1000000", []CountryBudget{{"999", 1000000}}, ""},
		{"44:0200", []CountryBudget{{"44", 200}}, ""},
		{"44", nil, "want calling code:codes per hour"},
		{"44:", nil, "is not a whole number"},
		{":200", nil, "want calling code:codes per hour"},
		{"44 :200", nil, "want calling code:codes per hour"},
		{"44: 200", nil, "want calling code:codes per hour"},
		{"44:200,", nil, "want calling code:codes per hour"},
		{"44:0", nil, "is not in 1..1000000"},
		{"44:1000001", nil, "is not in 1..1000000"},
		{"44:+5", nil, "is not a whole number"},
		{"44:-5", nil, "is not a whole number"},
		{"44:2e2", nil, "is not a whole number"},
		{"uk:200", nil, "not a country calling code"},
		{"0044:200", nil, "not a country calling code"},
		{"1000:5", nil, "not a country calling code"},
		{"44:99999999999999999999", nil, "is not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCountryBudgets(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got %v, %v; want an error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
			if err := (RangeRules{Countries: got}).Validate(); err != nil {
				t.Errorf("parsed budgets do not validate: %v", err)
			}
		})
	}
}

func TestNumberRangeAndCountry(t *testing.T) {
	r := RangeRules{Digits: 3}
	for in, want := range map[string]string{"+447700900123": "+447700900", "+1202555": "+1202", "+123": "+1", "+1": "+1"} {
		if got := r.numberRange(in); got != want {
			t.Errorf("numberRange(%q) with 3 digits: got %q, want %q", in, got, want)
		}
	}
	r.Countries = []CountryBudget{{"7", 10}, {"77", 20}, {"1", 30}}
	for in, want := range map[string]string{"+77012345678": "77", "+79161234567": "7", "+12025550123": "1", "+447700900123": ""} {
		if got, _ := r.country(in); got.CallingCode != want {
			t.Errorf("country(%q): got %q, want %q (the longest configured code that starts it)", in, got.CallingCode, want)
		}
	}
	if rangeKey(testKey, "+447700900", 0) == "range#"+numberHash(testKey, "+447700900")+"#0" {
		t.Error("a range's hash equals the hash of a number with the same digits")
	}
	if k := rangeKey(testKey, "+447700900", 0); strings.Contains(k, "447700900") {
		t.Errorf("range key %q holds the range's digits", k)
	}
}

// TestOpenMatchesShortfall checks that the rule Memory applies (open) and
// the one DynamoDB's condition applies (sent < MinCodes or shortfall ≤ 0)
// agree on every count.
func TestOpenMatchesShortfall(t *testing.T) {
	for _, p := range []int{1, 20, 33, 50, 99, 100} {
		r := RangeRules{Digits: 3, Window: time.Hour, MinCodes: 10, MinAnsweredPercent: p}
		for sent := 0; sent <= 200; sent++ {
			for answered := 0; answered <= sent; answered++ {
				want := sent < r.MinCodes || big.NewRat(int64(answered), int64(sent)).Cmp(big.NewRat(int64(p), 100)) >= 0
				if got := r.open(rangeCount{sent, answered}); got != want {
					t.Fatalf("P=%d sent=%d answered=%d: open %v, want %v", p, sent, answered, got, want)
				}
			}
		}
	}
}

// TestMemoryForgetsOldRanges: range counters go with their window.
func TestMemoryForgetsOldRanges(t *testing.T) {
	m, _ := NewMemory(rangePolicy(Rules{}, guard))
	for i := range 100 {
		_ = take(m, context.Background(), inRange(fmt.Sprintf("+4477009%02d", i), 0), t0.Add(time.Duration(i)*time.Hour))
	}
	if n := len(m.ranges); n > 1 {
		t.Errorf("got %d range counters after 100 hours, want old windows forgotten", n)
	}
}
