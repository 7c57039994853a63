package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// testKey keys the number hashes in tests.
var testKey = []byte("ratelimit-test-key-0123456789abcdef")

// limiter is what both implementations offer.
type limiter interface {
	sendTaker
	Wrong(ctx context.Context, phone string, now time.Time) error
	Right(ctx context.Context, phone string, now time.Time) error
	Clear(ctx context.Context, phone string) error
	ClearRange(ctx context.Context, phone string, now time.Time) error
}

// sendTaker takes sends; both implementations are one.
type sendTaker interface {
	Take(ctx context.Context, phone string, now time.Time) (func(context.Context) error, error)
}

// take takes one send from l and keeps only its error.
func take(l sendTaker, ctx context.Context, phone string, now time.Time) error {
	_, err := l.Take(ctx, phone, now)
	return err
}

func policy(sends Rules, guesses GuessRules) Policy {
	return Policy{Sends: sends, Guesses: guesses, Key: testKey}
}

// refusal returns err as a *Refused, failing t if it is not one.
func refusal(t *testing.T, what string, err error) *Refused {
	t.Helper()
	var r *Refused
	if !errors.As(err, &r) {
		t.Fatalf("%s: got %v, want a refusal", what, err)
	}
	return r
}

// checkLimits runs the same behavioural checks on any limiter built by make.
func checkLimits(t *testing.T, make func(t *testing.T, p Policy) limiter) {
	ctx := context.Background()
	sendsOnly := func(r Rules) Policy { return policy(r, DefaultGuessRules()) }
	t.Run("a send given back counts nowhere", func(t *testing.T) {
		l := make(t, sendsOnly(Rules{PerPhone: Rule{Limit: 2, Window: time.Hour}, Pool: Rule{Limit: 3, Window: time.Hour}}))
		for i := 0; i < 5; i++ {
			giveBack, err := l.Take(ctx, "+447700900031", t0)
			if err != nil {
				t.Fatalf("send %d, each given back: %v", i+1, err)
			}
			if err := giveBack(ctx); err != nil {
				t.Fatalf("give back %d: %v", i+1, err)
			}
		}
		got := 0
		for _, p := range []string{"+447700900031", "+447700900031", "+447700900031", "+447700900032", "+447700900033"} {
			if take(l, ctx, p, t0) == nil {
				got++
			}
		}
		if got != 3 {
			t.Errorf("after five sends given back: got %d of 5 sends allowed, want 3 (the number's 2 and the pool's third)", got)
		}
	})
	t.Run("per phone limit holds and says when", func(t *testing.T) {
		l := make(t, sendsOnly(Rules{PerPhone: Rule{Limit: 5, Window: 15 * time.Minute}}))
		now := t0.Add(2 * time.Minute)
		for i := 0; i < 5; i++ {
			if err := take(l, ctx, "+447700900001", now); err != nil {
				t.Fatalf("send %d: got %v, want allowed", i+1, err)
			}
		}
		r := refusal(t, "sixth send", take(l, ctx, "+447700900001", now))
		if r.RetryAfter() != 13*time.Minute || r.PoolWide() || r.WrongAnswers() {
			t.Errorf("sixth send: got wait %s pool %v answers %v; want 13m, a phone limit", r.RetryAfter(), r.PoolWide(), r.WrongAnswers())
		}
		if err := take(l, ctx, "+447700900002", now); err != nil {
			t.Errorf("another number: got %v, want allowed", err)
		}
	})
	t.Run("window rolls over", func(t *testing.T) {
		l := make(t, sendsOnly(Rules{PerPhone: Rule{Limit: 2, Window: time.Minute}}))
		for i := 0; i < 2; i++ {
			_ = take(l, ctx, "+447700900003", t0)
		}
		if err := take(l, ctx, "+447700900003", t0.Add(59*time.Second)); err == nil {
			t.Error("same window: got allowed, want refused")
		}
		if err := take(l, ctx, "+447700900003", t0.Add(time.Minute)); err != nil {
			t.Errorf("next window: got %v, want allowed", err)
		}
	})
	t.Run("pool ceiling says so and spends no number's allowance", func(t *testing.T) {
		l := make(t, sendsOnly(Rules{PerPhone: Rule{Limit: 2, Window: time.Hour}, Pool: Rule{Limit: 3, Window: time.Minute}}))
		for i, phone := range []string{"+447700900010", "+447700900011", "+447700900012"} {
			if err := take(l, ctx, phone, t0); err != nil {
				t.Fatalf("send %d: got %v, want allowed", i+1, err)
			}
		}
		// A brand-new number during the flood: refused by the pool, five times.
		for i := 0; i < 5; i++ {
			r := refusal(t, "new number at the ceiling", take(l, ctx, "+447700900013", t0.Add(10*time.Second)))
			if !r.PoolWide() || r.RetryAfter() != 50*time.Second {
				t.Fatalf("got pool %v wait %s, want the pool ceiling with 50s to wait", r.PoolWide(), r.RetryAfter())
			}
		}
		// Next minute: the number still has its whole allowance of 2.
		for i := 0; i < 2; i++ {
			if err := take(l, ctx, "+447700900013", t0.Add(time.Minute+time.Duration(i)*time.Second)); err != nil {
				t.Fatalf("send %d after the flood: got %v, want allowed (refused sends must not spend the allowance)", i+1, err)
			}
		}
	})
	t.Run("concurrent sends never exceed the limit", func(t *testing.T) {
		l := make(t, sendsOnly(Rules{PerPhone: Rule{Limit: 5, Window: 15 * time.Minute}}))
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := take(l, ctx, "+447700900020", t0)
				if err == nil {
					allowed.Add(1)
				} else if !IsRefused(err) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := allowed.Load(); got != 5 {
			t.Errorf("got %d of 50 concurrent sends allowed, want exactly 5", got)
		}
	})
	t.Run("guess budget: cool-offs that double, then a lock", func(t *testing.T) {
		// A day's limit of 100: the cool-offs alone, here.
		l := make(t, policy(Rules{}, GuessRules{CoolOffEvery: DefaultCoolOffEvery, CoolOff: DefaultCoolOff, LockAfter: DefaultLockAfter, PerDay: MaxPerDay}))
		const phone = "+447700900030"
		now := t0
		wantCool := DefaultCoolOff
		for n := 1; n <= DefaultLockAfter; n++ {
			if err := l.Wrong(ctx, phone, now); err != nil {
				t.Fatalf("answer %d at %s: got %v, want it counted", n, now, err)
			}
			if n%DefaultCoolOffEvery != 0 || n == DefaultLockAfter {
				continue
			}
			// The answer after each tenth is refused until the cool-off ends,
			// right or wrong, and so is every code.
			r := refusal(t, "answer in a cool-off", l.Wrong(ctx, phone, now.Add(time.Second)))
			if !r.WrongAnswers() || r.RetryAfter() != wantCool-time.Second {
				t.Fatalf("after %d wrong: got wait %s answers %v, want %s of cool-off", n, r.RetryAfter(), r.WrongAnswers(), wantCool-time.Second)
			}
			if r := refusal(t, "right answer in a cool-off", l.Right(ctx, phone, now.Add(time.Second))); !r.WrongAnswers() {
				t.Fatalf("right answer in a cool-off: got %v, want refused", r)
			}
			if r := refusal(t, "code in a cool-off", take(l, ctx, phone, now.Add(wantCool-time.Second))); !r.WrongAnswers() {
				t.Fatalf("code in a cool-off: got %v, want a wrong-answers refusal", r)
			}
			now = now.Add(wantCool)
			wantCool *= 2
		}
		for _, at := range []time.Time{now, now.Add(24 * time.Hour), now.Add(364 * 24 * time.Hour)} {
			r := refusal(t, "answer after the lock", l.Wrong(ctx, phone, at))
			if !r.WrongAnswers() || r.RetryAfter() != 0 {
				t.Errorf("at %s: got wait %s, want a lock with no end", at, r.RetryAfter())
			}
			if err := l.Right(ctx, phone, at); !IsRefused(err) {
				t.Errorf("right answer after the lock at %s: got %v, want refused", at, err)
			}
			if err := take(l, ctx, phone, at); !IsRefused(err) {
				t.Errorf("code after the lock at %s: got %v, want refused", at, err)
			}
		}
		if err := l.Clear(ctx, phone); err != nil {
			t.Fatal(err)
		}
		if err := take(l, ctx, phone, now); err != nil {
			t.Errorf("code after an administrator cleared the lock: got %v, want allowed", err)
		}
	})
	t.Run("a right answer ends the run, not the day", func(t *testing.T) {
		l := make(t, policy(Rules{}, GuessRules{CoolOffEvery: 3, CoolOff: time.Minute, LockAfter: 6, PerDay: 10}))
		const phone = "+447700900031"
		at := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		for round := 0; round < 4; round++ {
			for i := 0; i < 2; i++ {
				if err := l.Wrong(ctx, phone, at(2*round+i)); err != nil {
					t.Fatalf("round %d answer %d: got %v", round, i+1, err)
				}
			}
			if err := l.Right(ctx, phone, at(2*round+1)); err != nil {
				t.Fatalf("round %d: right answer: got %v", round, err)
			}
		}
		// 8 wrong answers in 8 hours, a right one after every 2: no cool-off
		// (the run never reached 3), two more fit the day's 10.
		for n := 9; n <= 10; n++ {
			if err := l.Wrong(ctx, phone, at(n-1)); err != nil {
				t.Fatalf("answer %d: got %v, want counted (the day holds 10)", n, err)
			}
		}
		r := refusal(t, "the 11th wrong answer of the day", l.Wrong(ctx, phone, at(10)))
		if !r.WrongAnswers() || r.RetryAfter() != 14*time.Hour {
			t.Errorf("11th answer: got wait %s answers %v, want 14h, until the first is 24h old", r.RetryAfter(), r.WrongAnswers())
		}
		if err := l.Right(ctx, phone, at(10)); !IsRefused(err) {
			t.Errorf("a right answer when the day is full: got %v, want refused (it cannot be told from a guess)", err)
		}
		if err := take(l, ctx, phone, at(10)); !IsRefused(err) {
			t.Errorf("a code when the day is full: got %v, want refused", err)
		}
		// The first answer is 24 hours old: one place is free, one.
		if err := l.Wrong(ctx, phone, at(24)); err != nil {
			t.Errorf("after 24 hours: got %v, want one place free", err)
		}
		if err := l.Wrong(ctx, phone, at(24)); !IsRefused(err) {
			t.Errorf("a second answer at 24 hours: got %v, want refused: the second answer is not 24 hours old", err)
		}
	})
	t.Run("other numbers are not touched", func(t *testing.T) {
		l := make(t, policy(Rules{}, GuessRules{CoolOffEvery: 1, CoolOff: time.Hour, LockAfter: 1, PerDay: 1}))
		if err := l.Wrong(ctx, "+447700900032", t0); err != nil {
			t.Fatal(err)
		}
		if err := l.Wrong(ctx, "+447700900033", t0); err != nil {
			t.Errorf("another number: got %v, want its own budget", err)
		}
		if err := l.Right(ctx, "+447700900035", t0); err != nil {
			t.Errorf("a number without wrong answers: got %v, want its right answer admitted", err)
		}
	})
	concurrent := func(t *testing.T, l limiter, phone string, answer func(context.Context, string, time.Time) error) int {
		var counted atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := answer(ctx, phone, t0); err == nil {
					counted.Add(1)
				} else if !IsRefused(err) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		return int(counted.Load())
	}
	t.Run("concurrent answers never pass a cool-off", func(t *testing.T) {
		l := make(t, policy(Rules{}, DefaultGuessRules()))
		const phone = "+447700900034"
		got := concurrent(t, l, phone, l.Wrong)
		if got > DefaultCoolOffEvery || got == 0 {
			t.Errorf("got %d of 40 concurrent answers checked, want 1 to %d (the cool-off must stop the rest)", got, DefaultCoolOffEvery)
		}
		// Whatever raced, the count is exact: the next answers run out the
		// ten before the cool-off, never more.
		for n := got; n < DefaultCoolOffEvery; n++ {
			if err := l.Wrong(ctx, phone, t0); err != nil {
				t.Fatalf("answer %d: got %v, want counted", n+1, err)
			}
		}
		if err := l.Wrong(ctx, phone, t0); !IsRefused(err) {
			t.Errorf("answer %d: got %v, want the cool-off", DefaultCoolOffEvery+1, err)
		}
	})
	t.Run("concurrent answers never pass the day's limit", func(t *testing.T) {
		l := make(t, policy(Rules{}, GuessRules{CoolOffEvery: 50, CoolOff: time.Minute, LockAfter: 100, PerDay: 5}))
		if got := concurrent(t, l, "+447700900036", l.Wrong); got != 5 {
			t.Errorf("got %d of 40 concurrent wrong answers counted, want exactly the day's 5", got)
		}
		if got := concurrent(t, l, "+447700900036", l.Right); got != 0 {
			t.Errorf("got %d of 40 concurrent right answers admitted on a full day, want none", got)
		}
	})
	checkRanges(t, make)
}

