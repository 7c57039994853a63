package triggers_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/triggers"
)

// limiterFunc adapts a function to triggers.Limiter.
type limiterFunc func(ctx context.Context, phone string, now time.Time) (bool, time.Duration, error)

func (f limiterFunc) Take(ctx context.Context, phone string, now time.Time) (bool, time.Duration, error) {
	return f(ctx, phone, now)
}

func TestLimiterConsulted(t *testing.T) {
	tests := []struct {
		name     string
		failOpen bool
		allowed  bool
		wait     time.Duration
		err      error
		wantErr  string
		sends    int
	}{
		{"allowed", false, true, 0, nil, "", 1},
		{"refused", false, false, 12*time.Minute + time.Second, nil, "too many codes requested for this phone number; try again in 13 minutes", 0},
		{"refused seconds", false, false, 41 * time.Second, nil, "too many codes requested for this phone number; try again in 41 seconds", 0},
		{"unreachable fails closed", false, false, 0, errors.New("dial tcp: refused"), "could not send the code", 0},
		{"unreachable fails open", true, false, 0, errors.New("dial tcp: refused"), "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			l := limiterFunc(func(_ context.Context, phone string, _ time.Time) (bool, time.Duration, error) {
				asked = append(asked, phone)
				return tt.allowed, tt.wait, tt.err
			})
			cfg := triggers.DefaultConfig()
			cfg.LimiterFailOpen = tt.failOpen
			f := newFixture(t, func(c *triggers.Config) { *c = cfg })
			h, err := triggers.New(cfg, f.out, nil, triggers.WithClock(f.clock.Now), triggers.WithLimiter(l))
			if err != nil {
				t.Fatal(err)
			}
			f.h = h
			s := f.startSignIn(t)
			_, err = s.start()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			}
			if f.out.count() != tt.sends || len(asked) != 1 || asked[0] != testPhone {
				t.Errorf("got %d sends and limiter asked for %v, want %d sends and one question for %s", f.out.count(), asked, tt.sends, testPhone)
			}
		})
	}
}

func TestLimiterNotAskedForRetries(t *testing.T) {
	calls := 0
	l := limiterFunc(func(context.Context, string, time.Time) (bool, time.Duration, error) { calls++; return true, 0, nil })
	f := newFixture(t, nil)
	h, _ := triggers.New(triggers.DefaultConfig(), f.out, nil, triggers.WithClock(f.clock.Now), triggers.WithLimiter(l))
	f.h = h
	s := f.startSignIn(t)
	mustStart(t, s)
	s.answer(wrongCode(f.out.last(t)), nil)
	f.clock.Advance(time.Minute)
	s.answer("resend", resend)
	if calls != 2 || f.out.count() != 2 {
		t.Errorf("got %d limiter calls and %d sends, want 2 and 2: retries reuse the code and cost nothing", calls, f.out.count())
	}
	if !strings.HasPrefix(s.public[triggers.ParamPhone], "+") {
		t.Errorf("got public phone %q", s.public[triggers.ParamPhone])
	}
}
