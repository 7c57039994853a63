package triggers_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/triggers"
)

const (
	testPool  = "us-east-1_TestPool1"
	testPhone = "+447700900455"
	testUser  = "5f7b0c1e-2f6a-4c55-9a3e-0d8a6c0f1e21"
	testKey   = "triggers-test-key-0123456789abcdefghij"
)

// testKeys are the Keys of every test Handler.
var testKeys = func() otp.Keys {
	k, err := otp.NewKeys(testKey, "")
	if err != nil {
		panic(err)
	}
	return k
}()

// testConfig is DefaultConfig with the test key, and the fictional
// numbers the tests use allowed, as in a dry run.
func testConfig() triggers.Config {
	c := triggers.DefaultConfig()
	c.Keys = testKeys
	c.AllowFictional = true
	return c
}

// noPause stands in for the pause of a challenge that sends nothing.
func noPause(context.Context, time.Duration) {}

// outbox records what a Handler sends.
type outbox struct {
	mu   sync.Mutex
	sent []sentCode
	err  error // returned before anything is sent
	// lost is returned after the code is recorded: a text that went out
	// whose answer was lost.
	lost error
}

type sentCode struct{ phone, code, locale string }

func (o *outbox) SendCode(_ context.Context, phone, code, locale string) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	o.sent = append(o.sent, sentCode{phone, code, locale})
	if o.lost != nil {
		return 0, o.lost
	}
	return 1, nil
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

func (o *outbox) last(t *testing.T) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.sent) == 0 {
		t.Fatal("no code was sent")
	}
	return o.sent[len(o.sent)-1].code
}

// newClock is the tests' clock, at a fixed time.
func newClock() *testenv.Clock {
	return testenv.NewClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
}

// fixture is a Handler with a controlled clock, outbox and log.
type fixture struct {
	h     *triggers.Handler
	clock *testenv.Clock
	out   *outbox
	logs  *observer.ObservedLogs
}

func newFixture(t *testing.T, mutate func(*triggers.Config)) *fixture {
	t.Helper()
	return newFixtureWith(t, mutate)
}

// newFixtureWith is newFixture with more options for the Handler.
func newFixtureWith(t *testing.T, mutate func(*triggers.Config), opts ...triggers.Option) *fixture {
	t.Helper()
	cfg := testConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	f := &fixture{clock: newClock(), out: &outbox{}, logs: logs}
	opts = append([]triggers.Option{triggers.WithClock(f.clock.Now), triggers.WithPause(noPause)}, opts...)
	h, err := triggers.New(cfg, f.out, zap.New(core), opts...)
	if err != nil {
		t.Fatalf("triggers.New: %v", err)
	}
	f.h = h
	return f
}

// invoke marshals ev, runs it through the Handler and decodes the answer into ev.
func invoke[E any](t *testing.T, f *fixture, ev *E) error {
	t.Helper()
	in, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.h.Invoke(context.Background(), in)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, ev); err != nil {
		t.Fatalf("decode response %s: %v", out, err)
	}
	return nil
}

func header(source string) events.CognitoEventUserPoolsHeader {
	return events.CognitoEventUserPoolsHeader{
		Version:       "1",
		TriggerSource: source,
		Region:        "us-east-1",
		UserPoolID:    testPool,
		UserName:      testUser,
		CallerContext: events.CognitoEventUserPoolsCallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown", ClientID: "testclient"},
	}
}

func attrs() map[string]string {
	return map[string]string{
		"sub":                   testUser,
		"phone_number":          testPhone,
		"phone_number_verified": "true",
		"cognito:user_status":   "CONFIRMED",
	}
}

// signIn plays Cognito's side of one custom-auth sign-in, round by round.
type signIn struct {
	t        *testing.T
	f        *fixture
	session  []*events.CognitoEventUserPoolsChallengeResult
	private  map[string]string
	public   map[string]string
	notFound bool
	typed    string // the name typed for an unknown user
	attrs    map[string]string
}

func (f *fixture) startSignIn(t *testing.T) *signIn {
	return &signIn{t: t, f: f, attrs: attrs()}
}

// startedSignIn is a fixture whose sign-in has started: the first code is
// sent, and returned.
func startedSignIn(t *testing.T, mutate func(*triggers.Config)) (*fixture, *signIn, string) {
	t.Helper()
	f := newFixture(t, mutate)
	s := f.startSignIn(t)
	mustStart(t, s)
	return f, s, f.out.last(t)
}

