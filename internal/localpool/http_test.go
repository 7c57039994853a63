package localpool

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func post(t *testing.T, url, target, ctype, body string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if a, ok := actions[strings.TrimPrefix(target, targetPrefix)]; ok && a.admin {
		fakeSigV4(req, "us-east-1")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var out map[string]string
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response %q is not a JSON object of strings: %v", raw, err)
	}
	return resp.StatusCode, out
}

func TestErrorShapes(t *testing.T) {
	p := startPool(t, poolSetup{})
	const ct = "application/x-amz-json-1.1"
	tgt := func(a string) string { return "AWSCognitoIdentityProviderService." + a }
	client := `"ClientId":"` + DefaultClientID + `"`
	tests := []struct {
		name, target, ctype, body string
		wantType, wantMsg         string
	}{
		{name: "no target", ctype: ct, body: `{}`, wantType: TypeUnknownOperation, wantMsg: "X-Amz-Target"},
		{name: "unknown action", target: tgt("AdminSetUserPassword"), ctype: ct, body: `{}`, wantType: TypeUnknownOperation, wantMsg: "AdminSetUserPassword is not supported"},
		{name: "wrong content type", target: tgt("SignUp"), ctype: "text/plain", body: `{}`, wantType: TypeSerialization, wantMsg: "Content-Type must be application/x-amz-json-1.1"},
		{name: "malformed JSON", target: tgt("SignUp"), ctype: ct, body: `{"ClientId":`, wantType: TypeSerialization, wantMsg: "not valid JSON"},
		{name: "not an object", target: tgt("SignUp"), ctype: ct, body: `[1]`, wantType: TypeSerialization, wantMsg: "must be a JSON object"},
		{name: "trailing data", target: tgt("SignUp"), ctype: ct, body: `{} {}`, wantType: TypeSerialization, wantMsg: "after the JSON object"},
		{name: "wrong field type", target: tgt("SignUp"), ctype: ct, body: `{"ClientId":5}`, wantType: TypeSerialization, wantMsg: "ClientId must be a JSON string"},
		{name: "oversized body", target: tgt("SignUp"), ctype: ct, body: `{"x":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, wantType: TypeInvalidParameter, wantMsg: "larger than 65536 bytes"},
		{name: "missing client", target: tgt("SignUp"), ctype: ct, body: `{"Username":"+447700900123"}`, wantType: TypeInvalidParameter, wantMsg: "'clientId'"},
		{name: "unknown client", target: tgt("InitiateAuth"), ctype: ct, body: `{"ClientId":"nope","AuthFlow":"CUSTOM_AUTH","AuthParameters":{"USERNAME":"+447700900123"}}`, wantType: TypeResourceNotFound, wantMsg: "User pool client nope does not exist."},
		{name: "missing username", target: tgt("InitiateAuth"), ctype: ct, body: `{` + client + `,"AuthFlow":"CUSTOM_AUTH"}`, wantType: TypeInvalidParameter, wantMsg: "Missing required parameter USERNAME"},
		{name: "password flow", target: tgt("InitiateAuth"), ctype: ct, body: `{` + client + `,"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"a"}}`, wantType: TypeInvalidParameter, wantMsg: "USER_PASSWORD_AUTH flow not enabled"},
		{name: "bad flow", target: tgt("InitiateAuth"), ctype: ct, body: `{` + client + `,"AuthFlow":"MAGIC"}`, wantType: TypeInvalidParameter, wantMsg: "authFlow"},
		{name: "stale session", target: tgt("RespondToAuthChallenge"), ctype: ct, body: `{` + client + `,"ChallengeName":"CUSTOM_CHALLENGE","Session":"abc","ChallengeResponses":{"USERNAME":"a","ANSWER":"1"}}`, wantType: TypeNotAuthorized, wantMsg: MsgSessionExpired},
		{name: "missing answer", target: tgt("RespondToAuthChallenge"), ctype: ct, body: `{` + client + `,"ChallengeName":"CUSTOM_CHALLENGE","Session":"abc","ChallengeResponses":{"USERNAME":"a"}}`, wantType: TypeInvalidParameter, wantMsg: "ANSWER"},
		{name: "other challenge", target: tgt("RespondToAuthChallenge"), ctype: ct, body: `{` + client + `,"ChallengeName":"SMS_MFA","Session":"abc"}`, wantType: TypeInvalidParameter, wantMsg: "SMS_MFA is not served"},
		{name: "bad refresh token", target: tgt("InitiateAuth"), ctype: ct, body: `{` + client + `,"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"x"}}`, wantType: TypeNotAuthorized, wantMsg: "Invalid Refresh Token"},
		{name: "missing access token", target: tgt("GetUser"), ctype: ct, body: `{}`, wantType: TypeInvalidParameter, wantMsg: "'accessToken'"},
		{name: "wrong pool", target: tgt("ListUsers"), ctype: ct, body: `{"UserPoolId":"eu-west-1_x"}`, wantType: TypeResourceNotFound, wantMsg: "User pool eu-west-1_x does not exist."},
		{name: "limit too big", target: tgt("ListUsers"), ctype: ct, body: `{"UserPoolId":"` + DefaultPoolID + `","Limit":61}`, wantType: TypeInvalidParameter, wantMsg: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := post(t, p.url, tt.target, tt.ctype, tt.body)
			if status != http.StatusBadRequest {
				t.Errorf("got status %d, want 400", status)
			}
			if out["__type"] != tt.wantType || !strings.Contains(out["message"], tt.wantMsg) {
				t.Errorf("got %s %q, want %s containing %q", out["__type"], out["message"], tt.wantType, tt.wantMsg)
			}
		})
	}
}

func TestOutboxEndpoint(t *testing.T) {
	p := startPool(t, poolSetup{})
	p.signUp(t, "+447700900170")
	p.initiate(t, "+447700900170")

	resp, err := http.Get(p.url + OutboxPath)
	if err != nil {
		t.Fatalf("get outbox: %v", err)
	}
	var got struct {
		Messages []map[string]any `json:"messages"`
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get outbox: got %d, %v; want 200 and JSON", resp.StatusCode, err)
	}
	if len(got.Messages) != 1 {
		t.Fatalf("got %d messages, want 1", len(got.Messages))
	}
	m := got.Messages[0]
	text, _ := m["message"].(string)
	if m["phone"] != "+447700900170" || m["id"] == "" || !strings.Contains(text, p.code(t, "+447700900170")) {
		t.Fatalf("got message %v, want phone, id and the code", m)
	}
	if m["language"] != "en" || m["segments"] != 1.0 {
		t.Errorf("got language %v and segments %v, want en and 1", m["language"], m["segments"])
	}
	sentAt, _ := m["sentAt"].(string)
	if _, err := time.Parse(time.RFC3339, sentAt); err != nil {
		t.Fatalf("sentAt %q is not RFC 3339: %v", sentAt, err)
	}

	req, _ := http.NewRequest(http.MethodDelete, p.url+OutboxPath, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete outbox: got %v, %v; want 204", resp, err)
	}
	resp.Body.Close()
	if n := len(p.outbox.Messages()); n != 0 {
		t.Fatalf("after delete: got %d messages, want 0", n)
	}

	tests := []struct {
		name, remote, host, origin string
		wantStatus                 int
		wantOrigin                 string
	}{
		{name: "loopback", remote: "127.0.0.1:5000", host: "127.0.0.1:9229", wantStatus: 200},
		{name: "localhost with dev server origin", remote: "[::1]:5000", host: "localhost:9229", origin: "http://localhost:5173", wantStatus: 200, wantOrigin: "http://localhost:5173"},
		{name: "foreign origin gets no CORS", remote: "127.0.0.1:5000", host: "127.0.0.1:9229", origin: "https://evil.example", wantStatus: 200},
		{name: "remote peer", remote: "192.0.2.7:5000", host: "127.0.0.1:9229", wantStatus: 403},
		{name: "rebound host name", remote: "127.0.0.1:5000", host: "evil.example:9229", wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, OutboxPath, nil)
			r.RemoteAddr, r.Host = tt.remote, tt.host
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			w := httptest.NewRecorder()
			p.srv.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Fatalf("got Access-Control-Allow-Origin %q, want %q", got, tt.wantOrigin)
			}
		})
	}
}

