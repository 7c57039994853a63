package triggers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// fakeLimiter is a triggers.Limiter whose answers are functions; a nil one
// allows. It records the numbers each method was asked about.
type fakeLimiter struct {
	mu            sync.Mutex
	take, clear   func(phone string) error
	answer        func(phone string, right bool) error
	taken         []string
	givenBack     []string
	giveBack      func(ctx context.Context) error // a nil one succeeds
	wrongs        []string
	rights        []string
	cleared       []string
	rangesCleared []string
}

func (l *fakeLimiter) Take(_ context.Context, phone string, _ time.Time) (func(context.Context) error, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taken = append(l.taken, phone)
	if l.take != nil {
		if err := l.take(phone); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.givenBack = append(l.givenBack, phone)
		if l.giveBack == nil {
			return nil
		}
		return l.giveBack(ctx)
	}, nil
}

func (l *fakeLimiter) Wrong(_ context.Context, phone string, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.wrongs = append(l.wrongs, phone)
	if l.answer == nil {
		return nil
	}
	return l.answer(phone, false)
}

func (l *fakeLimiter) Right(_ context.Context, phone string, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rights = append(l.rights, phone)
	if l.answer == nil {
		return nil
	}
	return l.answer(phone, true)
}

func (l *fakeLimiter) ClearRange(_ context.Context, phone string, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rangesCleared = append(l.rangesCleared, phone)
	return nil
}

func (l *fakeLimiter) Clear(_ context.Context, phone string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cleared = append(l.cleared, phone)
	if l.clear == nil {
		return nil
	}
	return l.clear(phone)
}

// refusal is a refusal as ratelimit.Refused describes itself.
type refusal struct {
	wait                            time.Duration
	pool, answers, ranges, countrys bool
}

func (r refusal) Error() string             { return "refused" }
func (r refusal) RetryAfter() time.Duration { return r.wait }
func (r refusal) PoolWide() bool            { return r.pool }
func (r refusal) RangeWide() bool           { return r.ranges }
func (r refusal) CountryWide() bool         { return r.countrys }
func (r refusal) WrongAnswers() bool        { return r.answers }

func TestLimiterConsultedBeforeEachSend(t *testing.T) {
	unreachable := errors.New("dial tcp: refused")
	tests := []struct {
		name     string
		failOpen bool
		err      error
		wantErr  string
		sends    int
	}{
		{"allowed", false, nil, "", 1},
		{"phone limit", false, refusal{wait: 12*time.Minute + time.Second}, "[rate_limited] too many codes requested for this phone number; try again in 13 minutes", 0},
		{"phone limit seconds", false, refusal{wait: 41 * time.Second}, "[rate_limited] too many codes requested for this phone number; try again in 41 seconds", 0},
		{"pool ceiling", false, refusal{wait: 20 * time.Second, pool: true}, "[pool_limited] sign-in codes are temporarily unavailable; try again in 20 seconds", 0},
		{"range guard", false, refusal{wait: 40 * time.Minute, ranges: true}, "[range_limited] sign-in codes are temporarily unavailable for numbers like this one; try again in 40 minutes", 0},
		{"country budget", false, refusal{wait: 20 * time.Minute, countrys: true}, "[country_limited] sign-in codes are temporarily unavailable for this country; try again in 20 minutes", 0},
		{"cool-off", false, refusal{wait: 14 * time.Minute, answers: true}, "[cooling_off] too many wrong codes for this phone number; try again in 14 minutes", 0},
		{"locked", false, refusal{answers: true}, "[locked] too many wrong codes for this phone number: it is locked until support unlocks it", 0},
		{"refusal wrapped", false, errors.Join(refusal{wait: time.Minute, pool: true}, unreachable), "[pool_limited] sign-in codes are temporarily unavailable; try again in 60 seconds", 0},
		{"unreachable fails closed", false, unreachable, "[send_failed] could not send the code", 0},
		{"unreachable fails open", true, unreachable, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &fakeLimiter{take: func(string) error { return tt.err }}
			f := newFixtureWith(t, func(c *triggers.Config) { c.LimiterFailOpen = tt.failOpen }, triggers.WithLimiter(l))
			_, err := f.startSignIn(t).start()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			}
			if f.out.count() != tt.sends || len(l.taken) != 1 || l.taken[0] != testPhone {
				t.Errorf("got %d sends and limiter asked for %v, want %d sends and one question for %s", f.out.count(), l.taken, tt.sends, testPhone)
			}
		})
	}
}

func TestLimiterNotAskedForRetries(t *testing.T) {
	l := &fakeLimiter{}
	f := newFixtureWith(t, nil, triggers.WithLimiter(l))
	s := f.startSignIn(t)
	mustStart(t, s)
	s.answer(wrongCode(f.out.last(t)), nil)
	f.clock.Advance(time.Minute)
	s.answer("resend", resend)
	if len(l.taken) != 2 || f.out.count() != 2 {
		t.Errorf("got %d limiter calls and %d sends, want 2 and 2: retries reuse the code and cost nothing", len(l.taken), f.out.count())
	}
}

// TestEveryAnswerIsCounted: each answer is counted (wrong) or admitted
// (right) by the guess budget, one call each, and a resend request is
// neither checked nor counted.
func TestEveryAnswerIsCounted(t *testing.T) {
	l := &fakeLimiter{}
	f := newFixtureWith(t, nil, triggers.WithLimiter(l))
	s := f.startSignIn(t)
	mustStart(t, s)
	code := f.out.last(t)
	s.answer(wrongCode(code), nil)
	f.clock.Advance(time.Minute)
	s.answer("resend", resend)
	if res, err := s.answer(f.out.last(t), nil); res != resTokens || err != nil {
		t.Fatalf("right answer: got %s, %v; want tokens", res, err)
	}
	if len(l.wrongs) != 1 || len(l.rights) != 1 || l.rights[0] != testPhone || len(l.cleared) != 0 {
		t.Errorf("got wrong %v right %v cleared %v, want one wrong and one right answer for %s, no clear", l.wrongs, l.rights, l.cleared, testPhone)
	}
}

