package triggers_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/triggers"
)

var resend = map[string]string{triggers.ClientMetadataAction: triggers.ActionResend}

// wrongCode returns a code of the same length that is not code.
func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func mustStart(t *testing.T, s *signIn) {
	t.Helper()
	res, err := s.start()
	if err != nil || res != resContinue {
		t.Fatalf("start: got %v, %v; want a challenge", res, err)
	}
}

// TestSignInLoop plays whole Cognito custom-auth sign-ins through the Handler.
func TestSignInLoop(t *testing.T) {
	t.Run("right first time", func(t *testing.T) {
		f := newFixture(t, nil)
		s := f.startSignIn(t)
		mustStart(t, s)
		if f.out.count() != 1 || f.out.sent[0].phone != testPhone {
			t.Fatalf("got %d sends %+v, want one to %s", f.out.count(), f.out.sent, testPhone)
		}
		res, err := s.answer(f.out.last(t), nil)
		if err != nil || res != resTokens {
			t.Errorf("got %v, %v; want tokens", res, err)
		}
	})

	t.Run("right on the third try", func(t *testing.T) {
		f, s, code := startedSignIn(t, nil)
		for i, wantLeft := range []string{"2", "1"} {
			res, err := s.answer(wrongCode(code), nil)
			if err != nil || res != resContinue {
				t.Fatalf("wrong answer %d: got %v, %v; want another challenge", i+1, res, err)
			}
			if got := s.public[triggers.ParamAttemptsLeft]; got != wantLeft {
				t.Errorf("after wrong answer %d: got attemptsLeft %s, want %s", i+1, got, wantLeft)
			}
		}
		if f.out.count() != 1 {
			t.Errorf("got %d sends, want 1: retries reuse the code", f.out.count())
		}
		if res, err := s.answer(code, nil); err != nil || res != resTokens {
			t.Errorf("third answer: got %v, %v; want tokens", res, err)
		}
	})

	t.Run("three wrong", func(t *testing.T) {
		_, s, code := startedSignIn(t, nil)
		var res result
		for i := 0; i < 3; i++ {
			var err error
			if res, err = s.answer(wrongCode(code), nil); err != nil {
				t.Fatal(err)
			}
		}
		if res != resFailed {
			t.Errorf("after three wrong answers: got %v, want failed", res)
		}
	})

	t.Run("expired code", func(t *testing.T) {
		f := newFixture(t, nil)
		s := f.startSignIn(t)
		mustStart(t, s)
		f.clock.Advance(triggers.DefaultCodeTTL + time.Second)
		res, err := s.answer(f.out.last(t), nil)
		if err != nil || res != resContinue {
			t.Fatalf("got %v, %v; want the right but expired code refused with another challenge", res, err)
		}
		if s.public[triggers.ParamExpiresInSeconds] != "0" {
			t.Errorf("got expiresInSeconds %s, want 0", s.public[triggers.ParamExpiresInSeconds])
		}
	})

	t.Run("resend", func(t *testing.T) {
		f := newFixture(t, nil)
		s := f.startSignIn(t)
		mustStart(t, s)
		first := f.out.last(t)
		if s.public[triggers.ParamResendInSeconds] != "30" || s.public[triggers.ParamResendAvailable] != "true" {
			t.Errorf("got resend %s in %s s, want true in 30", s.public[triggers.ParamResendAvailable], s.public[triggers.ParamResendInSeconds])
		}
		// Too early: refused and counted as a wrong answer.
		res, err := s.answer("resend", resend)
		if err != nil || res != resContinue || f.out.count() != 1 {
			t.Fatalf("early resend: got %v, %v, %d sends; want a challenge and no new send", res, err, f.out.count())
		}
		if s.public[triggers.ParamAttemptsLeft] != "2" {
			t.Errorf("early resend: got attemptsLeft %s, want 2", s.public[triggers.ParamAttemptsLeft])
		}
		f.clock.Advance(30 * time.Second)
		res, err = s.answer("resend", resend)
		if err != nil || res != resContinue || f.out.count() != 2 {
			t.Fatalf("resend: got %v, %v, %d sends; want a challenge and a second send", res, err, f.out.count())
		}
		if s.public[triggers.ParamAttemptsLeft] != "2" {
			t.Errorf("granted resend: got attemptsLeft %s, want still 2", s.public[triggers.ParamAttemptsLeft])
		}
		second := f.out.last(t)
		f.clock.Advance(30 * time.Second)
		if _, err := s.answer("resend", resend); err != nil || f.out.count() != 3 {
			t.Fatalf("second resend: got %v, %d sends; want 3 sends", err, f.out.count())
		}
		if s.public[triggers.ParamResendAvailable] != "false" {
			t.Errorf("after the last resend: got resendAvailable %s, want false", s.public[triggers.ParamResendAvailable])
		}
		third := f.out.last(t)
		if third == second && second == first {
			t.Error("three sends carried the same code, want new codes")
		}
		// The earlier codes no longer work; the newest does.
		if third != first {
			if res, _ := s.answer(first, nil); res != resContinue {
				t.Errorf("old code: got %v, want another challenge", res)
			}
		}
		if res, err := s.answer(third, nil); err != nil || res != resTokens {
			t.Errorf("newest code: got %v, %v; want tokens", res, err)
		}
	})

	t.Run("resend past the cap counts as wrong", func(t *testing.T) {
		f := newFixture(t, func(c *triggers.Config) { c.MaxResends = 0; c.MaxAttempts = 2 })
		s := f.startSignIn(t)
		mustStart(t, s)
		if _, err := s.answer("resend", resend); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.answer("resend", resend); res != resFailed || f.out.count() != 1 {
			t.Errorf("got %v with %d sends, want failed with 1", res, f.out.count())
		}
	})

	t.Run("unknown user gets an error and no SMS", func(t *testing.T) {
		f := newFixture(t, nil)
		s := f.startUnknown(t, "+447700900999")
		res, err := s.start()
		var ue *triggers.UserError
		if res != resError || !errors.As(err, &ue) || err.Error() != "[user_not_found] user not found" {
			t.Errorf("got %v, %v; want the user error \"[user_not_found] user not found\"", res, err)
		}
		if f.out.count() != 0 {
			t.Errorf("got %d sends, want none", f.out.count())
		}
	})

	t.Run("hidden unknown user never succeeds", func(t *testing.T) {
		f := newFixture(t, func(c *triggers.Config) { c.HideUnknownUsers = true })
		s := f.startUnknown(t, "+447700900999")
		mustStart(t, s)
		if s.public[triggers.ParamAttemptsLeft] != "3" || s.public[triggers.ParamResendAvailable] != "true" {
			t.Errorf("got public parameters %v, want them to look like a real challenge", s.public)
		}
		var res result
		for _, a := range []string{"000000", "123456", "999999"} {
			res, _ = s.answer(a, nil)
		}
		if res != resFailed || f.out.count() != 0 {
			t.Errorf("got %v with %d sends, want failed with none", res, f.out.count())
		}
	})

	t.Run("password verifier in the session", func(t *testing.T) {
		for _, name := range []string{"PASSWORD_VERIFIER", "SRP_A", "SMS_MFA"} {
			f := newFixture(t, nil)
			s := f.startSignIn(t)
			s.session = []*events.CognitoEventUserPoolsChallengeResult{{ChallengeName: name, ChallengeResult: true}}
			res, err := s.start()
			if err != nil || res != resFailed {
				t.Errorf("%s: got %v, %v; want failed", name, res, err)
			}
			if f.out.count() != 0 {
				t.Errorf("%s: got %d sends, want none", name, f.out.count())
			}
		}
	})

	t.Run("forged metadata", func(t *testing.T) {
		f := newFixture(t, nil)
		s := f.startSignIn(t)
		s.session = []*events.CognitoEventUserPoolsChallengeResult{{ChallengeName: triggers.ChallengeName, ChallengeResult: true, ChallengeMetadata: "anything"}}
		if res, _ := s.start(); res != resFailed {
			t.Errorf("got %v, want failed", res)
		}
	})
}

