package localpool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/phonepass/phonepass/config"
)

// fakeSigV4 gives req an Authorization header of SigV4's form for
// cognito-idp in region, signed with no real secret.
func fakeSigV4(req *http.Request, region string) {
	now := time.Now().UTC()
	req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFAKE/"+now.Format("20060102")+"/"+region+
		"/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="+strings.Repeat("0", 64))
}

// claims decodes a JWT's claims without checking it.
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	var c map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
		t.Fatalf("claims: %v", err)
	}
	for k, v := range c {
		if f, ok := v.(float64); ok && f == math.Trunc(f) {
			c[k] = int64(f) // as the pool writes times
		}
	}
	return c
}

// TestAttributesCannotForgeTokens is the attack of issue 11: a user signed
// up with the attributes token_use=access and username=<victim's number>
// and sent its ID token as an access token, which then named the victim.
func TestAttributesCannotForgeTokens(t *testing.T) {
	const victim, attacker = "+447700900201", "+447700900202"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	victimTokens := p.signedIn(t, victim)

	for _, name := range []string{"token_use", "username", "client_id", "origin_jti", "cognito:username", "iss", "custom:undeclared"} {
		_, err := p.client.SignUp(ctx, &cip.SignUpInput{
			ClientId: aws.String(DefaultClientID), Username: aws.String(attacker),
			UserAttributes: []types.AttributeType{{Name: aws.String(name), Value: aws.String("access")}},
		})
		wantAPIError(t, err, TypeInvalidParameter, "Attributes did not conform to the schema: "+name+": Attribute does not exist in the schema.")
	}

	// A database from before the schema may hold such attributes: tokens
	// still take every reserved claim from the pool.
	u, err := newUser(attacker, map[string]string{"token_use": "access", "username": victim, "client_id": DefaultClientID, "aud": "x", "iss": "https://evil.example"}, p.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	u.Status, u.Attributes[AttrPhoneVerified] = StatusConfirmed, "true"
	if err := p.srv.store.CreateUser(u); err != nil {
		t.Fatal(err)
	}
	first := p.initiate(t, attacker)
	out, err := p.respond(first, first.Session, p.code(t, attacker), nil)
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("attacker sign in: got %v, want tokens", err)
	}
	id := aws.ToString(out.AuthenticationResult.IdToken)
	c := claims(t, id)
	if c["token_use"] != "id" || c["username"] != nil || c["client_id"] != nil || c["aud"] != DefaultClientID || c["iss"] != p.srv.Issuer() {
		t.Fatalf("ID token claims %v: want token_use id, aud and iss the pool's, no username or client_id", c)
	}
	// The ID token is no access token, for any action that takes one.
	_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(id)})
	wantAPIError(t, err, TypeNotAuthorized, "Invalid Access Token")
	_, err = p.client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(id)})
	wantAPIError(t, err, TypeNotAuthorized, "Invalid Access Token")
	_, err = p.client.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: aws.String(id)})
	wantAPIError(t, err, TypeNotAuthorized, "Invalid Access Token")
	if got, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: victimTokens.AccessToken}); err != nil || aws.ToString(got.Username) == u.Username {
		t.Fatalf("victim after the attack: got %v, %v; want its own user, signed in", got, err)
	}
}

// TestAccessTokenChecks sends GetUser access tokens signed with the pool's
// own key but wrong in one claim each: all are refused.
func TestAccessTokenChecks(t *testing.T) {
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, "+447700900210")
	good := claims(t, aws.ToString(res.AccessToken))
	now := p.clock.Now()
	other, err := newTokenSigner(mustKey(t), p.srv.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change map[string]any
		signer jose.Signer
		want   string
	}{
		{name: "unchanged", want: ""},
		{name: "foreign client_id", change: map[string]any{"client_id": "someoneelsesclient"}, want: "Invalid Access Token"},
		{name: "iat an hour ahead", change: map[string]any{"iat": now.Add(time.Hour).Unix(), "exp": now.Add(2 * time.Hour).Unix()}, want: "Invalid Access Token"},
		{name: "iat within the leeway", change: map[string]any{"iat": now.Add(IssuedAtLeeway).Unix()}, want: ""},
		{name: "id token use", change: map[string]any{"token_use": "id"}, want: "Invalid Access Token"},
		{name: "an audience", change: map[string]any{"aud": DefaultClientID}, want: "Invalid Access Token"},
		{name: "username not the sub", change: map[string]any{"username": "+447700900210"}, want: "Invalid Access Token"},
		{name: "other issuer", change: map[string]any{"iss": "http://127.0.0.1:1/" + DefaultPoolID}, want: "Invalid Access Token"},
		{name: "unknown origin_jti", change: map[string]any{"origin_jti": newUUID()}, want: "Access Token has been revoked"},
		{name: "expired", change: map[string]any{"iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}, want: "Access Token has expired"},
		{name: "other key", signer: other.signer, want: "Invalid Access Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := map[string]any{}
			for k, v := range good {
				c[k] = v
			}
			for k, v := range tt.change {
				c[k] = v
			}
			signer := p.srv.tokens.signer
			if tt.signer != nil {
				signer = tt.signer
			}
			tok, err := jwt.Signed(signer).Claims(c).Serialize()
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(tok)})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want the user", err)
				}
				return
			}
			wantAPIError(t, err, TypeNotAuthorized, tt.want)
		})
	}
}

func mustKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRefreshTokenBoundToClient refreshes with another client's ID: refused.
func TestRefreshTokenBoundToClient(t *testing.T) {
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, "+447700900211")
	_, err := p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String("someoneelsesclient"),
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)},
	})
	wantAPIError(t, err, TypeResourceNotFound, "User pool client someoneelsesclient does not exist.")
	rec, err := p.srv.store.Refresh(claims(t, aws.ToString(res.AccessToken))["origin_jti"].(string))
	if err != nil || rec.ClientID != DefaultClientID {
		t.Fatalf("refresh record: got %+v, %v; want it bound to the client", rec, err)
	}
}

// rawCall posts one API call with the headers given and returns the
// response (its body closed) and the error type it names.
func rawCall(t *testing.T, url, action, body string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+action)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if headers["Authorization"] == "sigv4" {
		fakeSigV4(req, "us-east-1")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, resp.Header.Get("X-Amzn-Errortype")
}

func TestAdminCallsNeedCredentials(t *testing.T) {
	p := startPool(t, poolSetup{})
	p.signUp(t, "+447700900220")
	list := `{"UserPoolId":"` + DefaultPoolID + `"}`
	tests := []struct {
		name, action, body string
		headers            map[string]string
		wantStatus         int
		wantType           string
		wantCORS           string
	}{
		{name: "unsigned", action: "ListUsers", body: list, wantStatus: 400, wantType: TypeMissingAuthToken},
		{name: "unsigned from a foreign page", action: "AdminDeleteUser", body: `{"UserPoolId":"` + DefaultPoolID + `","Username":"+447700900220"}`,
			headers: map[string]string{"Origin": "https://evil.example"}, wantStatus: 403, wantType: TypeAccessDenied},
		{name: "signed from a foreign page", action: "ListUsers", body: list,
			headers: map[string]string{"Origin": "https://evil.example", "Authorization": "sigv4"}, wantStatus: 403, wantType: TypeAccessDenied},
		{name: "signed from a loopback page", action: "ListUsers", body: list,
			headers: map[string]string{"Origin": "http://localhost:5173", "Authorization": "sigv4"}, wantStatus: 200, wantCORS: "http://localhost:5173"},
		{name: "signed by a backend", action: "ListUsers", body: list, headers: map[string]string{"Authorization": "sigv4"}, wantStatus: 200},
		{name: "not SigV4", action: "ListUsers", body: list, headers: map[string]string{"Authorization": "Bearer x"}, wantStatus: 400, wantType: TypeIncompleteSignature},
		{name: "public call from a foreign page", action: "SignUp", body: `{"ClientId":"` + DefaultClientID + `","Username":"+447700900221"}`,
			headers: map[string]string{"Origin": "https://evil.example"}, wantStatus: 200},
		{name: "public call from a loopback page", action: "SignUp", body: `{"ClientId":"` + DefaultClientID + `","Username":"+447700900222"}`,
			headers: map[string]string{"Origin": "http://127.0.0.1:5173"}, wantStatus: 200, wantCORS: "http://127.0.0.1:5173"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, typ := rawCall(t, p.url, tt.action, tt.body, tt.headers)
			if resp.StatusCode != tt.wantStatus || typ != tt.wantType {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, typ, tt.wantStatus, tt.wantType)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantCORS {
				t.Fatalf("got Access-Control-Allow-Origin %q, want %q", got, tt.wantCORS)
			}
		})
	}
	if _, err := p.srv.store.FindUser("+447700900220"); err != nil {
		t.Fatalf("the foreign page deleted the user: %v", err)
	}

	// A preflight from a foreign page is answered without CORS: the browser stops there.
	req, _ := http.NewRequest(http.MethodOptions, p.url+"/", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("foreign preflight: got Access-Control-Allow-Origin %q, want none", got)
	}

	// The SDK without credentials sends admin calls unsigned.
	anon := cip.New(cip.Options{BaseEndpoint: aws.String(p.url), Region: "us-east-1", RetryMaxAttempts: 1})
	_, err = anon.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: aws.String(DefaultPoolID)})
	wantAPIError(t, err, TypeMissingAuthToken, "Missing Authentication Token")
	// Signed for another region.
	west := cip.New(cip.Options{BaseEndpoint: aws.String(p.url), Region: "eu-west-1", RetryMaxAttempts: 1, Credentials: testCredentials})
	_, err = west.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: aws.String(DefaultPoolID)})
	wantAPIError(t, err, TypeInvalidSignature, "region")
}

