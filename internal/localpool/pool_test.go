package localpool

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/triggers"
)

// testPool is a started pool with an SDK client pointed at it.
type testPool struct {
	srv    *Server
	url    string
	clock  *testenv.Clock
	outbox *Outbox
	client *cip.Client
}

type poolSetup struct {
	env     map[string]string
	dataDir string
	invoker func(inProcess Invoker) Invoker
	custom  []string          // custom attributes
	creds   *AdminCredentials // the only key pair admin calls may use
}

// testCredentials are the dummy credentials the test clients sign admin
// calls with, as a backend's SDK would.
var testCredentials = credentials.NewStaticCredentialsProvider("AKIDLOCALTEST", "local-secret", "")

// startPool starts a pool with Start, as cmd/localpool does, with the
// triggers configured from env (as config.Load reads it) and a test clock.
func startPool(t *testing.T, setup poolSetup) *testPool {
	t.Helper()
	clock := testenv.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	opts := StartOptions{
		Env:              func(k string) (string, bool) { v, ok := setup.env[k]; return v, ok },
		DataDir:          setup.dataDir,
		InMemory:         setup.dataDir == "",
		Now:              clock.Now,
		CustomAttributes: setup.custom,
		AdminCredentials: setup.creds,
	}
	if setup.invoker != nil {
		opts.Invoker = func(h Invoker) (Invoker, error) { return setup.invoker(h), nil }
	}
	l, err := Start(opts)
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	client := cip.New(cip.Options{BaseEndpoint: aws.String(l.URL), Region: "us-east-1", RetryMaxAttempts: 1, Credentials: testCredentials})
	return &testPool{srv: l.Server, url: l.URL, clock: clock, outbox: l.Outbox, client: client}
}

var codePattern = regexp.MustCompile(`\b(\d{4,10})\b`)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// code returns the code of the newest SMS to phone.
func (p *testPool) code(t *testing.T, phone string) string {
	t.Helper()
	m, ok := p.outbox.Last(phone)
	if !ok {
		t.Fatalf("no SMS to %s in the outbox", phone)
	}
	c := codePattern.FindString(m.Message)
	if c == "" {
		t.Fatalf("no code in SMS %q", m.Message)
	}
	return c
}

func (p *testPool) signUp(t *testing.T, phone string) string {
	t.Helper()
	out, err := p.client.SignUp(context.Background(), &cip.SignUpInput{
		ClientId: aws.String(DefaultClientID),
		Username: aws.String(phone),
	})
	if err != nil {
		t.Fatalf("sign up %s: %v", phone, err)
	}
	if !out.UserConfirmed {
		t.Fatalf("sign up: got UserConfirmed false, want true")
	}
	return aws.ToString(out.UserSub)
}

func (p *testPool) initiate(t *testing.T, username string) *cip.InitiateAuthOutput {
	t.Helper()
	out, err := p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeCustomAuth,
		ClientId:       aws.String(DefaultClientID),
		AuthParameters: map[string]string{"USERNAME": username},
	})
	if err != nil {
		t.Fatalf("initiate auth: %v", err)
	}
	return out
}

func (p *testPool) respond(prev *cip.InitiateAuthOutput, session *string, answer string, meta map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return p.client.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName:      types.ChallengeNameTypeCustomChallenge,
		ClientId:           aws.String(DefaultClientID),
		Session:            session,
		ChallengeResponses: map[string]string{"USERNAME": prev.ChallengeParameters["USERNAME"], "ANSWER": answer},
		ClientMetadata:     meta,
	})
}

// wantAPIError checks that err is an API error of type typ whose message contains msg.
func wantAPIError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want %s", err, typ)
	}
	if ae.ErrorCode() != typ || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("got %s %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), typ, msg)
	}
}