func TestCodeNeverLeavesTheSMS(t *testing.T) {
	f := newFixture(t, nil)
	s := f.startSignIn(t)
	mustStart(t, s)
	code := f.out.last(t)
	for k, v := range s.public {
		if strings.Contains(v, code) {
			t.Errorf("public parameter %s = %q holds the code", k, v)
		}
	}
	for k, v := range s.private {
		if strings.Contains(v, code) {
			t.Errorf("private parameter %s = %q holds the code", k, v)
		}
	}
	if strings.Contains(s.session[0].ChallengeMetadata, code) {
		t.Errorf("metadata %q holds the code", s.session[0].ChallengeMetadata)
	}
	if got, want := s.public[triggers.ParamPhone], "+********0455"; got != want {
		t.Errorf("got masked phone %q, want %q", got, want)
	}
	if got := s.public[triggers.ParamCodeLength]; got != "6" {
		t.Errorf("got codeLength %q, want 6", got)
	}
}

// TestLogsNeverHoldCodeOrPhone runs a full flow with every outcome and reads every log field.
func TestLogsNeverHoldCodeOrPhone(t *testing.T) {
	f := newFixture(t, func(c *triggers.Config) { c.ResendInterval = 0 })
	s := f.startSignIn(t)
	mustStart(t, s)
	codes := []string{f.out.last(t)}
	s.answer(wrongCode(codes[0]), nil)
	s.answer("resend", resend)
	codes = append(codes, f.out.last(t))
	if res, _ := s.answer(codes[1], nil); res != resTokens {
		t.Fatalf("got %v, want tokens", res)
	}
	entries := f.logs.All()
	if len(entries) < 10 {
		t.Fatalf("got %d log lines, want one per invocation (10)", len(entries))
	}
	for _, e := range entries {
		for k, v := range e.ContextMap() {
			text := strings.ToLower(strings.TrimSpace(toString(v)))
			for _, c := range codes {
				if strings.Contains(text, c) {
					t.Errorf("log field %s = %q holds a code", k, text)
				}
			}
			if strings.Contains(text, testPhone[1:]) {
				t.Errorf("log field %s = %q holds the phone number", k, text)
			}
		}
		for _, k := range []string{"requestId", "triggerSource", "userPoolId", "phone", "outcome", "duration"} {
			if _, ok := e.ContextMap()[k]; !ok {
				t.Errorf("log line %v has no field %s", e.ContextMap(), k)
			}
		}
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(v), "\n", " "), "\t", " "))
}