// TestAdminCredentialsVerified starts a pool with one key pair: the SDK
// signing with it gets in, with another secret or key not.
func TestAdminCredentialsVerified(t *testing.T) {
	p := startPool(t, poolSetup{creds: &AdminCredentials{AccessKeyID: "AKIDLOCALTEST", SecretAccessKey: "local-secret"}})
	ctx := context.Background()
	in := &cip.ListUsersInput{UserPoolId: aws.String(DefaultPoolID), Filter: aws.String(`phone_number ^= "+44"`)}
	if _, err := p.client.ListUsers(ctx, in); err != nil {
		t.Fatalf("signed with the pair: %v", err)
	}
	tests := []struct{ key, secret, wantType string }{
		{"AKIDLOCALTEST", "wrong", TypeInvalidSignature},
		{"AKIDOTHER", "local-secret", TypeUnrecognizedClient},
	}
	for _, tt := range tests {
		c := cip.New(cip.Options{BaseEndpoint: aws.String(p.url), Region: "us-east-1", RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(tt.key, tt.secret, "")})
		_, err := c.ListUsers(ctx, in)
		wantAPIError(t, err, tt.wantType, "")
	}
}

// TestLoopbackOnly: a pool listens on loopback addresses unless told
// otherwise, and never names an unspecified address as its URL.
func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "192.0.2.7:9229", "example.com:9229"} {
		if _, err := Start(StartOptions{InMemory: true, Addr: addr}); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("Start on %s: got %v, want a refusal naming loopback", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0", "127.0.0.1:9229"} {
		if err := checkListenAddr(addr, false); err != nil {
			t.Errorf("%s: got %v, want it allowed", addr, err)
		}
	}
	for _, tt := range []struct {
		addr *net.TCPAddr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 9229}, "http://127.0.0.1:9229"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9229}, "http://[::1]:9229"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 9229}, "http://192.0.2.7:9229"},
	} {
		if got := reachableURL(tt.addr); got != tt.want {
			t.Errorf("reachableURL(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
	for _, base := range []string{"http://0.0.0.0:9229", "http://[::]:9229"} {
		if _, err := New(Options{BaseURL: base, InMemory: true, Invoker: invokerFunc(nil)}); err == nil {
			t.Errorf("New with base URL %s: got no error, want one", base)
		}
	}
}

// TestSessionFlood opens more sign-ins for numbers without an account than
// the pool keeps sessions: a real user's sign-in, begun before or after,
// still completes.
func TestSessionFlood(t *testing.T) {
	const real = "+447700900230"
	p := startPool(t, poolSetup{env: map[string]string{
		config.EnvHideUnknownUsers: "true", config.EnvRateLimitPerPhone: "100", config.EnvRateLimitPoolPerMinute: "0",
	}})
	const max = 40
	p.srv.sessions = newSessionStore(max, MaxSessionsPerName)
	p.signUp(t, real)
	before := p.initiate(t, real)
	codeBefore := p.code(t, real)
	// Eight at a time: each unknown number's challenge takes hidden mode's
	// 200 ms floor.
	var names []string
	for i := 0; i < max+10; i++ {
		names = append(names, fmt.Sprintf("+447700900%03d", 500+i))
	}
	for i := 0; i < 3*MaxSessionsPerName; i++ {
		names = append(names, "+447700900999")
	}
	errs := make(chan error, len(names))
	sem := make(chan struct{}, 8)
	for _, name := range names {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := p.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
				AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID),
				AuthParameters: map[string]string{"USERNAME": name},
			})
			errs <- err
		}()
	}
	for range names {
		if err := <-errs; err != nil {
			t.Fatalf("flood sign-in: %v", err)
		}
	}
	if n := p.srv.sessions.len(); n > max {
		t.Fatalf("got %d sessions, want at most %d", n, max)
	}
	if n := len(p.srv.sessions.byName["+447700900999"]); n > MaxSessionsPerName {
		t.Fatalf("got %d sessions of one number, want at most %d", n, MaxSessionsPerName)
	}
	if out, err := p.respond(before, before.Session, codeBefore, nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign-in begun before the flood: got %v, want tokens", err)
	}
	after := p.initiate(t, real)
	if out, err := p.respond(after, after.Session, p.code(t, real), nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign-in after the flood: got %v, want tokens", err)
	}
}

