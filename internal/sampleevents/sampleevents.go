package sampleevents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/internal/cognitoevent"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/triggers"
)

// SampleTime is the time at which the committed events in events/ were made:
// each of them is valid at this time.
var SampleTime = time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)

// The known values in the events.
const (
	// Code is the code the sample user received; verify-right.json answers it.
	Code = "123456"
	// WrongCode is the answer of verify-wrong.json.
	WrongCode = "654321"
	// Phone is the sample user's phone number (a UK number reserved for drama).
	Phone = "+447700900123"
	// UnknownPhone is the phone number that define-unknown-user.json signs in with.
	UnknownPhone = "+447700900999"
	// Sub is the sample user's Cognito sub, which is also its user name.
	Sub = "7d8e2f4a-3c1b-4e6f-9a0d-5b2c8e1f4a6d"
	// Region is the sample user pool's region.
	Region = "eu-west-2"
	// UserPoolID is the sample user pool.
	UserPoolID = "eu-west-2_Xq7LpB3nK"
	// ClientID is the sample app client.
	ClientID = "5p8s1v4c7e0h3k6n9q2t5w8z1b"
)

// Keys returns the keys the events' digests are made with: the published
// otp.DevelopmentKey, which a sam local dry run uses, so that `sam local
// invoke` verifies verify-right.json as the tests do.
func Keys() otp.Keys {
	k, err := otp.NewKeys(otp.DevelopmentKey, "")
	if err != nil {
		panic("sampleevents: " + err.Error())
	}
	return k
}

// FirstSentBefore is how long before an event's time the first code of its
// sign-in was sent: long enough for a resend to be allowed (30 s by
// default), short enough for the code to be valid (5 minutes by default).
const FirstSentBefore = 90 * time.Second

// ValidFor is how long after the time it was made a time-dependent event
// gets the answer its file name says, with the default code lifetime.
const ValidFor = triggers.DefaultCodeTTL - FirstSentBefore

// Event is one sample event.
type Event struct {
	// File is the file name in events/, such as "create-first.json".
	File string
	// About says in a few words what the event is.
	About string
	// TimeDependent is true for an event whose handling depends on the time
	// it is handled: it takes the path its file name says only within
	// ValidFor of the time it was made.
	TimeDependent bool
	// JSON is the event, indented, ending in a new line.
	JSON []byte
}