func TestCORSPreflight(t *testing.T) {
	p := startPool(t, poolSetup{})
	req, _ := http.NewRequest(http.MethodOptions, p.url+"/", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent,amz-sdk-request,amz-sdk-invocation-id")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("preflight: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Fatalf("got %d, origin %q; want 204 and the loopback origin", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	allowed := resp.Header.Get("Access-Control-Allow-Headers")
	for _, h := range []string{"content-type", "x-amz-target", "x-amz-user-agent", "amz-sdk-request", "amz-sdk-invocation-id", "cache-control"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, h)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>index</h1>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte("console.log(1)"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{BaseURL: "http://127.0.0.1:1", InMemory: true, Invoker: invokerFunc(nil), WebDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tests := []struct {
		path, want string
		status     int
	}{
		{"/", "<h1>index</h1>", 200},
		{"/app.js", "console.log(1)", 200},
		{"/some/route", "<h1>index</h1>", 200},
		{"/../../etc/passwd", "invalid URL path\n", 400},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.URL.Path = tt.path
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != tt.status || w.Body.String() != tt.want {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.want)
			}
		})
	}
}

// invokerFunc adapts a function to Invoker.
type invokerFunc func(ctx context.Context, payload []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f(ctx, payload)
}

func TestTokensVerifyAgainstJWKS(t *testing.T) {
	p := startPool(t, poolSetup{})
	const phone = "+447700900180"
	res := p.signedIn(t, phone)
	resp, err := http.Get(p.url + "/" + DefaultPoolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatalf("get jwks: %v", err)
	}
	var set jose.JSONWebKeySet
	err = json.NewDecoder(resp.Body).Decode(&set)
	resp.Body.Close()
	if err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: got %d keys, %v; want 1", len(set.Keys), err)
	}
	tests := []struct {
		name, token string
		want        map[string]any
	}{
		{name: "id", token: aws.ToString(res.IdToken), want: map[string]any{"token_use": "id", "phone_number": phone, "phone_number_verified": true, "aud": DefaultClientID, "iss": p.srv.Issuer()}},
		{name: "access", token: aws.ToString(res.AccessToken), want: map[string]any{"token_use": "access", "client_id": DefaultClientID, "scope": "aws.cognito.signin.user.admin", "iss": p.srv.Issuer()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwt.ParseSigned(tt.token, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if kid := tok.Headers[0].KeyID; kid != set.Keys[0].KeyID {
				t.Fatalf("got kid %q, want %q", kid, set.Keys[0].KeyID)
			}
			var claims map[string]any
			if err := tok.Claims(set.Keys[0].Key, &claims); err != nil {
				t.Fatalf("verify: %v", err)
			}
			for k, v := range tt.want {
				if claims[k] != v {
					t.Errorf("claim %s: got %v, want %v", k, claims[k], v)
				}
			}
			for _, k := range []string{"sub", "exp", "iat", "auth_time", "jti", "origin_jti"} {
				if claims[k] == nil {
					t.Errorf("claim %s is missing", k)
				}
			}
		})
	}
	resp, err = http.Get(p.url + "/" + DefaultPoolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("openid configuration: %v", err)
	}
	var oc map[string]any
	err = json.NewDecoder(resp.Body).Decode(&oc)
	resp.Body.Close()
	if err != nil || oc["issuer"] != p.srv.Issuer() || oc["jwks_uri"] != p.srv.Issuer()+"/.well-known/jwks.json" {
		t.Fatalf("openid configuration: got %v, %v", oc, err)
	}
}

func TestConcurrentSignIns(t *testing.T) {
	const n = 50
	p := startPool(t, poolSetup{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			phone := fmt.Sprintf("+4477009%05d", i)
			if _, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String(phone)}); err != nil {
				errs <- fmt.Errorf("%s sign up: %w", phone, err)
				return
			}
			first, err := p.client.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID), AuthParameters: map[string]string{"USERNAME": phone}})
			if err != nil {
				errs <- fmt.Errorf("%s initiate: %w", phone, err)
				return
			}
			m, ok := p.outbox.Last(phone)
			if !ok {
				errs <- fmt.Errorf("%s: no SMS", phone)
				return
			}
			out, err := p.respond(first, first.Session, codePattern.FindString(m.Message), nil)
			if err != nil || out.AuthenticationResult == nil {
				errs <- fmt.Errorf("%s respond: got %v, want tokens", phone, err)
				return
			}
			if _, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
				errs <- fmt.Errorf("%s get user: %w", phone, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	users, err := p.srv.store.ListUsers()
	if err != nil || len(users) != n {
		t.Fatalf("got %d users, %v; want %d", len(users), err, n)
	}
	// The same phone signed up at once from many clients makes one user.
	var dup sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := 0; i < 10; i++ {
		dup.Add(1)
		go func() {
			defer dup.Done()
			if _, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String("+447700800000")}); err == nil {
				mu.Lock()
				created++
				mu.Unlock()
			}
		}()
	}
	dup.Wait()
	if created != 1 {
		t.Fatalf("got %d sign-ups of one phone number, want 1", created)
	}
}

