package triggers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/triggers"
)

func TestDispatchRejects(t *testing.T) {
	tests := []struct {
		name, payload, want string
	}{
		{"not json", `hello`, "[bad_event] event is not a Cognito user pool trigger event: invalid JSON at byte 1"},
		{"array", `[1,2]`, "[bad_event] event is not a Cognito user pool trigger event: it is a JSON array, not an object"},
		{"null", `null`, "[bad_event] event is not a Cognito user pool trigger event: it has no triggerSource"},
		{"no trigger source", `{"userName":"x"}`, "[bad_event] event is not a Cognito user pool trigger event: it has no triggerSource"},
		{"trigger source not a string", `{"triggerSource":5}`, "[bad_event] event is not a Cognito user pool trigger event: field triggerSource is a JSON number, want string"},
		{"unknown source", `{"triggerSource":"PostConfirmation_ConfirmSignUp"}`, `[unsupported_trigger] unsupported triggerSource "PostConfirmation_ConfirmSignUp"`},
		{"sqs event", `{"Records":[{"eventSource":"aws:sqs"}]}`, "[bad_event] event is not a Cognito user pool trigger event: it has no triggerSource"},
		{"bad request field", `{"triggerSource":"DefineAuthChallenge_Authentication","request":{"session":"x"}}`, "[bad_event] malformed Cognito event: field request.session is a JSON string, want []*events.CognitoEventUserPoolsChallengeResult"},
	}
	f := newFixture(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := f.h.Invoke(context.Background(), []byte(tt.payload))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %s, %v; want error %q", out, err, tt.want)
			}
		})
	}
}

func TestPreSignUp(t *testing.T) {
	tests := []struct {
		name      string
		source    string
		phone     string
		allow     []string
		wantErr   string
		confirmed bool
	}{
		{"sign up", triggers.SourcePreSignUp, "+447700900123", nil, "", true},
		{"admin create", triggers.SourcePreSignUpAdmin, "+12065550100", nil, "", true},
		{"allowed country", triggers.SourcePreSignUp, "+447700900123", []string{"1", "44"}, "", true},
		{"refused country", triggers.SourcePreSignUp, "+8821234567", []string{"1", "44"}, "[country_not_accepted] phone numbers from this country are not accepted", false},
		{"no phone", triggers.SourcePreSignUp, "", nil, "[phone_required] phone_number is required", false},
		{"no plus", triggers.SourcePreSignUp, "447700900123", nil, "[phone_format] phone_number must be in E.164 form", false},
		{"spaces", triggers.SourcePreSignUp, "+44 7700 900123", nil, "[phone_format] phone_number must be in E.164 form", false},
		{"leading zero", triggers.SourcePreSignUp, "+0447700900123", nil, "[phone_format] phone_number must be in E.164 form", false},
		{"sixteen digits", triggers.SourcePreSignUp, "+4477009001231234", nil, "[phone_format] phone_number must be in E.164 form", false},
		{"too short", triggers.SourcePreSignUp, "+123456", nil, "[phone_format] phone_number must be in E.164 form", false},
		{"external provider passes unconfirmed", triggers.SourcePreSignUpExternal, "", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *triggers.Config) { c.AllowedCountryCodes = tt.allow })
			ev := events.CognitoEventUserPoolsPreSignup{
				CognitoEventUserPoolsHeader: header(tt.source),
				Request:                     events.CognitoEventUserPoolsPreSignupRequest{UserAttributes: map[string]string{"phone_number": tt.phone}},
				// A stale response must not survive.
				Response: events.CognitoEventUserPoolsPreSignupResponse{AutoVerifyEmail: true, AutoConfirmUser: true},
			}
			if tt.name == "external provider passes unconfirmed" {
				ev.Request.UserAttributes = map[string]string{"email": "a@example.com"}
			}
			err := invoke(t, f, &ev)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := events.CognitoEventUserPoolsPreSignupResponse{AutoConfirmUser: tt.confirmed, AutoVerifyPhone: tt.confirmed}
			if ev.Response != want {
				t.Errorf("got response %+v, want %+v", ev.Response, want)
			}
		})
	}
}