// signedListUsers returns a ListUsers request with body to the pool at url,
// signed with creds at the time at by aws-sdk-go-v2's own SigV4 signer; with
// hashHeader it also carries and signs X-Amz-Content-Sha256, as S3 clients do.
func signedListUsers(t *testing.T, url string, creds aws.Credentials, body string, at time.Time, hashHeader bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+"ListUsers")
	h := sha256.Sum256([]byte(body))
	sum := hex.EncodeToString(h[:])
	if hashHeader {
		req.Header.Set("X-Amz-Content-Sha256", sum)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sum, "cognito-idp", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestSignatureCoversBodyAndTarget signs a ListUsers request with the right
// pair using aws-sdk-go-v2's own SigV4 signer, then changes it in flight: a
// different body (another pool's users, a filter) or a different action
// under the same signature is refused; the untouched request gets in.
func TestSignatureCoversBodyAndTarget(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDLOCALTEST", SecretAccessKey: "local-secret"}
	p := startPool(t, poolSetup{creds: &AdminCredentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}})
	p.signUp(t, "+447700900230")
	signed := `{"UserPoolId":"` + DefaultPoolID + `","Limit":1}`
	// The same length: the signed content-length does not give it away.
	other := `{"UserPoolId":"` + DefaultPoolID + `","Limit":9}`
	tests := []struct {
		name, body, target string
		hashHeader         bool // sign the body's hash as X-Amz-Content-Sha256, as S3 clients do
		wantStatus         int
		wantType           string
	}{
		{"untouched", signed, "ListUsers", false, 200, ""},
		{"untouched, hash header signed", signed, "ListUsers", true, 200, ""},
		{"body changed", other, "ListUsers", false, 400, TypeInvalidSignature},
		{"body changed under a signed hash header", other, "ListUsers", true, 400, TypeInvalidSignature},
		{"action changed", `{"UserPoolId":"` + DefaultPoolID + `","Username":"+447700900230"}`, "AdminDeleteUser", false, 400, TypeInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signedListUsers(t, p.url, creds, signed, time.Now(), tt.hashHeader)
			req.Header.Set("X-Amz-Target", targetPrefix+tt.target)
			req.Body = io.NopCloser(strings.NewReader(tt.body))
			req.ContentLength = int64(len(tt.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("X-Amzn-Errortype"); resp.StatusCode != tt.wantStatus || got != tt.wantType {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, got, tt.wantStatus, tt.wantType)
			}
		})
	}
	if _, err := p.srv.store.FindUser("+447700900230"); err != nil {
		t.Fatalf("the re-targeted request deleted the user: %v", err)
	}
}