// startUnknown is a sign-in for a number with no account, as Cognito runs
// it with PreventUserExistenceErrors: userNotFound and no attributes.
func (f *fixture) startUnknown(t *testing.T, phone string) *signIn {
	return &signIn{t: t, f: f, notFound: true, typed: phone}
}

// define runs DefineAuthChallenge with the session so far.
func (s *signIn) define(clientMetadata map[string]string) (events.CognitoEventUserPoolsDefineAuthChallengeResponse, error) {
	ev := events.CognitoEventUserPoolsDefineAuthChallenge{
		CognitoEventUserPoolsHeader: header(triggers.SourceDefineAuthChallenge),
		Request: events.CognitoEventUserPoolsDefineAuthChallengeRequest{
			UserAttributes: s.attrs, Session: s.session, ClientMetadata: clientMetadata, UserNotFound: s.notFound,
		},
	}
	ev.UserName = s.userName()
	err := invoke(s.t, s.f, &ev)
	return ev.Response, err
}

// create runs CreateAuthChallenge and keeps its parameters for the next answer.
func (s *signIn) create(clientMetadata map[string]string) (events.CognitoEventUserPoolsCreateAuthChallengeResponse, error) {
	ev := events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: header(triggers.SourceCreateAuthChallenge),
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: s.attrs, ChallengeName: triggers.ChallengeName, Session: s.session,
			ClientMetadata: clientMetadata, UserNotFound: s.notFound,
		},
	}
	ev.UserName = s.userName()
	err := invoke(s.t, s.f, &ev)
	if err == nil {
		s.private = ev.Response.PrivateChallengeParameters
		s.public = ev.Response.PublicChallengeParameters
		s.session = append(s.session, &events.CognitoEventUserPoolsChallengeResult{
			ChallengeName: triggers.ChallengeName, ChallengeMetadata: ev.Response.ChallengeMetadata,
		})
	}
	return ev.Response, err
}

// verifyEventFor is the VerifyAuthChallengeResponse event of answer in the
// sign-in's current round.
func verifyEventFor(s *signIn, answer any) events.CognitoEventUserPoolsVerifyAuthChallenge {
	ev := events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: header(triggers.SourceVerifyChallengeAnswer),
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
			UserAttributes: s.attrs, PrivateChallengeParameters: s.private, ChallengeAnswer: answer,
			UserNotFound: s.notFound,
		},
	}
	ev.UserName = s.userName()
	return ev
}

// userName is the userName Cognito puts in the sign-in's events: the
// username of a known user, the name typed for an unknown one.
func (s *signIn) userName() string {
	if s.notFound {
		return s.typed
	}
	return testUser
}

// verify runs VerifyAuthChallengeResponse on answer and records the result.
func (s *signIn) verify(answer any, clientMetadata map[string]string) bool {
	ev := verifyEventFor(s, answer)
	ev.Request.ClientMetadata = clientMetadata
	if err := invoke(s.t, s.f, &ev); err != nil {
		s.t.Fatalf("verify: %v", err)
	}
	s.session[len(s.session)-1].ChallengeResult = ev.Response.AnswerCorrect
	return ev.Response.AnswerCorrect
}

// result is where a sign-in ends.
type result string

const (
	resTokens   result = "tokens"
	resFailed   result = "failed"
	resError    result = "error"
	resContinue result = "challenge"
)

// start runs the first Define and Create, as InitiateAuth does.
func (s *signIn) start() (result, error) {
	return s.next(nil)
}

// answer runs Verify, Define and, if another round follows, Create, as
// RespondToAuthChallenge does; clientMetadata reaches all three.
func (s *signIn) answer(a any, clientMetadata map[string]string) (result, error) {
	s.verify(a, clientMetadata)
	return s.next(clientMetadata)
}

func (s *signIn) next(clientMetadata map[string]string) (result, error) {
	d, err := s.define(clientMetadata)
	if err != nil {
		return resError, err
	}
	switch {
	case d.IssueTokens:
		return resTokens, nil
	case d.FailAuthentication:
		return resFailed, nil
	case d.ChallengeName != triggers.ChallengeName:
		s.t.Fatalf("define: got challenge %q, want %q", d.ChallengeName, triggers.ChallengeName)
	}
	if _, err := s.create(clientMetadata); err != nil {
		return resError, err
	}
	return resContinue, nil
}

func fmtAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
