package triggers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// Benchmarks of the warm Lambda: one trigger at a time, and a whole sign-in,
// each through Handler.Invoke (decode the event JSON, handle, encode the
// response), with the log line the Lambda writes encoded as JSON into
// io.Discard and SMS sending replaced by a Sender that only keeps the code.
// bench/cmd/phonepass-bench runs them (`make bench`) and puts them in its table; nothing here
// asserts a timing.

// prodLogger is the Lambda's logger (main.go's newLogger) writing to
// io.Discard: the cost of encoding every invocation's line is counted, the
// write to standard output is not.
func prodLogger() *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.TimeKey = "time"
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// lastCode is a no-op Sender that keeps the last code, so that a benchmark
// can answer it. It allocates nothing.
type lastCode struct{ code string }

func (l *lastCode) SendCode(_ context.Context, _, code, _ string) (int, error) {
	l.code = code
	return 1, nil
}

// benchHandler returns a Handler as the Lambda builds it (default rules, a
// real clock unless now is given, codes from crypto/rand), with a no-op Sender.
func benchHandler(tb testing.TB, log *zap.Logger, now func() time.Time) (*triggers.Handler, *lastCode) {
	tb.Helper()
	sender := &lastCode{}
	var opts []triggers.Option
	if now != nil {
		opts = append(opts, triggers.WithClock(now))
	}
	h, err := triggers.New(triggers.DevConfig(), sender, log, opts...)
	if err != nil {
		tb.Fatalf("triggers.New: %v", err)
	}
	return h, sender
}

