package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/phonepass/phonepass/internal/capture"
	"github.com/phonepass/phonepass/internal/localpool"
	"github.com/phonepass/phonepass/internal/testenv"
)

// startRun runs the command in-process with args and env until the test
// ends, waits until it answers, and returns its base URL and output.
func startRun(t *testing.T, env map[string]string, args ...string) (string, *capture.Output) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	args = append([]string{"--in-memory", "--addr", addr, "--web", t.TempDir()}, args...)
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ctx, cancel := context.WithCancel(context.Background())
	out := &capture.Output{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, lookup, out, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("run did not stop within 10s")
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, out.String())
		default:
		}
		resp, err := http.Get(url + localpool.OutboxPath)
		if err == nil {
			resp.Body.Close()
			return url, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pool did not answer on %s within 15s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBanner(t *testing.T) {
	url, out := startRun(t, nil)
	for _, want := range []string{
		"listening on " + url,
		`"userPoolId": "` + localpool.DefaultPoolID + `"`,
		`"userPoolClientId": "` + localpool.DefaultClientID + `"`,
		`"userPoolEndpoint": "` + url + `"`,
		url + localpool.OutboxPath,
		url + "/" + localpool.DefaultPoolID + "/.well-known/jwks.json",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadSettings(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{name: "unknown flag", args: []string{"--nope"}, want: "flag provided but not defined"},
		{name: "extra argument", args: []string{"serve"}, want: `unexpected argument "serve"`},
		{name: "bad pool id", args: []string{"--pool-id", "phonepass"}, want: "pool id"},
		{name: "bad client id", args: []string{"--client-id", "a b"}, want: "client id"},
		{name: "session too short", args: []string{"--session-validity", "1m"}, want: "session validity 1m0s is not in 3m0s..15m0s"},
		{name: "bad session env", env: map[string]string{envSession: "soon"}, want: envSession},
		{name: "bad in-memory env", env: map[string]string{envInMemory: "maybe"}, want: envInMemory},
		{name: "bad trigger setting", env: map[string]string{"PHONEPASS_CODE_LENGTH": "3"}, want: "PHONEPASS_CODE_LENGTH"},
		{name: "missing web dir", args: []string{"--web", "/does/not/exist"}, want: "is not a directory"},
		{name: "address in use", args: []string{"--addr", busy.Addr().String()}, want: "listen"},
		{name: "every interface", args: []string{"--addr", "0.0.0.0:0"}, want: "is not a loopback address"},
		{name: "remote from env", env: map[string]string{envAddr: "[::]:0"}, want: "--allow-remote"},
		{name: "bad allow-remote env", env: map[string]string{envAllowRemote: "perhaps"}, want: envAllowRemote},
		{name: "unreachable public url", args: []string{"--public-url", "http://0.0.0.0:9229"}, want: "names no address a client can reach"},
		{name: "bad admin credentials", args: []string{"--admin-credentials", "justakey"}, want: "ACCESS_KEY_ID:SECRET"},
		{name: "bad custom attribute", args: []string{"--custom-attribute", "much-too-long-for-cognito-names"}, want: "custom attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, append([]string{"--in-memory"}, tt.args...), lookup, &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestNodeClients runs tests/clients (aws-amplify v6,
// amazon-cognito-identity-js and aws-jwt-verify, with node --test) against
// the command started in-process.
func TestNodeClients(t *testing.T) {
	node := testenv.LookPath(t, "node", "install Node.js 20 or newer")
	dir, err := filepath.Abs(filepath.Join("..", "..", "tests", "clients"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws-amplify")); err != nil {
		testenv.Missing(t, "the npm packages of tests/clients", "run `make setup` (npm ci in tests/clients)")
	}
	url, out := startRun(t, map[string]string{"PHONEPASS_RESEND_INTERVAL": "0s"})

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"LOCALPOOL_URL="+url,
		"LOCALPOOL_POOL_ID="+localpool.DefaultPoolID,
		"LOCALPOOL_CLIENT_ID="+localpool.DefaultClientID,
	)
	res, err := cmd.CombinedOutput()
	t.Logf("node --test:\n%s", res)
	if err != nil {
		t.Fatalf("node --test failed: %v\npool output:\n%s", err, out.String())
	}
	m := regexp.MustCompile(`pass (\d+)`).FindStringSubmatch(string(res))
	if m == nil || m[1] == "0" {
		t.Fatalf("node --test ran no test")
	}
}

// TestSendLimit signs one number in six times within the window through the
// wired pool: the sixth is refused with the documented message and no SMS.
func TestSendLimit(t *testing.T) {
	url, _ := startRun(t, nil)
	ctx := context.Background()
	client := cip.New(cip.Options{BaseEndpoint: aws.String(url), Region: "us-east-1", RetryMaxAttempts: 1})
	const phone = "+447700900555"
	if _, err := client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(localpool.DefaultClientID), Username: aws.String(phone), Password: aws.String("Throw-away-1!"),
	}); err != nil {
		t.Fatalf("sign up: %v", err)
	}
	start := func() error {
		_, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(localpool.DefaultClientID), AuthFlow: types.AuthFlowTypeCustomAuth,
			AuthParameters: map[string]string{"USERNAME": phone},
		})
		return err
	}
	for i := 1; i <= 5; i++ {
		if err := start(); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	err := start()
	var lve *types.UserLambdaValidationException
	want := regexp.MustCompile(`^CreateAuthChallenge failed with error \[rate_limited\] too many codes requested for this phone number; try again in \d+ (minutes|seconds)\.$`)
	if !errors.As(err, &lve) || !want.MatchString(aws.ToString(lve.Message)) {
		t.Fatalf("sixth sign-in: got %v, want UserLambdaValidationException matching %s", err, want)
	}
	resp, err := http.Get(url + localpool.OutboxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var box struct{ Messages []localpool.Message }
	if err := json.NewDecoder(resp.Body).Decode(&box); err != nil {
		t.Fatal(err)
	}
	if len(box.Messages) != 5 {
		t.Errorf("got %d SMS in the outbox, want 5", len(box.Messages))
	}
}

// TestLocalConfig checks that the pool serves the configuration its banner
// prints, so that the page it serves finds a pool started with other ids.
func TestLocalConfig(t *testing.T) {
	url, _ := startRun(t, nil, "--pool-id", "eu-west-2_Local42", "--client-id", "localclient42")
	resp, err := http.Get(url + localpool.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got localpool.AmplifyConfig
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	c := got.Auth.Cognito
	if c.UserPoolID != "eu-west-2_Local42" || c.UserPoolClientID != "localclient42" || c.UserPoolEndpoint != url {
		t.Errorf("got %+v, want pool eu-west-2_Local42, client localclient42, endpoint %s", c, url)
	}
}

// TestDocsShowRealOutput runs the command as docs/localpool.md says (its
// defaults, but a free port and a fresh data dir), signs one number up and
// in, and compares what it prints with the documented sample: addresses,
// the data dir, the code and the time aside, they must be the same.
func TestDocsShowRealOutput(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "localpool.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- The block below is what `go run ./cmd/localpool` prints.*?-->\n```\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/localpool.md has no sample block")
	}
	want := string(m[1])

	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &capture.Output{}, &capture.Output{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--data-dir", dir}, func(string) (string, bool) { return "", false }, stdout, stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	url := "http://" + addr
	client := cip.New(cip.Options{BaseEndpoint: aws.String(url), Region: "us-east-1", RetryMaxAttempts: 1})
	const phone = "+447700900123"
	var signUpErr error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, signUpErr = client.SignUp(context.Background(), &cip.SignUpInput{ClientId: aws.String(localpool.DefaultClientID), Username: aws.String(phone)})
		if signUpErr == nil {
			break
		}
	}
	if signUpErr != nil {
		t.Fatalf("sign up: %v", signUpErr)
	}
	if _, err := client.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(localpool.DefaultClientID),
		AuthParameters: map[string]string{"USERNAME": phone},
	}); err != nil {
		t.Fatalf("initiate: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), "└──") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := strings.NewReplacer(url, "http://127.0.0.1:9229", "data dir "+dir, "data dir .localpool").Replace(stdout.String())
	got = regexp.MustCompile(`at \d\d:\d\d:\d\d \(`).ReplaceAllString(got, "at 14:02:11 (")
	got = regexp.MustCompile(`code is \d{6}\.`).ReplaceAllString(got, "code is 397370.")
	// The box ends with a blank line, which the block leaves out.
	if got = strings.TrimRight(got, "\n") + "\n"; got != want {
		t.Errorf("docs/localpool.md's sample differs from the real output:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestAllowRemoteWarns: --allow-remote says on standard error that other
// machines can reach the pool (the test listens on loopback all the same).
func TestAllowRemoteWarns(t *testing.T) {
	_, out := startRun(t, nil, "--allow-remote")
	if !strings.Contains(out.String(), "WARNING: --allow-remote") {
		t.Fatalf("output lacks the warning:\n%s", out.String())
	}
}

// TestCustomAttributesAndAdminCredentials starts the command with custom
// attributes (a flag wins over the environment) and an admin key pair, and
// calls it as a backend does, with aws-sdk-go-v2 and static credentials.
func TestCustomAttributesAndAdminCredentials(t *testing.T) {
	url, out := startRun(t, map[string]string{envCustomAttrs: "fromenv", envAdminCreds: "AKIDLOCAL:local-secret"}, "--custom-attribute", "tenant", "--custom-attribute", "custom:plan")
	if !strings.Contains(out.String(), "custom attributes: custom:plan, custom:tenant") || !strings.Contains(out.String(), "access key AKIDLOCAL") {
		t.Fatalf("banner lacks the custom attributes or the admin key:\n%s", out.String())
	}
	ctx := context.Background()
	admin := cip.New(cip.Options{BaseEndpoint: aws.String(url), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "local-secret", "")})
	pool, err := admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(localpool.DefaultPoolID)})
	if err != nil {
		t.Fatalf("describe user pool: %v", err)
	}
	var custom []string
	for _, a := range pool.UserPool.SchemaAttributes {
		if n := aws.ToString(a.Name); strings.HasPrefix(n, "custom:") {
			custom = append(custom, n)
		}
	}
	if strings.Join(custom, ",") != "custom:plan,custom:tenant" {
		t.Fatalf("got custom attributes %v, want custom:plan and custom:tenant", custom)
	}
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(localpool.DefaultPoolID), Username: aws.String("+447700900600"),
		UserAttributes: []types.AttributeType{{Name: aws.String("custom:tenant"), Value: aws.String("t1")}}}); err != nil {
		t.Fatalf("admin create user: %v", err)
	}
	other := cip.New(cip.Options{BaseEndpoint: aws.String(url), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "another-secret", "")})
	_, err = other.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(localpool.DefaultPoolID), Username: aws.String("+447700900600")})
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &ae) || ae.ErrorCode() != localpool.TypeInvalidSignature {
		t.Fatalf("signed with another secret: got %v, want %s", err, localpool.TypeInvalidSignature)
	}
}