func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestSignInFlows(t *testing.T) {
	const phone = "+447700900123"
	tests := []struct {
		name string
		// answers are given in turn; "RIGHT" is the code sent, "WRONG" another.
		answers  []string
		wantType string // error type of the last answer; "" means tokens
		wantMsg  string
		left     []string // attemptsLeft after each wrong answer
	}{
		{name: "right first time", answers: []string{"RIGHT"}},
		{name: "wrong then right", answers: []string{"WRONG", "RIGHT"}, left: []string{"2"}},
		{name: "three wrong", answers: []string{"WRONG", "WRONG", "WRONG"}, left: []string{"2", "1"}, wantType: TypeNotAuthorized, wantMsg: MsgIncorrect},
		{name: "code with spaces", answers: []string{" RIGHT "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPool(t, poolSetup{})
			sub := p.signUp(t, phone)
			first := p.initiate(t, phone)
			if got := first.ChallengeName; got != types.ChallengeNameTypeCustomChallenge {
				t.Fatalf("got challenge %q, want CUSTOM_CHALLENGE", got)
			}
			if got := first.ChallengeParameters["USERNAME"]; got != sub {
				t.Fatalf("got USERNAME %q, want the sub %q", got, sub)
			}
			if got := first.ChallengeParameters["phone"]; got != "+********0123" {
				t.Fatalf("got phone %q, want +********0123", got)
			}
			code := p.code(t, phone)
			session := first.Session
			for i, a := range tt.answers {
				answer := strings.ReplaceAll(strings.ReplaceAll(a, "RIGHT", code), "WRONG", wrongCode(code))
				out, err := p.respond(first, session, answer, nil)
				last := i == len(tt.answers)-1
				switch {
				case last && tt.wantType != "":
					wantAPIError(t, err, tt.wantType, tt.wantMsg)
					return
				case err != nil:
					t.Fatalf("answer %d: %v", i+1, err)
				case last:
					if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
						t.Fatalf("got no tokens after the right code: %+v", out)
					}
				default:
					if out.AuthenticationResult != nil {
						t.Fatalf("answer %d: got tokens after a wrong code", i+1)
					}
					if got := out.ChallengeParameters["attemptsLeft"]; got != tt.left[i] {
						t.Fatalf("answer %d: got attemptsLeft %q, want %q", i+1, got, tt.left[i])
					}
					if got := out.ChallengeParameters["USERNAME"]; got != sub {
						t.Fatalf("answer %d: got USERNAME %q, want %q", i+1, got, sub)
					}
					session = out.Session
				}
			}
		})
	}
}

func TestResend(t *testing.T) {
	const phone = "+447700900124"
	p := startPool(t, poolSetup{})
	p.signUp(t, phone)
	first := p.initiate(t, phone)
	code1 := p.code(t, phone)
	resend := map[string]string{triggers.ClientMetadataAction: triggers.ActionResend}

	// askResend asks for a new code in session and checks the SMS sent so
	// far and the attempts left.
	askResend := func(label string, session *string, wantSMS int, why string) *cip.RespondToAuthChallengeOutput {
		t.Helper()
		out, err := p.respond(first, session, "resend", resend)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if got := len(p.outbox.Messages()); got != wantSMS {
			t.Fatalf("%s: got %d SMS, want %d", label, got, wantSMS)
		}
		if got := out.ChallengeParameters["attemptsLeft"]; got != "2" {
			t.Fatalf("%s: got attemptsLeft %q, want 2 (%s)", label, got, why)
		}
		return out
	}
	// Too early: not granted, counts as a wrong answer.
	out := askResend("early resend", first.Session, 1, "one wrong answer")
	p.clock.Advance(31 * time.Second)
	out = askResend("resend", out.Session, 2, "a granted resend is not a wrong answer")
	if code2 := p.code(t, phone); code2 == code1 {
		t.Logf("the new code happens to equal the old one")
	}
	done, err := p.respond(first, out.Session, p.code(t, phone), nil)
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("new code: got %v, want tokens", err)
	}
}

func TestResendOldCodeRejected(t *testing.T) {
	const phone = "+447700900125"
	p := startPool(t, poolSetup{env: map[string]string{config.EnvResendInterval: "0s"}})
	p.signUp(t, phone)
	first := p.initiate(t, phone)
	code1 := p.code(t, phone)
	out, err := p.respond(first, first.Session, "resend", map[string]string{triggers.ClientMetadataAction: triggers.ActionResend})
	if err != nil {
		t.Fatalf("resend: %v", err)
	}
	code2 := p.code(t, phone)
	if code1 == code2 {
		t.Skip("the new code happens to equal the old one")
	}
	out2, err := p.respond(first, out.Session, code1, nil)
	if err != nil {
		t.Fatalf("old code: %v", err)
	}
	if out2.AuthenticationResult != nil {
		t.Fatalf("got tokens for the code replaced by a resend")
	}
	out3, err := p.respond(first, out2.Session, code2, nil)
	if err != nil {
		t.Fatalf("new code: %v", err)
	}
	if out3.AuthenticationResult == nil {
		t.Fatalf("got no tokens for the new code")
	}
}