func TestMemory(t *testing.T) {
	checkLimits(t, func(t *testing.T, p Policy) limiter {
		m, err := NewMemory(p)
		if err != nil {
			t.Fatal(err)
		}
		return m
	})
}

func TestMemoryForgetsOldWindows(t *testing.T) {
	m, _ := NewMemory(policy(DefaultRules(), DefaultGuessRules()))
	for i := 0; i < 100; i++ {
		_ = take(m, context.Background(), "+4477009"+string(rune('0'+i%10))+"0000", t0.Add(time.Duration(i)*time.Hour))
	}
	if n := len(m.counts); n > 4 {
		t.Errorf("got %d counters after 100 hours, want old windows forgotten", n)
	}
}

// TestMemoryGuessesBounded: 99 wrong answers on one number, then records
// for 100,000 others: memory stays bounded, the number keeps its run (one
// more answer, then the lock: it was forgotten before, and got 100 more),
// and a fresh number's wrong answer is refused with ErrGuessesFull rather
// than a record forgotten.
func TestMemoryGuessesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("floods 100,000 numbers")
	}
	m, _ := NewMemory(policy(Rules{}, GuessRules{CoolOffEvery: 100, CoolOff: time.Minute, LockAfter: 100, PerDay: 100}))
	ctx := context.Background()
	const target = "+447700900999"
	for i := 0; i < 99; i++ {
		if err := m.Wrong(ctx, target, t0); err != nil {
			t.Fatal(err)
		}
	}
	full := 0
	for i := 0; i < maxMemoryGuesses+10; i++ {
		err := m.Wrong(ctx, fmt.Sprintf("+1555%07d", i), t0.Add(time.Duration(i)))
		switch {
		case errors.Is(err, ErrGuessesFull):
			full++
		case err != nil:
			t.Fatalf("fresh number %d: got %v", i, err)
		}
	}
	if n := len(m.guesses); n > maxMemoryGuesses {
		t.Errorf("got %d records, want at most %d", n, maxMemoryGuesses)
	}
	if full != 11 {
		t.Errorf("got %d fresh numbers refused as full, want the 11 past the bound", full)
	}
	checked := 0
	for i := 0; i < 200; i++ {
		if m.Wrong(ctx, target, t0.Add(time.Hour)) == nil {
			checked++
		}
	}
	if checked != 1 {
		t.Errorf("after the flood: got %d more answers checked on the number with 99, want 1 and then the lock", checked)
	}
	// A year after their last wrong answer, the records are forgotten and
	// there is room again.
	if err := m.Wrong(ctx, "+15559999999", t0.Add(guessMemory+time.Hour)); err != nil {
		t.Errorf("a year on: got %v, want room", err)
	}
}