func TestRestartKeepsUsersKeysAndTokens(t *testing.T) {
	dir := t.TempDir()
	const phone = "+447700900190"
	p := startPool(t, poolSetup{dataDir: dir})
	res := p.signedIn(t, phone)
	kid := p.srv.tokens.kid
	// Close the first pool before the second opens the same database.
	if err := p.srv.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	p.srv.store = mustReopenForCleanup(t)

	q := startPool(t, poolSetup{dataDir: dir})
	if q.srv.tokens.kid != kid {
		t.Fatalf("got key %q after restart, want the same key %q", q.srv.tokens.kid, kid)
	}
	ref, err := q.client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(DefaultClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)}})
	if err != nil {
		t.Fatalf("refresh after restart: %v", err)
	}
	// Tokens signed before the restart still verify (the issuer URL differs
	// with the port, so only the signature and user are checked here).
	first := q.initiate(t, phone)
	out, err := q.respond(first, first.Session, q.code(t, phone), nil)
	if err != nil || out.AuthenticationResult == nil || ref.AuthenticationResult == nil {
		t.Fatalf("sign in after restart: got %v, want tokens", err)
	}
	_, err = q.client.SignUp(context.Background(), &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String(phone)})
	wantAPIError(t, err, TypeUsernameExists, "already exists")
}