// TestOldSignaturesRefused replays a ListUsers request signed with the
// right pair at other times: more than 15 minutes either side of now is
// refused, as AWS refuses it, so a signed request seen once (a log, a
// proxy) cannot be replayed later; within 15 minutes it gets in.
func TestOldSignaturesRefused(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDLOCALTEST", SecretAccessKey: "local-secret"}
	p := startPool(t, poolSetup{creds: &AdminCredentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}})
	body := `{"UserPoolId":"` + DefaultPoolID + `","Limit":1}`
	tests := []struct {
		name       string
		age        time.Duration
		wantStatus int
		wantType   string
		wantWords  string
	}{
		{"signed 14 minutes ago", 14 * time.Minute, 200, "", ""},
		{"signed 16 minutes ago", 16 * time.Minute, 400, TypeInvalidSignature, "Signature expired"},
		{"signed a day ago", 24 * time.Hour, 400, TypeInvalidSignature, "Signature expired"},
		{"signed 14 minutes ahead", -14 * time.Minute, 200, "", ""},
		{"signed 16 minutes ahead", -16 * time.Minute, 400, TypeInvalidSignature, "not yet current"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signedListUsers(t, p.url, creds, body, time.Now().Add(-tt.age), false)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := resp.Header.Get("X-Amzn-Errortype"); resp.StatusCode != tt.wantStatus || got != tt.wantType || !strings.Contains(string(msg), tt.wantWords) {
				t.Errorf("got %d %q %s, want %d %q with %q", resp.StatusCode, got, msg, tt.wantStatus, tt.wantType, tt.wantWords)
			}
		})
	}
}

// TestSignatureMustCoverTheAction signs AdminGetUser by hand, correctly,
// but over fewer headers than the SDKs sign (SignedHeaders=host;x-amz-date),
// then replays it unchanged but for X-Amz-Target as AdminDisableUser,
// AdminUserGlobalSignOut and AdminDeleteUser, whose bodies are the same:
// each is refused, and so is each signature that leaves out one of host,
// x-amz-date, x-amz-target and content-type. The user is still there.
func TestSignatureMustCoverTheAction(t *testing.T) {
	creds := AdminCredentials{AccessKeyID: "AKIDLOCALTEST", SecretAccessKey: "local-secret"}
	p := startPool(t, poolSetup{creds: &creds})
	const phone = "+447700900231"
	p.signUp(t, phone)
	body := `{"UserPoolId":"` + DefaultPoolID + `","Username":"` + phone + `"}`
	for _, tt := range []struct {
		name, signed, replayAs, missing string
	}{
		{"replayed as AdminDisableUser", "host;x-amz-date", "AdminDisableUser", "x-amz-target"},
		{"replayed as AdminUserGlobalSignOut", "host;x-amz-date", "AdminUserGlobalSignOut", "x-amz-target"},
		{"replayed as AdminDeleteUser", "host;x-amz-date", "AdminDeleteUser", "x-amz-target"},
		{"without host", "content-type;x-amz-date;x-amz-target", "", "host"},
		{"without x-amz-date", "content-type;host;x-amz-target", "", "x-amz-date"},
		{"without x-amz-target", "content-type;host;x-amz-date", "", "x-amz-target"},
		{"without content-type", "host;x-amz-date;x-amz-target", "", "content-type"},
		{"all four", "content-type;host;x-amz-date;x-amz-target", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, p.url+"/", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("X-Amz-Target", targetPrefix+"AdminGetUser")
			amzDate := time.Now().UTC().Format(amzDateLayout)
			req.Header.Set("X-Amz-Date", amzDate)
			req.Host = req.URL.Host
			scope := amzDate[:8] + "/us-east-1/cognito-idp/aws4_request"
			sig := sigV4Signature(creds.SecretAccessKey, amzDate, scope, canonicalRequest(req, tt.signed, []byte(body)))
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/"+scope+", SignedHeaders="+tt.signed+", Signature="+sig)
			if tt.replayAs != "" { // in flight: another action, the same body and signature
				req.Header.Set("X-Amz-Target", targetPrefix+tt.replayAs)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.missing == "" {
				if resp.StatusCode != 200 {
					t.Errorf("signed over all four: got %d %s, want 200", resp.StatusCode, msg)
				}
				return
			}
			if got := resp.Header.Get("X-Amzn-Errortype"); resp.StatusCode != 400 || got != TypeIncompleteSignature || !strings.Contains(string(msg), tt.missing) {
				t.Errorf("got %d %q %s, want 400 %s naming %s", resp.StatusCode, got, msg, TypeIncompleteSignature, tt.missing)
			}
		})
	}
	u, err := p.srv.store.FindUser(phone)
	if err != nil || !u.Enabled {
		t.Fatalf("after the replays: got %+v, %v, want the user there and enabled", u, err)
	}
}