// Generate returns every sample event, made at now, in a fixed order.
func Generate(now time.Time) ([]Event, error) {
	now = now.UTC().Truncate(time.Second)
	g := &generator{}
	cfg := triggers.DefaultConfig()
	// Nonces from a fixed stream, so that -update rewrites nothing unchanged.
	cfg.Keys = Keys().WithNonces(&counter{})
	// As under sam local, where the events are for: fictional numbers pass.
	cfg.AllowFictional = true
	h, err := triggers.New(cfg,
		triggers.SenderFunc(func(context.Context, string, string, string) (int, error) { return 1, nil }), nil,
		triggers.WithClock(func() time.Time { return g.clock }),
		triggers.WithCodeSource(func(int) (string, error) { return Code, nil }))
	if err != nil {
		return nil, fmt.Errorf("handler: %w", err)
	}
	g.h = h

	// The first round, and two rounds that reused its code after wrong answers.
	first := now.Add(-FirstSentBefore)
	r1, err := g.create(first, nil)
	if err != nil {
		return nil, err
	}
	wrong1 := entry(false, r1.Response.ChallengeMetadata)
	r2, err := g.create(first.Add(30*time.Second), []sessionEntry{wrong1})
	if err != nil {
		return nil, err
	}
	wrong2 := entry(false, r2.Response.ChallengeMetadata)
	r3, err := g.create(first.Add(60*time.Second), []sessionEntry{wrong1, wrong2})
	if err != nil {
		return nil, err
	}
	if r2.Response.ChallengeMetadata != r1.Response.ChallengeMetadata || r3.Response.ChallengeMetadata != r1.Response.ChallengeMetadata {
		return nil, errors.New("a retry round did not reuse the first round's code")
	}
	wrong3 := entry(false, r3.Response.ChallengeMetadata)
	right1 := entry(true, r1.Response.ChallengeMetadata)
	private := r1.Response.PrivateChallengeParameters

	evs := []struct {
		file, about string
		timed       bool
		ev          any
	}{
		{"presignup-signup.json", "PreSignUp for SignUp with a valid phone number: confirmed, phone verified", false,
			g.preSignUp(triggers.SourcePreSignUp, Sub, ClientID, map[string]string{"phone_number": Phone})},
		{"presignup-admin.json", "PreSignUp for AdminCreateUser: confirmed, phone verified", false,
			g.preSignUp(triggers.SourcePreSignUpAdmin, Sub, "CLIENT_ID_NOT_APPLICABLE", map[string]string{"phone_number": Phone})},
		{"presignup-external.json", "PreSignUp for a user from an external identity provider: passed through unchanged", false,
			g.preSignUp(triggers.SourcePreSignUpExternal, "Google_108234567890123456789", ClientID,
				map[string]string{"email": "ada.lovelace@example.com", "email_verified": "true", "name": "Ada Lovelace"})},
		{"define-start.json", "DefineAuthChallenge with an empty session: CUSTOM_CHALLENGE", false,
			g.define(nil, false)},
		{"define-retry.json", "DefineAuthChallenge after one wrong answer: CUSTOM_CHALLENGE again", false,
			g.define([]sessionEntry{wrong1}, false)},
		{"define-correct.json", "DefineAuthChallenge after a right answer: issue tokens", false,
			g.define([]sessionEntry{right1}, false)},
		{"define-third-wrong.json", "DefineAuthChallenge after three wrong answers: fail authentication", false,
			g.define([]sessionEntry{wrong1, wrong2, wrong3}, false)},
		{"define-unknown-user.json", "DefineAuthChallenge for an unknown phone number (userNotFound): error \"user not found\"", false,
			g.define(nil, true)},
		{"define-unverified-phone.json", "DefineAuthChallenge for a user whose phone number is not verified: error \"user not found\", as for an unknown number", false,
			g.defineUnverified()},
		{"define-password-verifier.json", "DefineAuthChallenge with SRP_A and PASSWORD_VERIFIER in the session: fail authentication", false,
			g.define([]sessionEntry{{ChallengeName: "SRP_A", ChallengeResult: true}, {ChallengeName: "PASSWORD_VERIFIER", ChallengeResult: true}}, false)},
		{"create-first.json", "CreateAuthChallenge, first round: a new code is sent", false,
			g.createEvent(nil, nil)},
		{"create-retry.json", "CreateAuthChallenge after a wrong answer: the code is reused, nothing is sent", true,
			g.createEvent([]sessionEntry{wrong1}, nil)},
		{"create-resend.json", "CreateAuthChallenge after the client asked for a resend: a new code is sent", false,
			g.createEvent([]sessionEntry{wrong1}, map[string]string{triggers.ClientMetadataAction: triggers.ActionResend})},
		{"verify-right.json", "VerifyAuthChallengeResponse with the right code " + Code + ": answer correct", true,
			g.verify(private, Code)},
		{"verify-wrong.json", "VerifyAuthChallengeResponse with a wrong code: answer not correct", true,
			g.verify(private, WrongCode)},
		{"admin-unlock.json", "An administrator's request (aws lambda invoke) to clear a phone number's wrong answers and lock", false,
			g.unlock()},
		{"unsupported-trigger.json", "A CustomMessage event, which phonepass does not serve: error naming the trigger source", false,
			g.customMessage()},
	}
	out := make([]Event, 0, len(evs))
	for _, e := range evs {
		b, err := json.MarshalIndent(e.ev, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.file, err)
		}
		out = append(out, Event{File: e.file, About: e.about, TimeDependent: e.timed, JSON: append(b, '\n')})
	}
	return out, nil
}