func TestSessionExpiry(t *testing.T) {
	const phone = "+447700900126"
	tests := []struct {
		name    string
		wait    time.Duration
		reuse   bool
		wantErr bool
	}{
		{name: "answered in time", wait: 2*time.Minute + 59*time.Second},
		{name: "answered after three minutes", wait: 3 * time.Minute, wantErr: true},
		{name: "session used twice", reuse: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPool(t, poolSetup{})
			p.signUp(t, phone)
			first := p.initiate(t, phone)
			code := p.code(t, phone)
			p.clock.Advance(tt.wait)
			if tt.reuse {
				if _, err := p.respond(first, first.Session, wrongCode(code), nil); err != nil {
					t.Fatalf("first answer: %v", err)
				}
			}
			out, err := p.respond(first, first.Session, code, nil)
			if tt.wantErr {
				wantAPIError(t, err, TypeNotAuthorized, MsgSessionExpired)
				return
			}
			if err != nil || out.AuthenticationResult == nil {
				t.Fatalf("got %v, %+v; want tokens", err, out)
			}
		})
	}
}

// signedIn signs phone up and in and returns the tokens.
func (p *testPool) signedIn(t *testing.T, phone string) *types.AuthenticationResultType {
	t.Helper()
	p.signUp(t, phone)
	first := p.initiate(t, phone)
	out, err := p.respond(first, first.Session, p.code(t, phone), nil)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("sign in: got no tokens")
	}
	return out.AuthenticationResult
}

func (p *testPool) refresh(token *string) (*cip.InitiateAuthOutput, error) {
	return p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		ClientId:       aws.String(DefaultClientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(token)},
	})
}

func TestTokensAndSignOut(t *testing.T) {
	const phone = "+447700900127"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, phone)

	user, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatalf("get user: %v", err)
	}
	attrs := map[string]string{}
	for _, a := range user.UserAttributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if attrs["phone_number"] != phone || attrs["phone_number_verified"] != "true" || attrs["sub"] != aws.ToString(user.Username) {
		t.Fatalf("got attributes %v, want phone_number %s verified and sub = username", attrs, phone)
	}

	p.clock.Advance(10 * time.Minute)
	ref, err := p.refresh(res.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if ref.AuthenticationResult == nil || ref.AuthenticationResult.RefreshToken != nil {
		t.Fatalf("refresh: got %+v, want new ID and access tokens and no refresh token", ref.AuthenticationResult)
	}
	if _, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: ref.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("get user with refreshed token: %v", err)
	}

	if _, err := p.client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatalf("global sign out: %v", err)
	}
	_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: ref.AuthenticationResult.AccessToken})
	wantAPIError(t, err, TypeNotAuthorized, "Access Token has been revoked")
	_, err = p.refresh(res.RefreshToken)
	wantAPIError(t, err, TypeNotAuthorized, "Refresh Token has been revoked")
}

func TestRevokeToken(t *testing.T) {
	const phone = "+447700900128"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, phone)
	// A second sign-in of the same user keeps working after the first is revoked.
	first := p.initiate(t, phone)
	other, err := p.respond(first, first.Session, p.code(t, phone), nil)
	if err != nil {
		t.Fatalf("second sign in: %v", err)
	}

	if _, err := p.client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(DefaultClientID), Token: res.RefreshToken}); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, err = p.refresh(res.RefreshToken)
	wantAPIError(t, err, TypeNotAuthorized, "Refresh Token has been revoked")
	_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	wantAPIError(t, err, TypeNotAuthorized, "Access Token has been revoked")
	if _, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: other.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("other session after revoke: got %v, want it still valid", err)
	}
	_, err = p.client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(DefaultClientID), Token: res.AccessToken})
	wantAPIError(t, err, TypeUnsupportedTokenType, "refresh")
}

func TestAccessTokenExpiry(t *testing.T) {
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, "+447700900129")
	p.clock.Advance(AccessTokenTTL)
	_, err := p.client.GetUser(context.Background(), &cip.GetUserInput{AccessToken: res.AccessToken})
	wantAPIError(t, err, TypeNotAuthorized, "Access Token has expired")
	_, err = p.client.GetUser(context.Background(), &cip.GetUserInput{AccessToken: aws.String("not.a.token")})
	wantAPIError(t, err, TypeNotAuthorized, "Invalid Access Token")
}

