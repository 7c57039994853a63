package triggers_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	phonerules "github.com/phonepass/phonepass/phone"
	"github.com/phonepass/phonepass/triggers"
)

// fuzzGarbage seeds FuzzInvoke with bodies that are not, or not quite,
// Cognito events.
var fuzzGarbage = []string{
	``,
	`null`,
	`[]`,
	`{}`,
	`"PreSignUp_SignUp"`,
	"\xff\xfe\x00",
	`{"triggerSource":null}`,
	`{"triggerSource":42}`,
	`{"triggerSource":"CustomMessage_SignUp"}`,
	`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"phone_number":"+0123"}}}`,
	`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"phone_number":7}}}`,
	`{"triggerSource":"DefineAuthChallenge_Authentication","request":{"session":[null]}}`,
	`{"triggerSource":"DefineAuthChallenge_Authentication","request":{"session":{}}}`,
	`{"triggerSource":"DefineAuthChallenge_Authentication","request":{"userNotFound":true}}`,
	`{"triggerSource":"CreateAuthChallenge_Authentication","request":{"challengeName":"CUSTOM_CHALLENGE"}}`,
	`{"triggerSource":"CreateAuthChallenge_Authentication","request":{"challengeName":"SMS_MFA"}}`,
	`{"triggerSource":"CreateAuthChallenge_Authentication","request":{"challengeName":"CUSTOM_CHALLENGE","userAttributes":{"phone_number":"+447700900123"},"session":[{"challengeName":"CUSTOM_CHALLENGE","challengeMetadata":"PHONEPASS1 9 -1 v1.6.0.x.y"}]}}`,
	`{"triggerSource":"VerifyAuthChallengeResponse_Authentication","request":{"challengeAnswer":{"a":1}}}`,
	`{"triggerSource":"VerifyAuthChallengeResponse_Authentication","request":{"challengeAnswer":123456,"privateChallengeParameters":{"digest":"v1.6.1.AAAA.BBBB"}}}`,
	strings.Repeat("[", 2000),
}

// fuzzServed lists the trigger sources a successful answer may carry.
var fuzzServed = []string{
	triggers.SourcePreSignUp, triggers.SourcePreSignUpAdmin, triggers.SourcePreSignUpExternal,
	triggers.SourceDefineAuthChallenge, triggers.SourceCreateAuthChallenge, triggers.SourceVerifyChallengeAnswer,
}

// FuzzInvoke checks that the dispatcher never panics, answers either a JSON
// event of a trigger it serves or an error, and that every error is a short,
// user-facing one, never "[internal] internal error". Its seed corpus, every file in
// events/ and some garbage, runs in every `go test`; fuzz it with
//
//	go test -run '^$' -fuzz FuzzInvoke -fuzztime 30s ./triggers
func FuzzInvoke(f *testing.F) {
	triggers.AddSampleEvents(f)
	for _, s := range fuzzGarbage {
		f.Add([]byte(s))
	}
	// The sample events were made at 2026-01-15 09:30:00 UTC; at that time
	// their codes are valid and the verify and create paths run in full.
	at := time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)
	sender := triggers.SenderFunc(func(ctx context.Context, phone, code, _ string) (int, error) {
		if !phonerules.Valid(phone) || len(code) != triggers.DefaultCodeDigits {
			return 0, errors.New("sender got a bad phone or code")
		}
		return 1, nil
	})
	h, err := triggers.New(triggers.DevConfig(), sender, nil, triggers.WithClock(func() time.Time { return at }), triggers.WithPause(noPause))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		resp, err := h.Invoke(context.Background(), payload)
		if err != nil {
			var ue *triggers.UserError
			switch msg := err.Error(); {
			case resp != nil:
				t.Errorf("got a response %q and an error %q, want only the error", resp, msg)
			case !errors.As(err, &ue):
				t.Errorf("error %q is a %T, want a *triggers.UserError", msg, err)
			case msg == "[internal] internal error" || msg == "[send_failed] could not send the code":
				t.Errorf("got error %q for %q, want a clear answer about the event", msg, payload)
			case len(msg) > 400:
				t.Errorf("error is %d bytes long, want at most 400: %q", len(msg), msg)
			}
			return
		}
		if !json.Valid(resp) {
			t.Fatalf("response %q is not valid JSON", resp)
		}
		var ev struct {
			TriggerSource string         `json:"triggerSource"`
			Response      map[string]any `json:"response"`
		}
		if err := json.Unmarshal(resp, &ev); err != nil {
			t.Fatalf("response %q is not an event: %v", resp, err)
		}
		if !slices.Contains(fuzzServed, ev.TriggerSource) {
			t.Errorf("response has triggerSource %q, want one of %v", ev.TriggerSource, fuzzServed)
		}
		if ev.Response == nil {
			t.Errorf("response %q has no response object", resp)
		}
	})
}
