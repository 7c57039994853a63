package triggers

// The package's own tests: the dispatch fuzz target, and what the external
// tests borrow (the sample events as seeds, a config with the development key).

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/otp"
)

// DevConfig is DefaultConfig as a sam local dry run has it: with
// otp.DevelopmentKey, the key the sample events in ../events were made with,
// and fictional numbers allowed.
func DevConfig() Config {
	c := DefaultConfig()
	k, err := otp.NewKeys(otp.DevelopmentKey, "")
	if err != nil {
		panic(err)
	}
	c.Keys = k
	c.AllowFictional = true
	return c
}

// addSampleEvents adds every file of ../events to f's seed corpus.
func addSampleEvents(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no sample events in ../events (%v)", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// AddSampleEvents lets the external tests seed their fuzz targets the same way.
var AddSampleEvents = addSampleEvents

// dispatchCases are events on which the scan of dispatch could guess
// wrong: duplicate, null, escaped, nested or differently cased
// triggerSource keys, and events that are not quite valid.
var dispatchCases = []string{
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

// FuzzDispatch checks the one dispatch path: an event it answers is
// answered by the trigger of the event's own triggerSource, as
// encoding/json reads it, whatever the scan guessed; anything else gets a
// user-facing error. Its seeds (the sample events and dispatchCases) run in
// every `go test`; fuzz it with
//
//	go test -run '^$' -fuzz FuzzDispatch -fuzztime 60s ./triggers
func FuzzDispatch(f *testing.F) {
	addSampleEvents(f)
	for _, c := range dispatchCases {
		f.Add([]byte(c))
	}
	at := time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)
	h, err := New(DevConfig(), SenderFunc(func(context.Context, string, string, string) (int, error) { return 1, nil }), nil,
		WithClock(func() time.Time { return at }), WithCodeSource(func(int) (string, error) { return "123456", nil }),
		WithPause(func(context.Context, time.Duration) {}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var out outcome
		resp, src, err := h.dispatch(context.Background(), payload, &out)
		if err != nil {
			var ue *UserError
			if !errors.As(err, &ue) && !strings.HasPrefix(err.Error(), "encode response") {
				t.Fatalf("%q: got error %v (%T), want a *UserError", payload, err, err)
			}
			return
		}
		// As the typed events hold it: a string, which a later null leaves as it is.
		var hd struct {
			TriggerSource string `json:"triggerSource"`
		}
		if jerr := json.Unmarshal(payload, &hd); jerr != nil || hd.TriggerSource != src {
			t.Fatalf("%q: answered as %q, but encoding/json reads triggerSource %q (%v)", payload, src, hd.TriggerSource, jerr)
		}
		if _, ok := routes[src]; !ok || len(resp) == 0 {
			t.Fatalf("%q: answered for %q, which phonepass does not serve", payload, src)
		}
	})
}

// TestDispatchMismatch: where the scan and the typed decode disagree on the
// triggerSource (a nested key, duplicate keys), the event is refused, never
// run as the scan's guess.
func TestDispatchMismatch(t *testing.T) {
	h, err := New(DevConfig(), SenderFunc(func(context.Context, string, string, string) (int, error) { return 1, nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{
		`{"request":{"triggerSource":"PreSignUp_SignUp"},"triggerSource":"DefineAuthChallenge_Authentication"}`,
		`{"triggerSource":"PreSignUp_SignUp","triggerSource":"DefineAuthChallenge_Authentication"}`,
		`{"triggerSource":"PreSignUp_SignUp","TriggerSource":"DefineAuthChallenge_Authentication"}`,
	} {
		var out outcome
		resp, _, err := h.dispatch(context.Background(), []byte(payload), &out)
		if resp != nil || err == nil || !strings.HasPrefix(err.Error(), "[bad_event] event has two triggerSource values") {
			t.Errorf("%s: got %s, %v; want the two values refused", payload, resp, err)
		}
	}
}

func TestHumanWait(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "1 second"}, {1500 * time.Millisecond, "2 seconds"}, {time.Minute, "60 seconds"},
		{61 * time.Second, "2 minutes"}, {15 * time.Minute, "15 minutes"}, {2 * time.Hour, "120 minutes"},
		{2*time.Hour + time.Second, "3 hours"}, {23 * time.Hour, "23 hours"}, {64 * time.Hour, "64 hours"},
	} {
		if got := humanWait(tt.d); got != tt.want {
			t.Errorf("humanWait(%s): got %q, want %q", tt.d, got, tt.want)
		}
	}
}