// Write writes each event to its file in dir.
func Write(dir string, evs []Event) error {
	for _, e := range evs {
		if err := os.WriteFile(filepath.Join(dir, e.File), e.JSON, 0o644); err != nil {
			return fmt.Errorf("write event: %w", err)
		}
	}
	return nil
}

// generator holds the handler whose answers become the next events.
type generator struct {
	h     *triggers.Handler
	clock time.Time // the handler's time
}

// An event and a round of its session are cognitoevent's, Cognito's
// envelope; the generator fills request and response with the types below.
type (
	event        = cognitoevent.Event[any, any]
	sessionEntry = cognitoevent.SessionEntry
)

// The requests and responses of Cognito's events, in Cognito's field order:
// response fields that the trigger has to set arrive as null.
type (
	preSignUpRequest struct {
		UserAttributes map[string]string `json:"userAttributes"`
		ValidationData map[string]string `json:"validationData"`
	}
	preSignUpResponse struct {
		AutoConfirmUser bool `json:"autoConfirmUser"`
		AutoVerifyEmail bool `json:"autoVerifyEmail"`
		AutoVerifyPhone bool `json:"autoVerifyPhone"`
	}
	defineRequest struct {
		UserAttributes map[string]string `json:"userAttributes"`
		Session        []sessionEntry    `json:"session"`
		UserNotFound   bool              `json:"userNotFound"`
	}
	defineResponse struct {
		ChallengeName      *string `json:"challengeName"`
		IssueTokens        *bool   `json:"issueTokens"`
		FailAuthentication *bool   `json:"failAuthentication"`
	}
	createRequest struct {
		UserAttributes map[string]string `json:"userAttributes"`
		ChallengeName  string            `json:"challengeName"`
		Session        []sessionEntry    `json:"session"`
		ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
		UserNotFound   bool              `json:"userNotFound"`
	}
	createResponse struct {
		PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
		PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
		ChallengeMetadata          *string           `json:"challengeMetadata"`
	}
	verifyRequest struct {
		UserAttributes             map[string]string `json:"userAttributes"`
		PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
		ChallengeAnswer            string            `json:"challengeAnswer"`
		UserNotFound               bool              `json:"userNotFound"`
	}
	verifyResponse struct {
		AnswerCorrect *bool `json:"answerCorrect"`
	}
	customMessageRequest struct {
		UserAttributes    map[string]string `json:"userAttributes"`
		CodeParameter     string            `json:"codeParameter"`
		UsernameParameter *string           `json:"usernameParameter"`
	}
	customMessageResponse struct {
		SMSMessage   *string `json:"smsMessage"`
		EmailMessage *string `json:"emailMessage"`
		EmailSubject *string `json:"emailSubject"`
	}
)

func entry(correct bool, metadata string) sessionEntry {
	return sessionEntry{ChallengeName: triggers.ChallengeName, ChallengeResult: correct, ChallengeMetadata: &metadata}
}

func (g *generator) header(source, userName, clientID string) event {
	return cognitoevent.New[any, any](source, Region, UserPoolID, userName, clientID)
}

// knownUser returns the attributes Cognito sends for the sample user.
func knownUser() map[string]string {
	return map[string]string{
		"sub":                   Sub,
		"cognito:user_status":   "CONFIRMED",
		"phone_number_verified": "true",
		"phone_number":          Phone,
	}
}

func (g *generator) preSignUp(source, userName, clientID string, attrs map[string]string) event {
	ev := g.header(source, userName, clientID)
	ev.Request = preSignUpRequest{UserAttributes: attrs}
	ev.Response = preSignUpResponse{}
	return ev
}