func TestAnswerRefusedByGuessBudget(t *testing.T) {
	tests := []struct {
		name, want string
		err        error
	}{
		{"cool-off", "[cooling_off] too many wrong codes for this phone number; try again in 30 minutes", refusal{wait: 30 * time.Minute, answers: true}},
		{"locked", "[locked] too many wrong codes for this phone number: it is locked until support unlocks it", refusal{answers: true}},
		{"unreachable fails closed even when sends fail open", "[check_failed] could not check the code; try again", errors.New("timeout")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &fakeLimiter{}
			f := newFixtureWith(t, func(c *triggers.Config) { c.LimiterFailOpen = true }, triggers.WithLimiter(l))
			s := f.startSignIn(t)
			mustStart(t, s)
			l.answer = func(string, bool) error { return tt.err }
			// The right code itself is refused: no verdict without the budget.
			ev := verifyEventFor(s, f.out.last(t))
			err := invoke(t, f, &ev)
			if err == nil || err.Error() != tt.want || ev.Response.AnswerCorrect {
				t.Errorf("got %v, answerCorrect %v; want %q and no check", err, ev.Response.AnswerCorrect, tt.want)
			}
			if len(l.cleared) != 0 {
				t.Errorf("cleared %v: a refused answer must not clear the count", l.cleared)
			}
		})
	}
}

// TestGuessingAttack plays an attacker who starts sign-ins for a victim's
// number and answers wrong codes, with the real in-memory limiter: every 10
// wrong answers start a cool-off that doubles, and 100 lock the number
// until an administrator unlocks it through the function (or a year passes
// with no answer).
func TestGuessingAttack(t *testing.T) {
	lim, err := ratelimit.NewMemory(ratelimit.Policy{
		Sends:   ratelimit.Rules{PerPhone: ratelimit.Rule{Limit: 1000, Window: time.Minute}},
		Guesses: ratelimit.DefaultGuessRules(),
		Key:     testKeys.Derive("ratelimit"),
	})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureWith(t, nil, triggers.WithLimiter(lim))
	checked, sent := 0, 0
	var lastErr error
	for checked < 200 {
		s := f.startSignIn(t)
		if _, err := s.start(); err != nil {
			lastErr = err
			if strings.Contains(err.Error(), "locked") {
				break
			}
			if !strings.HasPrefix(err.Error(), "[cooling_off] ") {
				t.Fatalf("start: got %v, want a code, a cool-off or the lock", err)
			}
			// A cool-off: the attacker waits it out.
			f.clock.Advance(200 * time.Hour)
			continue
		}
		sent++
		for a := 0; a < 3; a++ {
			ev := verifyEventFor(s, wrongCode(f.out.last(t)))
			if err := invoke(t, f, &ev); err != nil {
				lastErr = err
				break
			}
			checked++
			s.session[len(s.session)-1].ChallengeResult = false
			if res, _ := s.next(nil); res != resContinue {
				break
			}
		}
	}
	if checked != ratelimit.DefaultLockAfter {
		t.Errorf("got %d wrong answers checked before the lock, want exactly %d", checked, ratelimit.DefaultLockAfter)
	}
	if lastErr == nil || !strings.Contains(lastErr.Error(), "locked") {
		t.Fatalf("got last error %v, want the lock", lastErr)
	}
	before := f.out.count()
	f.clock.Advance(364 * 24 * time.Hour)
	if _, err := f.startSignIn(t).start(); err == nil || f.out.count() != before {
		t.Errorf("364 days later: got %v and %d new SMS, want still locked and none", err, f.out.count()-before)
	}

	unlock := map[string]any{"triggerSource": triggers.SourceAdminUnlock, "phone": testPhone}
	in, _ := json.Marshal(unlock)
	out, err := f.h.Invoke(context.Background(), in)
	if err != nil || !strings.Contains(string(out), `"unlocked":true`) {
		t.Fatalf("unlock: got %s, %v", out, err)
	}
	if _, err := f.startSignIn(t).start(); err != nil || f.out.count() != before+1 {
		t.Errorf("after unlock: got %v, want a code sent", err)
	}
}

func TestUnlockRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, payload, want string
		limiter             bool
	}{
		{"not a number", `{"triggerSource":"PhonepassAdmin_Unlock","phone":"07700 900123"}`, "[phone_format] phone_number must be in E.164 form", true},
		{"no number", `{"triggerSource":"PhonepassAdmin_Unlock"}`, "[phone_format] phone_number must be in E.164 form", true},
		{"no limiter", `{"triggerSource":"PhonepassAdmin_Unlock","phone":"+447700900123"}`, "[no_limiter] no limiter is configured", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []triggers.Option
			l := &fakeLimiter{}
			if tt.limiter {
				opts = append(opts, triggers.WithLimiter(l))
			}
			f := newFixtureWith(t, nil, opts...)
			_, err := f.h.Invoke(context.Background(), []byte(tt.payload))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || len(l.cleared) != 0 {
				t.Errorf("got %v, cleared %v; want %q and nothing cleared", err, l.cleared, tt.want)
			}
		})
	}
}