// TestMemoryForgetsAYearOn: a run, and a lock, are forgotten a year after
// their last wrong answer; the day's record 24 hours after its last.
func TestMemoryForgetsAYearOn(t *testing.T) {
	m, _ := NewMemory(policy(Rules{}, GuessRules{CoolOffEvery: 3, CoolOff: time.Minute, LockAfter: 3, PerDay: 10}))
	ctx := context.Background()
	const phone = "+447700900998"
	for i := 0; i < 3; i++ {
		_ = m.Wrong(ctx, phone, t0)
	}
	if err := take(m, ctx, phone, t0.Add(guessMemory-time.Second)); !IsRefused(err) {
		t.Errorf("a second short of a year: got %v, want still locked", err)
	}
	if err := take(m, ctx, phone, t0.Add(guessMemory)); err != nil {
		t.Errorf("a year on: got %v, want the lock forgotten", err)
	}
}

func TestCoolOffAfter(t *testing.T) {
	g := DefaultGuessRules()
	tests := []struct {
		wrong int
		want  time.Duration
	}{
		{0, 0}, {1, 0}, {9, 0}, {10, 15 * time.Minute}, {11, 0}, {20, 30 * time.Minute},
		{30, time.Hour}, {90, 64 * time.Hour}, {100, 128 * time.Hour},
	}
	for _, tt := range tests {
		if got := g.coolOffAfter(tt.wrong); got != tt.want {
			t.Errorf("coolOffAfter(%d): got %s, want %s", tt.wrong, got, tt.want)
		}
	}
	tight := GuessRules{CoolOffEvery: 1, CoolOff: MaxCoolOff, LockAfter: MaxLockAfter}
	if got := tight.coolOffAfter(99); got != longestCoolOff {
		t.Errorf("doubling 98 times: got %s, want the cap %s", got, longestCoolOff)
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		ok     bool
	}{
		{"defaults", policy(DefaultRules(), DefaultGuessRules()), true},
		{"sends off", policy(Rules{}, DefaultGuessRules()), true},
		{"negative", policy(Rules{PerPhone: Rule{Limit: -1, Window: time.Minute}}, DefaultGuessRules()), false},
		{"no window", policy(Rules{Pool: Rule{Limit: 5}}, DefaultGuessRules()), false},
		{"lock above NIST's 100", policy(DefaultRules(), GuessRules{CoolOffEvery: 10, CoolOff: time.Minute, LockAfter: 101, PerDay: 24}), false},
		{"no lock", policy(DefaultRules(), GuessRules{CoolOffEvery: 10, CoolOff: time.Minute, PerDay: 24}), false},
		{"cool-off every 0", policy(DefaultRules(), GuessRules{CoolOff: time.Minute, LockAfter: 10, PerDay: 24}), false},
		{"cool-off after the lock", policy(DefaultRules(), GuessRules{CoolOffEvery: 11, CoolOff: time.Minute, LockAfter: 10, PerDay: 24}), false},
		{"cool-off 1s", policy(DefaultRules(), GuessRules{CoolOffEvery: 10, CoolOff: time.Second, LockAfter: 100, PerDay: 24}), false},
		{"no day's limit", policy(DefaultRules(), GuessRules{CoolOffEvery: 10, CoolOff: time.Minute, LockAfter: 100}), false},
		{"a day's limit past 100", policy(DefaultRules(), GuessRules{CoolOffEvery: 10, CoolOff: time.Minute, LockAfter: 100, PerDay: 101}), false},
		{"no key", Policy{Sends: DefaultRules(), Guesses: DefaultGuessRules()}, false},
		{"short key", Policy{Sends: DefaultRules(), Guesses: DefaultGuessRules(), Key: []byte("short")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.policy.Validate(); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestNumberHashIsKeyed(t *testing.T) {
	a := numberHash(testKey, "+447700900123")
	if a != numberHash(testKey, "+447700900123") {
		t.Error("numberHash is not deterministic")
	}
	if a == numberHash([]byte("another-key-0123456789abcdef"), "+447700900123") {
		t.Error("numberHash does not depend on the key: a copy of the table would give numbers away")
	}
	if a == numberHash(testKey, "+447700900124") {
		t.Error("two numbers share a hash")
	}
}