// BenchmarkTrigger runs each sample event of events/ (the shapes Cognito
// sends) through a warm Handler whose clock stands at the time the samples
// were made, so that each gets the answer its file name says.
func BenchmarkTrigger(b *testing.B) {
	evs, err := sampleevents.Generate(sampleevents.SampleTime)
	if err != nil {
		b.Fatal(err)
	}
	byFile := map[string][]byte{}
	for _, e := range evs {
		byFile[e.File] = []byte(e.JSON)
	}
	now := func() time.Time { return sampleevents.SampleTime }
	for _, tc := range []struct {
		name, file string
		check      string // a fragment the response must hold
		limits     bool   // with the Lambda's limits, the range guard included, counted in memory
	}{
		{"PreSignUp", "presignup-signup.json", `"autoConfirmUser":true`, false},
		{"DefineAuthChallenge/start", "define-start.json", `"challengeName":"CUSTOM_CHALLENGE"`, false},
		{"CreateAuthChallenge/first", "create-first.json", `"codeLength":"6"`, false},
		{"CreateAuthChallenge/first+limits", "create-first.json", `"codeLength":"6"`, true},
		{"CreateAuthChallenge/retry", "create-retry.json", `"attemptsLeft":"2"`, false},
		{"VerifyAuthChallengeResponse/right", "verify-right.json", `"answerCorrect":true`, false},
		{"VerifyAuthChallengeResponse/wrong", "verify-wrong.json", `"answerCorrect":false`, false},
		{"DefineAuthChallenge/tokens", "define-correct.json", `"issueTokens":true`, false},
	} {
		payload, ok := byFile[tc.file]
		if !ok {
			b.Fatalf("no sample event %s", tc.file)
		}
		b.Run(tc.name, func(b *testing.B) {
			h, _ := benchHandler(b, prodLogger(), now)
			if tc.limits {
				h = limitedHandler(b)
			}
			ctx := context.Background()
			out, err := h.Invoke(ctx, payload)
			if err != nil || !bytes.Contains(out, []byte(tc.check)) {
				b.Fatalf("%s: got %s, %v; want a response holding %s", tc.file, out, err, tc.check)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := h.Invoke(ctx, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// limitedHandler is benchHandler with the limits of a deployed function
// (the number's allowance, the pool's ceiling, the guess budget, the range
// guard at its defaults) counted in memory, on a clock that moves an hour,
// past every window, at each reading: each send is counted and judged by
// every limit and refused by none.
func limitedHandler(b *testing.B) *triggers.Handler {
	b.Helper()
	cfg := triggers.DevConfig()
	p := ratelimit.Policy{Sends: ratelimit.DefaultRules(), Guesses: ratelimit.DefaultGuessRules(), Ranges: ratelimit.DefaultRangeRules(),
		Key: cfg.Keys.Derive("ratelimit")}
	if p.Ranges.MinAnsweredPercent == 0 {
		b.Fatal("the default policy has the range guard off; this benchmark measures it on")
	}
	l, err := ratelimit.NewMemory(p)
	if err != nil {
		b.Fatal(err)
	}
	at := sampleevents.SampleTime
	now := func() time.Time { at = at.Add(time.Hour); return at }
	h, err := triggers.New(cfg, &lastCode{}, prodLogger(), triggers.WithClock(now), triggers.WithLimiter(l))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// cognito plays Cognito's side of a sign-in for one user: it builds each
// trigger's event from the answers so far, as the service does.
type cognito struct {
	header events.CognitoEventUserPoolsHeader
	attrs  map[string]string
}

func newCognito() *cognito {
	return &cognito{
		header: events.CognitoEventUserPoolsHeader{
			Version: "1", Region: sampleevents.Region, UserPoolID: sampleevents.UserPoolID, UserName: sampleevents.Sub,
			CallerContext: events.CognitoEventUserPoolsCallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown", ClientID: sampleevents.ClientID},
		},
		attrs: map[string]string{
			"sub": sampleevents.Sub, "phone_number": sampleevents.Phone,
			"phone_number_verified": "true", "cognito:user_status": "CONFIRMED",
		},
	}
}

func (c *cognito) hdr(source string) events.CognitoEventUserPoolsHeader {
	h := c.header
	h.TriggerSource = source
	return h
}

func (c *cognito) define(session []*events.CognitoEventUserPoolsChallengeResult) []byte {
	return mustJSON(events.CognitoEventUserPoolsDefineAuthChallenge{
		CognitoEventUserPoolsHeader: c.hdr(triggers.SourceDefineAuthChallenge),
		Request:                     events.CognitoEventUserPoolsDefineAuthChallengeRequest{UserAttributes: c.attrs, Session: session},
	})
}

func (c *cognito) create(session []*events.CognitoEventUserPoolsChallengeResult) []byte {
	return mustJSON(events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: c.hdr(triggers.SourceCreateAuthChallenge),
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: c.attrs, ChallengeName: triggers.ChallengeName, Session: session,
		},
	})
}

func (c *cognito) verify(private map[string]string, answer string) []byte {
	return mustJSON(events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: c.hdr(triggers.SourceVerifyChallengeAnswer),
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
			UserAttributes: c.attrs, PrivateChallengeParameters: private, ChallengeAnswer: answer,
		},
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// signInSteps is one whole sign-in, right code first time: the four
// invocations Cognito makes (define, create, verify, define). between runs
// around Cognito's own work of building the next events (stop and start a
// benchmark's timer); it may be nil. It returns an error unless the sign-in
// ends with tokens.
func signInSteps(ctx context.Context, h *triggers.Handler, sent *lastCode, c *cognito, defineStart, createFirst []byte, between func(cognitoWork func())) error {
	if between == nil {
		between = func(f func()) { f() }
	}
	out, err := h.Invoke(ctx, defineStart)
	if err != nil {
		return fmt.Errorf("define: %w", err)
	}
	var d events.CognitoEventUserPoolsDefineAuthChallenge
	var cr events.CognitoEventUserPoolsCreateAuthChallenge
	var v events.CognitoEventUserPoolsVerifyAuthChallenge
	var verifyIn, defineIn []byte
	between(func() { err = json.Unmarshal(out, &d) })
	if err != nil || d.Response.ChallengeName != triggers.ChallengeName {
		return fmt.Errorf("define: got %s, %v; want a CUSTOM_CHALLENGE", out, err)
	}
	if out, err = h.Invoke(ctx, createFirst); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	between(func() {
		if err = json.Unmarshal(out, &cr); err != nil {
			return
		}
		verifyIn = c.verify(cr.Response.PrivateChallengeParameters, sent.code)
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if out, err = h.Invoke(ctx, verifyIn); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	between(func() {
		if err = json.Unmarshal(out, &v); err != nil {
			return
		}
		defineIn = c.define([]*events.CognitoEventUserPoolsChallengeResult{{
			ChallengeName: triggers.ChallengeName, ChallengeResult: v.Response.AnswerCorrect, ChallengeMetadata: cr.Response.ChallengeMetadata,
		}})
	})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if out, err = h.Invoke(ctx, defineIn); err != nil {
		return fmt.Errorf("define: %w", err)
	}
	d = events.CognitoEventUserPoolsDefineAuthChallenge{}
	between(func() { err = json.Unmarshal(out, &d) })
	if err != nil || !d.Response.IssueTokens {
		return fmt.Errorf("last define: got %s, %v; want issueTokens", out, err)
	}
	return nil
}

// BenchmarkSignIn is a whole in-process sign-in, four invocations on the
// real clock with codes from crypto/rand; Cognito's work of building each
// event is not timed. "log=json" writes the Lambda's log lines (into
// io.Discard), "log=none" none.
func BenchmarkSignIn(b *testing.B) {
	for _, lc := range []struct {
		name string
		log  *zap.Logger
	}{{"log=json", prodLogger()}, {"log=none", zap.NewNop()}} {
		b.Run(lc.name, func(b *testing.B) {
			h, sent := benchHandler(b, lc.log, nil)
			c := newCognito()
			defineStart, createFirst := c.define(nil), c.create(nil)
			ctx := context.Background()
			between := func(f func()) { b.StopTimer(); f(); b.StartTimer() }
			b.ReportAllocs()
			for b.Loop() {
				if err := signInSteps(ctx, h, sent, c, defineStart, createFirst, between); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBenchSignInSteps checks that the sign-in the benchmark times is a
// real one: it ends with tokens, and a wrong code does not.
func TestBenchSignInSteps(t *testing.T) {
	h, sent := benchHandler(t, prodLogger(), nil)
	c := newCognito()
	ctx := context.Background()
	for i := range 3 {
		if err := signInSteps(ctx, h, sent, c, c.define(nil), c.create(nil), nil); err != nil {
			t.Fatalf("sign-in %d: %v", i+1, err)
		}
	}
	// A Sender the steps do not read from: they answer an empty code.
	h2, _ := benchHandler(t, zap.NewNop(), nil)
	err := signInSteps(ctx, h2, &lastCode{}, c, c.define(nil), c.create(nil), nil)
	if err == nil {
		t.Error("got tokens for a sign-in that answered no code, want the last define to refuse them")
	}
}
