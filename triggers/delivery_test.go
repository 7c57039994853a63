package triggers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/phonepass/phonepass/metrics"
	"github.com/phonepass/phonepass/triggers"
)

// sendErr is a Sender's error that says whether the text may have gone.
type sendErr struct{ uncertain bool }

func (e sendErr) Error() string   { return "publish sms: connection reset by peer" }
func (e sendErr) Uncertain() bool { return e.uncertain }

// TestSendNotTakenIsGivenBack: a text that SNS did not take is given back
// to the limits, on a context of its own that the invocation's end does
// not cancel, within GiveBackTimeout; the user gets send_failed.
func TestSendNotTakenIsGivenBack(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"an error that says nothing", errors.New("publish sms: InternalError")},
		{"a SendError, not taken", sendErr{uncertain: false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var deadline time.Duration
			var cancelled bool
			l := &fakeLimiter{giveBack: func(ctx context.Context) error {
				d, _ := ctx.Deadline()
				deadline, cancelled = time.Until(d), ctx.Err() != nil
				return nil
			}}
			f := newFixtureWith(t, nil, triggers.WithLimiter(l))
			f.out.err = tt.err
			_, err := f.startSignIn(t).start()
			if err == nil || err.Error() != "[send_failed] could not send the code" {
				t.Fatalf("got %v, want [send_failed]", err)
			}
			if len(l.givenBack) != 1 || l.givenBack[0] != testPhone {
				t.Fatalf("given back: got %v, want the one send to %s", l.givenBack, testPhone)
			}
			if cancelled || deadline <= 0 || deadline > triggers.GiveBackTimeout {
				t.Errorf("give-back's context: got %s left (cancelled %v), want a live one with at most %s", deadline, cancelled, triggers.GiveBackTimeout)
			}
		})
	}
}

// TestSendUncertainGoesOn: a text that went out with no answer is neither
// repeated nor given back; the challenge goes on saying so
// (deliveryUncertain, in every round of it), and its code verifies.
func TestSendUncertainGoesOn(t *testing.T) {
	l := &fakeLimiter{}
	m := &metricsRecorder{}
	f := newFixtureWith(t, nil, triggers.WithLimiter(l), triggers.WithMetrics(m))
	f.out.lost = sendErr{uncertain: true}
	s := f.startSignIn(t)
	if res, err := s.start(); err != nil || res != resContinue {
		t.Fatalf("got %v %v, want the challenge", res, err)
	}
	if got := s.public[triggers.ParamDeliveryUncertain]; got != "true" {
		t.Errorf("%s: got %q, want true", triggers.ParamDeliveryUncertain, got)
	}
	if f.out.count() != 1 || len(l.givenBack) != 0 {
		t.Errorf("got %d sends and %d give-backs, want 1 and 0", f.out.count(), len(l.givenBack))
	}
	if inv := m.last(t); !inv.Sent || !inv.SendUncertain || inv.SendFailed {
		t.Errorf("metrics: got %+v, want a code sent, uncertain", inv)
	}
	if len(f.logs.FilterField(outcomeField(triggers.OutcomeSentUncertain)).All()) != 1 {
		t.Errorf("want one log line with outcome %s", triggers.OutcomeSentUncertain)
	}
	code := f.out.last(t)
	s.answer(wrongCode(code), nil)
	if got := s.public[triggers.ParamDeliveryUncertain]; got != "true" {
		t.Errorf("after a wrong answer, the same code: %s got %q, want true", triggers.ParamDeliveryUncertain, got)
	}
	if res, err := s.answer(code, nil); err != nil || res != resTokens {
		t.Errorf("the code that arrived: got %v %v, want tokens", res, err)
	}
}

// TestDeliveryUncertainAlwaysSet: every challenge has the parameter, false
// after a text SNS took, and false for a number without an account in
// hidden mode, so the parameters look alike.
func TestDeliveryUncertainAlwaysSet(t *testing.T) {
	f := newFixture(t, func(c *triggers.Config) { c.HideUnknownUsers = true })
	known := f.startSignIn(t)
	mustStart(t, known)
	unknown := f.startUnknown(t, "+447700900999")
	if _, err := unknown.start(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*signIn{"known": known, "unknown": unknown} {
		if got, ok := s.public[triggers.ParamDeliveryUncertain]; !ok || got != "false" {
			t.Errorf("%s: %s got %q (present %v), want false", name, triggers.ParamDeliveryUncertain, got, ok)
		}
	}
}

// metricsRecorder keeps the invocations a Handler reports.
type metricsRecorder struct{ got []metrics.Invocation }

func (m *metricsRecorder) Write(inv metrics.Invocation) error {
	m.got = append(m.got, inv)
	return nil
}

func (m *metricsRecorder) last(t *testing.T) metrics.Invocation {
	t.Helper()
	for i := len(m.got) - 1; i >= 0; i-- {
		if m.got[i].Sent || m.got[i].SendFailed {
			return m.got[i]
		}
	}
	t.Fatal("no send in the metrics")
	return metrics.Invocation{}
}

func outcomeField(o triggers.Outcome) zap.Field { return zap.String("outcome", string(o)) }