func TestDeleteUser(t *testing.T) {
	const phone = "+447700900130"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, phone)
	if _, err := p.client.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatalf("delete user: %v", err)
	}
	_, err := p.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(phone)})
	wantAPIError(t, err, TypeUserNotFound, MsgUserNotExist)
	_, err = p.refresh(res.RefreshToken)
	wantAPIError(t, err, TypeNotAuthorized, "revoked")
}

func TestUnknownUser(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantType string
		wantMsg  string
	}{
		{name: "default reports user not found", wantType: TypeUserLambdaValidation, wantMsg: "DefineAuthChallenge failed with error [user_not_found] user not found."},
		{name: "hidden gets a challenge that never succeeds", env: map[string]string{config.EnvHideUnknownUsers: "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPool(t, poolSetup{env: tt.env})
			out, err := p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID),
				AuthParameters: map[string]string{"USERNAME": "+447700900999"},
			})
			if tt.wantType != "" {
				wantAPIError(t, err, tt.wantType, tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatalf("initiate: %v", err)
			}
			// A known user's USERNAME is its UUID username: an unknown number
			// gets one of the same form, the same each time.
			got := out.ChallengeParameters["USERNAME"]
			if !uuidPattern.MatchString(got) {
				t.Fatalf("got USERNAME %q, want a UUID as a real user's", got)
			}
			again, err := p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID),
				AuthParameters: map[string]string{"USERNAME": "+447700900999"},
			})
			if err != nil || again.ChallengeParameters["USERNAME"] != got {
				t.Fatalf("second sign-in: got USERNAME %q (%v), want %q again, as a real user's stays", again.ChallengeParameters["USERNAME"], err, got)
			}
			if n := len(p.outbox.Messages()); n != 0 {
				t.Fatalf("got %d SMS for an unknown user, want 0", n)
			}
			session := out.Session
			for i := 0; i < 3; i++ {
				r, err := p.respond(out, session, "123456", nil)
				if i == 2 {
					wantAPIError(t, err, TypeNotAuthorized, MsgIncorrect)
					return
				}
				if err != nil {
					t.Fatalf("answer %d: %v", i+1, err)
				}
				session = r.Session
			}
		})
	}
}

func TestSignUpErrors(t *testing.T) {
	tests := []struct {
		name     string
		username string
		attrs    []types.AttributeType
		wantType string
		wantMsg  string
	}{
		{name: "not a phone number", username: "alice", wantType: TypeInvalidParameter, wantMsg: "Username should be a phone number."},
		{name: "phone written by the client", username: "+447700900140", attrs: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+447700900141")}}, wantType: TypeNotAuthorized, wantMsg: MsgUnauthorizedAttribute},
		{name: "phone written as the username", username: "+447700900142", attrs: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+447700900142")}}, wantType: TypeNotAuthorized, wantMsg: MsgUnauthorizedAttribute},
		{name: "sub set", username: "+447700900140", attrs: []types.AttributeType{{Name: aws.String("sub"), Value: aws.String("x")}}, wantType: TypeInvalidParameter, wantMsg: "non-mutable"},
		{name: "trigger refuses country", username: "+14155550100", wantType: TypeUserLambdaValidation, wantMsg: "PreSignUp failed with error [country_not_accepted] phone numbers from this country are not accepted."},
		{name: "exists", username: "+447700900150", wantType: TypeUsernameExists, wantMsg: "An account with the given phone_number already exists."},
	}
	p := startPool(t, poolSetup{env: map[string]string{config.EnvAllowedCountryCodes: "44"}})
	p.signUp(t, "+447700900150")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.client.SignUp(context.Background(), &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String(tt.username), UserAttributes: tt.attrs})
			wantAPIError(t, err, tt.wantType, tt.wantMsg)
		})
	}
}