func (g *generator) define(session []sessionEntry, unknown bool) event {
	ev := g.header(triggers.SourceDefineAuthChallenge, Sub, ClientID)
	attrs := knownUser()
	if unknown {
		ev.UserName, attrs = UnknownPhone, map[string]string{}
	}
	ev.Request = defineRequest{UserAttributes: attrs, Session: nonNil(session), UserNotFound: unknown}
	ev.Response = defineResponse{}
	return ev
}

func (g *generator) defineUnverified() event {
	ev := g.define(nil, false)
	attrs := knownUser()
	attrs["phone_number_verified"] = "false"
	ev.Request = defineRequest{UserAttributes: attrs, Session: nonNil(nil)}
	return ev
}

// unlockEvent is the administrator's unlock request (triggers.SourceAdminUnlock).
type unlockEvent struct {
	TriggerSource string `json:"triggerSource"`
	Phone         string `json:"phone"`
}

func (g *generator) unlock() unlockEvent {
	return unlockEvent{TriggerSource: triggers.SourceAdminUnlock, Phone: Phone}
}

func (g *generator) createEvent(session []sessionEntry, clientMetadata map[string]string) event {
	ev := g.header(triggers.SourceCreateAuthChallenge, Sub, ClientID)
	ev.Request = createRequest{UserAttributes: knownUser(), ChallengeName: triggers.ChallengeName, Session: nonNil(session), ClientMetadata: clientMetadata}
	ev.Response = createResponse{}
	return ev
}

func (g *generator) verify(private map[string]string, answer string) event {
	ev := g.header(triggers.SourceVerifyChallengeAnswer, Sub, ClientID)
	ev.Request = verifyRequest{UserAttributes: knownUser(), PrivateChallengeParameters: private, ChallengeAnswer: answer}
	ev.Response = verifyResponse{}
	return ev
}

func (g *generator) customMessage() event {
	ev := g.header("CustomMessage_SignUp", Sub, ClientID)
	ev.Request = customMessageRequest{UserAttributes: map[string]string{"sub": Sub, "phone_number": Phone}, CodeParameter: "{####}"}
	ev.Response = customMessageResponse{}
	return ev
}

// create runs the handler's CreateAuthChallenge at the given time and
// returns its answer.
func (g *generator) create(at time.Time, session []sessionEntry) (events.CognitoEventUserPoolsCreateAuthChallenge, error) {
	var out events.CognitoEventUserPoolsCreateAuthChallenge
	in, err := json.Marshal(g.createEvent(session, nil))
	if err != nil {
		return out, fmt.Errorf("encode create event: %w", err)
	}
	g.clock = at
	resp, err := g.h.Invoke(context.Background(), in)
	if err != nil {
		return out, fmt.Errorf("create auth challenge round %d: %w", len(session)+1, err)
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return out, fmt.Errorf("decode create answer: %w", err)
	}
	if out.Response.ChallengeMetadata == "" {
		return out, fmt.Errorf("create auth challenge round %d: no challenge metadata", len(session)+1)
	}
	return out, nil
}

// counter is an endless predictable byte stream: 0, 1, 2, ... 255, 0, ...
type counter struct{ n byte }

// Read fills p with the next bytes of the stream.
func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.n
		c.n++
	}
	return len(p), nil
}

// nonNil makes an empty session encode as [], as Cognito sends it.
func nonNil(s []sessionEntry) []sessionEntry {
	if s == nil {
		return []sessionEntry{}
	}
	return s
}

// Fresh returns the time-dependent events made at now, by file name: the
// copies to send instead of the committed ones, whose codes have expired.
func Fresh(now time.Time) (map[string][]byte, error) {
	evs, err := Generate(now)
	if err != nil {
		return nil, err
	}
	fresh := map[string][]byte{}
	for _, e := range evs {
		if e.TimeDependent {
			fresh[e.File] = e.JSON
		}
	}
	return fresh, nil
}