// mustReopenForCleanup gives a closed pool a throwaway store, so that its
// cleanup's Close has something to close.
func mustReopenForCleanup(t *testing.T) *Store {
	t.Helper()
	s, err := OpenStore("", true)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreInUse(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = OpenStore(dir, false)
	if err == nil || !strings.Contains(err.Error(), "another local pool holds it") {
		t.Fatalf("got %v, want an error saying another pool holds the database", err)
	}
}

func TestBadTriggerOutput(t *testing.T) {
	tests := []struct {
		name     string
		fn       invokerFunc
		wantType string
		wantMsg  string
	}{
		{name: "not JSON", fn: func(context.Context, []byte) ([]byte, error) { return []byte("oops"), nil }, wantType: TypeInvalidLambdaResponse, wantMsg: "Unrecognizable lambda output"},
		{name: "function error", fn: func(context.Context, []byte) ([]byte, error) { return nil, fmt.Errorf("nope") }, wantType: TypeUserLambdaValidation, wantMsg: "PreSignUp failed with error nope."},
		{name: "unreachable", fn: func(context.Context, []byte) ([]byte, error) {
			return nil, &InvokeError{Err: fmt.Errorf("connection refused")}
		}, wantType: TypeUnexpectedLambda, wantMsg: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPool(t, poolSetup{invoker: func(Invoker) Invoker { return tt.fn }})
			status, out := post(t, p.url, "AWSCognitoIdentityProviderService.SignUp", "application/x-amz-json-1.1", `{"ClientId":"`+DefaultClientID+`","Username":"+447700900123"}`)
			if status != http.StatusBadRequest || out["__type"] != tt.wantType || !strings.Contains(out["message"], tt.wantMsg) {
				t.Fatalf("got %d %s %q, want 400 %s containing %q", status, out["__type"], out["message"], tt.wantType, tt.wantMsg)
			}
		})
	}
}