func TestAdminCalls(t *testing.T) {
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	pool := aws.String(DefaultPoolID)
	created, err := p.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("+447700900160"), MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if created.User.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("got status %s, want FORCE_CHANGE_PASSWORD", created.User.UserStatus)
	}
	p.signUp(t, "+447700900161")
	p.signUp(t, "+447700900271")

	// A user made by an admin signs in by code.
	first := p.initiate(t, "+447700900160")
	if out, err := p.respond(first, first.Session, p.code(t, "+447700900160"), nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("admin-created user sign in: got %v, want tokens", err)
	}

	got, err := p.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("+447700900161")})
	if err != nil {
		t.Fatalf("admin get: %v", err)
	}
	if got.UserStatus != types.UserStatusTypeConfirmed || !got.Enabled || got.UserCreateDate == nil || !got.UserCreateDate.Equal(p.clock.Now()) {
		t.Fatalf("admin get: got status %s enabled %v created %v, want CONFIRMED, true, %v", got.UserStatus, got.Enabled, got.UserCreateDate, p.clock.Now())
	}

	filters := []struct {
		filter string
		want   int
	}{
		{filter: "", want: 3},
		{filter: `phone_number = "+447700900161"`, want: 1},
		{filter: `phone_number ^= "+4477009001"`, want: 2},
		{filter: `phone_number = "+449999999999"`, want: 0},
	}
	for _, f := range filters {
		out, err := p.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(f.filter)})
		if err != nil {
			t.Fatalf("list users %q: %v", f.filter, err)
		}
		if len(out.Users) != f.want {
			t.Fatalf("list users %q: got %d users, want %d", f.filter, len(out.Users), f.want)
		}
	}
	page, err := p.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(2)})
	if err != nil || len(page.Users) != 2 || page.PaginationToken == nil {
		t.Fatalf("list page 1: got %v users, token %v, err %v; want 2 and a token", len(page.Users), page.PaginationToken, err)
	}
	page2, err := p.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Limit: aws.Int32(2), PaginationToken: page.PaginationToken})
	if err != nil || len(page2.Users) != 1 || page2.PaginationToken != nil {
		t.Fatalf("list page 2: got %v users, token %v, err %v; want 1 and no token", len(page2.Users), page2.PaginationToken, err)
	}
	_, err = p.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(`phone_number ~ "x"`)})
	wantAPIError(t, err, TypeInvalidParameter, "Invalid search filter")

	if _, err := p.client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("+447700900161")}); err != nil {
		t.Fatalf("admin delete: %v", err)
	}
	_, err = p.client.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("+447700900161")})
	wantAPIError(t, err, TypeUserNotFound, MsgUserNotExist)
	_, err = p.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_other"), Username: aws.String("+447700900160")})
	wantAPIError(t, err, TypeResourceNotFound, "User pool us-east-1_other does not exist.")
}

// TestSignInAgainWithTheUsername: in hidden mode a client signs in with a
// number, then again with the USERNAME the challenge gave it. A known
// number's is its username, an unknown number's the pool's stand-in: both
// get a challenge, with the same masked number as the first time, and the
// unknown one no SMS (it told them apart in two requests before).
func TestSignInAgainWithTheUsername(t *testing.T) {
	p := startPool(t, poolSetup{env: map[string]string{config.EnvHideUnknownUsers: "true"}})
	const known, unknown = "+447700900232", "+447700900998"
	p.signUp(t, known)
	ctx := context.Background()
	initiate := func(name string) (*cip.InitiateAuthOutput, error) {
		return p.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID),
			AuthParameters: map[string]string{"USERNAME": name},
		})
	}
	for _, number := range []string{known, unknown} {
		t.Run(number, func(t *testing.T) {
			first, err := initiate(number)
			if err != nil {
				t.Fatalf("sign in with the number: %v", err)
			}
			name := first.ChallengeParameters["USERNAME"]
			again, err := initiate(name)
			if err != nil {
				t.Fatalf("sign in with USERNAME %s: got %v, want a challenge", name, err)
			}
			if got, want := again.ChallengeParameters["phone"], first.ChallengeParameters["phone"]; got != want {
				t.Errorf("masked number: got %q, want %q as the first time", got, want)
			}
			if again.ChallengeParameters["USERNAME"] != name {
				t.Errorf("USERNAME: got %q, want %q again", again.ChallengeParameters["USERNAME"], name)
			}
		})
	}
	sent := map[string]int{}
	for _, m := range p.outbox.Messages() {
		sent[m.Phone]++
	}
	if sent[known] != 2 || sent[unknown] != 0 {
		t.Errorf("SMS: got %v, want 2 to the known number and none to the unknown one", sent)
	}
	// A UUID this pool never gave reaches the triggers as it is: a
	// challenge, not an error.
	if _, err := initiate("3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"); err != nil {
		t.Errorf("a UUID never given: got %v, want a challenge", err)
	}
}
