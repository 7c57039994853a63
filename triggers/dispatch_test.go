package triggers

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// fastPathCases are events on which the fast path of dispatch could go
// wrong: duplicate, null, escaped, nested or differently cased
// triggerSource keys, and events that are not quite valid.
var fastPathCases = []string{
	`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"phone_number":"+447700900123"}}}`,
	`{"triggerSource":"PreSignUp_SignUp","triggerSource":null}`,
	`{"triggerSource":"PreSignUp_SignUp","TRIGGERSOURCE":null}`,
	`{"triggerSource":"PreSignUp_SignUp","TriggerSource":"DefineAuthChallenge_Authentication"}`,
	`{"triggerSource":"PreSignUp_SignUp","trigger\u0053ource":"DefineAuthChallenge_Authentication"}`,
	"{\"triggerSource\":\"PreSignUp_SignUp\",\"trigger\u017fource\":null}",
	`{"request":{"triggerSource":"PreSignUp_SignUp"},"triggerSource":"DefineAuthChallenge_Authentication"}`,
	`{"request":{"triggerSource":"PreSignUp_SignUp"}}`,
	`{"triggerSource":"PreSignUp\u005fSignUp","request":{"userAttributes":{"phone_number":"+447700900123"}}}`,
	`{"triggerSource" :	"PreSignUp_SignUp" , "version": 5}`,
	`{"triggerSource":"PreSignUp_SignUp"} x`,
	`[{"triggerSource":"PreSignUp_SignUp"}]`,
	`{"triggerSource":"PreSignUp_SignUp"`,
	`{"triggerSource":"CustomMessage_SignUp"}`,
	`{"triggerSource":"VerifyAuthChallengeResponse_Authentication","request":{"challengeAnswer":{"a":1}}}`,
	`{"triggerSource":"DefineAuthChallenge_Authentication","request":{"session":[null]}}`,
	`{"triggerSource":"CreateAuthChallenge_Authentication","request":{"challengeName":"CUSTOM_CHALLENGE","userAttributes":{"phone_number":"+447700900123"}}}`,
}

// FuzzFastPath checks that dispatch answers every event exactly as
// dispatchFull does: the same response, error, outcome and header. Its seeds
// (the sample events and fastPathCases) run in every `go test`; fuzz it with
//
//	go test -run '^$' -fuzz FuzzFastPath -fuzztime 60s ./triggers
func FuzzFastPath(f *testing.F) {
	addSampleEvents(f)
	for _, c := range fastPathCases {
		f.Add([]byte(c))
	}
	// At the time the sample events were made, with a fixed code and salt
	// source, both paths give byte-identical answers.
	at := time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)
	h, err := New(DevConfig(), SenderFunc(func(context.Context, string, string) error { return nil }), nil,
		WithClock(func() time.Time { return at }), WithCodeSource(func(int) (string, error) { return "123456", nil }))
	if err != nil {
		f.Fatal(err)
	}
	msg := func(err error) string {
		if err == nil {
			return "<nil>"
		}
		return err.Error()
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var hdFast, hdFull header
		var outFast, outFull outcome
		fast, errFast := h.dispatch(context.Background(), payload, &hdFast, &outFast)
		full, errFull := h.dispatchFull(context.Background(), payload, &hdFull, &outFull)
		if msg(errFast) != msg(errFull) {
			t.Fatalf("%q: got error %q, want %q as the full path says", payload, msg(errFast), msg(errFull))
		}
		// A new code's digest has a random salt: compare everything else.
		if !bytes.Equal(fast, full) && (len(fast) != len(full) || !bytes.Contains(fast, []byte(`"digest"`))) {
			t.Fatalf("%q: got response %s, want %s as the full path says", payload, fast, full)
		}
		if outFast.result != outFull.result || msg(outFast.detail) != msg(outFull.detail) || outFast.phone != outFull.phone || outFast.pool != outFull.pool {
			t.Fatalf("%q: got outcome %+v, want %+v", payload, outFast, outFull)
		}
		if (hdFast.TriggerSource == nil) != (hdFull.TriggerSource == nil) || (hdFast.TriggerSource != nil && *hdFast.TriggerSource != *hdFull.TriggerSource) {
			t.Fatalf("%q: headers differ", payload)
		}
	})
}