func TestDefineAuthChallenge(t *testing.T) {
	f := newFixture(t, nil)
	// Real metadata, made by CreateAuthChallenge.
	s := f.startSignIn(t)
	mustStart(t, s)
	meta := s.session[0].ChallengeMetadata
	entry := func(ok bool) *events.CognitoEventUserPoolsChallengeResult {
		return &events.CognitoEventUserPoolsChallengeResult{ChallengeName: triggers.ChallengeName, ChallengeResult: ok, ChallengeMetadata: meta}
	}
	type resp = events.CognitoEventUserPoolsDefineAuthChallengeResponse
	challenge := resp{ChallengeName: triggers.ChallengeName}
	tests := []struct {
		name    string
		session []*events.CognitoEventUserPoolsChallengeResult
		want    resp
	}{
		{"empty session", nil, challenge},
		{"right answer", []*events.CognitoEventUserPoolsChallengeResult{entry(true)}, resp{IssueTokens: true}},
		{"one wrong", []*events.CognitoEventUserPoolsChallengeResult{entry(false)}, challenge},
		{"two wrong", []*events.CognitoEventUserPoolsChallengeResult{entry(false), entry(false)}, challenge},
		{"two wrong then right", []*events.CognitoEventUserPoolsChallengeResult{entry(false), entry(false), entry(true)}, resp{IssueTokens: true}},
		{"three wrong", []*events.CognitoEventUserPoolsChallengeResult{entry(false), entry(false), entry(false)}, resp{FailAuthentication: true}},
		{"srp first", []*events.CognitoEventUserPoolsChallengeResult{{ChallengeName: "SRP_A", ChallengeResult: true}}, resp{FailAuthentication: true}},
		{"password verifier then right", []*events.CognitoEventUserPoolsChallengeResult{{ChallengeName: "PASSWORD_VERIFIER", ChallengeResult: true}, entry(true)}, resp{FailAuthentication: true}},
		{"right without metadata", []*events.CognitoEventUserPoolsChallengeResult{{ChallengeName: triggers.ChallengeName, ChallengeResult: true}}, resp{FailAuthentication: true}},
		{"null entry", []*events.CognitoEventUserPoolsChallengeResult{nil}, resp{FailAuthentication: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := events.CognitoEventUserPoolsDefineAuthChallenge{
				CognitoEventUserPoolsHeader: header(triggers.SourceDefineAuthChallenge),
				Request:                     events.CognitoEventUserPoolsDefineAuthChallengeRequest{UserAttributes: attrs(), Session: tt.session},
				// Stale values in the incoming response must not survive.
				Response: resp{ChallengeName: "PASSWORD_VERIFIER", IssueTokens: true},
			}
			if err := invoke(t, f, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Response != tt.want {
				t.Errorf("got %+v, want %+v", ev.Response, tt.want)
			}
		})
	}
}

func TestCreateAuthChallengeRefuses(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*triggers.Config)
		phone   string
		sendErr error
		chall   string
		want    string
	}{
		{"sms fails", nil, testPhone, errors.New("throttled"), triggers.ChallengeName, "[send_failed] could not send the code"},
		{"country not allowed", func(c *triggers.Config) { c.AllowedCountryCodes = []string{"1"} }, testPhone, nil, triggers.ChallengeName, "[country_not_accepted] phone numbers from this country are not accepted"},
		{"no phone", nil, "", nil, triggers.ChallengeName, "[no_phone] the user has no phone_number"},
		{"phone not e164", nil, "07700900123", nil, triggers.ChallengeName, "[phone_format] phone_number must be in E.164 form"},
		{"phone not verified", nil, "", nil, triggers.ChallengeName, "[user_not_found] user not found"},
		{"other challenge", nil, testPhone, nil, "SMS_MFA", `[unsupported_challenge] unsupported challenge "SMS_MFA"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.mutate)
			f.out.err = tt.sendErr
			user := map[string]string{"phone_number": tt.phone, "phone_number_verified": "true"}
			if tt.name == "phone not verified" {
				user = map[string]string{"phone_number": testPhone, "phone_number_verified": "false"}
			}
			ev := events.CognitoEventUserPoolsCreateAuthChallenge{
				CognitoEventUserPoolsHeader: header(triggers.SourceCreateAuthChallenge),
				Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
					UserAttributes: user, ChallengeName: tt.chall,
				},
			}
			err := invoke(t, f, &ev)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got error %v, want %q", err, tt.want)
			}
			if f.out.count() != 0 {
				t.Errorf("got %d sends, want none", f.out.count())
			}
			if tt.sendErr != nil {
				// The details go to the log, not to the user.
				found := false
				for _, e := range f.logs.All() {
					if strings.Contains(toString(e.ContextMap()["detail"]), "throttled") {
						found = true
					}
				}
				if !found || strings.Contains(err.Error(), "throttled") {
					t.Errorf("got error %q and detail logged %v, want details in the log only", err, found)
				}
			}
		})
	}
}

func TestVerifyAuthChallengeResponse(t *testing.T) {
	f := newFixture(t, func(c *triggers.Config) { c.CodeDigits = 8 })
	s := f.startSignIn(t)
	mustStart(t, s)
	code := f.out.last(t)
	// The code as a JSON number: a number literal has no leading zeros.
	asNumber := json.Number(strings.TrimLeft(code, "0"))
	if asNumber == "" {
		asNumber = "0"
	}
	tests := []struct {
		name    string
		answer  any
		private map[string]string
		meta    map[string]string
		after   time.Duration
		want    bool
	}{
		{"right", code, s.private, nil, 0, true},
		{"right with white space", "\t " + code + " \n", s.private, nil, 0, true},
		{"right at expiry", code, s.private, nil, triggers.DefaultCodeTTL, true},
		{"expired", code, s.private, nil, triggers.DefaultCodeTTL + time.Second, false},
		{"wrong", wrongCode(code), s.private, nil, 0, false},
		{"short", code[:6], s.private, nil, 0, false},
		{"with inner space", code[:4] + " " + code[4:], s.private, nil, 0, false},
		{"number not string", asNumber, s.private, nil, 0, false},
		{"float", 12345678.0, s.private, nil, 0, false},
		{"missing", nil, s.private, nil, 0, false},
		{"object", map[string]any{"code": code}, s.private, nil, 0, false},
		{"resend request", code, s.private, resend, 0, false},
		{"no private parameters", code, nil, nil, 0, false},
		{"forged digest", code, map[string]string{"digest": "v1.8.0.AAAA.BBBB"}, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Advance(tt.after)
			defer f.clock.Advance(-tt.after)
			ev := events.CognitoEventUserPoolsVerifyAuthChallenge{
				CognitoEventUserPoolsHeader: header(triggers.SourceVerifyChallengeAnswer),
				Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
					UserAttributes: attrs(), PrivateChallengeParameters: tt.private, ChallengeAnswer: tt.answer, ClientMetadata: tt.meta,
				},
				Response: events.CognitoEventUserPoolsVerifyAuthChallengeResponse{AnswerCorrect: !tt.want},
			}
			if err := invoke(t, f, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Response.AnswerCorrect != tt.want {
				t.Errorf("got answerCorrect %v, want %v", ev.Response.AnswerCorrect, tt.want)
			}
		})
	}
}

func TestVerifyUnknownUserAlwaysWrong(t *testing.T) {
	f := newFixture(t, func(c *triggers.Config) { c.HideUnknownUsers = true })
	s := f.startSignIn(t)
	mustStart(t, s) // a real challenge with a real digest
	code := f.out.last(t)
	s.notFound, s.typed = true, testPhone
	if s.verify(code, nil) {
		t.Error("got answerCorrect true for an unknown user, want false")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*triggers.Config)
		ok     bool
	}{
		{"defaults", func(*triggers.Config) {}, true},
		{"3 digits", func(c *triggers.Config) { c.CodeDigits = 3 }, false},
		{"11 digits", func(c *triggers.Config) { c.CodeDigits = 11 }, false},
		{"ttl 10s", func(c *triggers.Config) { c.CodeTTL = 10 * time.Second }, false},
		{"ttl 1h", func(c *triggers.Config) { c.CodeTTL = time.Hour }, false},
		{"no attempts", func(c *triggers.Config) { c.MaxAttempts = 0 }, false},
		{"negative resends", func(c *triggers.Config) { c.MaxResends = -1 }, false},
		{"bad country", func(c *triggers.Config) { c.AllowedCountryCodes = []string{"+44"} }, false},
		{"no key", func(c *triggers.Config) { c.Keys = otp.Keys{} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			tt.mutate(&c)
			if err := c.Validate(); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
			if _, err := triggers.New(c, triggers.SenderFunc(func(context.Context, string, string, string) (int, error) { return 1, nil }), nil); (err == nil) != tt.ok {
				t.Errorf("New: got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
