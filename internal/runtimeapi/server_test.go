package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// envChild makes the test binary act as a Lambda function instead of
// running the tests: "echo" runs a real aws-lambda-go runtime loop,
// "init-error" reports an init error, "exit" exits at once.
const envChild = "RUNTIMEAPI_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(envChild) {
	case "":
		os.Exit(m.Run())
	case "echo":
		lambda.Start(echo)
	case "init-error":
		url := "http://" + os.Getenv(EnvRuntimeAPI) + "/" + APIVersion + "/runtime/init/error"
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"errorMessage":"bad setting X","errorType":"ConfigError"}`))
		if err == nil {
			resp.Body.Close()
		}
		os.Exit(1)
	case "exit":
		fmt.Fprintln(os.Stderr, "cold start failed: SETTING_Y is bad")
		os.Exit(3)
	}
}

// echoIn is what the echo function reads; echoOut what it answers.
type echoIn struct {
	Echo  string `json:"echo"`
	Fail  string `json:"fail"`
	Panic string `json:"panic"`
	Sleep int    `json:"sleepMs"`
}

type echoOut struct {
	Echo       string `json:"echo"`
	RequestID  string `json:"requestId"`
	ARN        string `json:"arn"`
	DeadlineIn int64  `json:"deadlineInMs"`
}

func echo(ctx context.Context, in echoIn) (echoOut, error) {
	if in.Sleep > 0 {
		time.Sleep(time.Duration(min(in.Sleep, 5000)) * time.Millisecond)
	}
	if in.Panic != "" {
		panic(in.Panic)
	}
	if in.Fail != "" {
		return echoOut{}, errors.New(in.Fail)
	}
	lc, _ := lambdacontext.FromContext(ctx)
	dl, _ := ctx.Deadline()
	fmt.Println("handled", lc.AwsRequestID)
	return echoOut{Echo: in.Echo, RequestID: lc.AwsRequestID, ARN: lc.InvokedFunctionArn, DeadlineIn: time.Until(dl).Milliseconds()}, nil
}

// start returns a Server with the test binary running as its runtime in mode.
func start(t *testing.T, mode string, opts ...Option) (*Server, *Process) {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("executable: %v", err)
	}
	p, err := s.Start(context.Background(), exe, []string{envChild + "=" + mode})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(p.Stop)
	return s, p
}

func invokeEcho(t *testing.T, s *Server, in echoIn) (echoOut, *ErrorResponse, error) {
	t.Helper()
	payload, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, lerr, err := s.Invoke(ctx, payload)
	var out echoOut
	if err == nil && lerr == nil {
		if jerr := json.Unmarshal(resp, &out); jerr != nil {
			t.Fatalf("response %q is not JSON: %v", resp, jerr)
		}
	}
	return out, lerr, err
}

func TestInvokeThroughAWSLambdaGo(t *testing.T) {
	const arn = "arn:aws:lambda:eu-west-2:111122223333:function:test"
	s, p := start(t, "echo", WithFunctionARN(arn), WithTimeout(4*time.Second))
	seen := map[string]bool{}
	for i := range 3 {
		msg := fmt.Sprintf("hello %d", i)
		out, lerr, err := invokeEcho(t, s, echoIn{Echo: msg})
		if err != nil || lerr != nil {
			t.Fatalf("invoke %d: got error %v / %v, want a response", i, err, lerr)
		}
		if out.Echo != msg {
			t.Errorf("echo: got %q, want %q", out.Echo, msg)
		}
		if out.RequestID == "" || seen[out.RequestID] {
			t.Errorf("request id: got %q, want a new, non-empty one", out.RequestID)
		}
		seen[out.RequestID] = true
		if out.ARN != arn {
			t.Errorf("function ARN: got %q, want %q", out.ARN, arn)
		}
		if out.DeadlineIn <= 0 || out.DeadlineIn > 4000 {
			t.Errorf("deadline: got %d ms away, want within the 4000 ms time-out", out.DeadlineIn)
		}
	}
	stdout, ok := p.Stdout().Await(5*time.Second, func(s string) bool { return strings.Count(s, "handled ") >= 3 })
	if got := strings.Count(stdout, "handled "); !ok || got != 3 {
		t.Errorf("captured stdout has %d handled lines, want 3:\n%s", got, stdout)
	}
}

func TestInvocationErrorKeepsRuntime(t *testing.T) {
	s, p := start(t, "echo")
	_, lerr, err := invokeEcho(t, s, echoIn{Fail: "no such user"})
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if lerr == nil || lerr.ErrorMessage != "no such user" || lerr.ErrorType != "errorString" {
		t.Fatalf("lambda error: got %+v, want errorString %q", lerr, "no such user")
	}
	out, lerr, err := invokeEcho(t, s, echoIn{Echo: "still here"})
	if err != nil || lerr != nil || out.Echo != "still here" {
		t.Fatalf("invoke after an error: got %+v, %v, %v, want the echo", out, lerr, err)
	}
	if p.Exited() {
		t.Errorf("runtime exited after a handler error, want it running")
	}
}

func TestPanicEndsRuntime(t *testing.T) {
	s, p := start(t, "echo")
	_, lerr, err := invokeEcho(t, s, echoIn{Panic: "boom"})
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if lerr == nil || lerr.ErrorMessage != "boom" || len(lerr.StackTrace) == 0 {
		t.Fatalf("lambda error: got %+v, want %q with a stack trace", lerr, "boom")
	}
	if err := p.Wait(10 * time.Second); err == nil {
		t.Fatalf("runtime exit: got status 0, want a failure after a panic")
	}
	_, _, err = invokeEcho(t, s, echoIn{Echo: "x"})
	if err == nil || !strings.Contains(err.Error(), "runtime process exited") {
		t.Errorf("invoke after exit: got %v, want a runtime-exited error", err)
	}
}

func TestInitError(t *testing.T) {
	s, p := start(t, "init-error")
	_, _, err := invokeEcho(t, s, echoIn{Echo: "x"})
	var ie *ErrorResponse
	if !errors.As(err, &ie) || ie.ErrorMessage != "bad setting X" || ie.ErrorType != "ConfigError" {
		t.Fatalf("invoke: got %v, want the init error", err)
	}
	if got := s.InitError(); got == nil || got.ErrorMessage != "bad setting X" {
		t.Errorf("InitError: got %+v, want bad setting X", got)
	}
	if err := p.Wait(10 * time.Second); p.ExitCode() != 1 {
		t.Errorf("exit code: got %d (%v), want 1", p.ExitCode(), err)
	}
}

func TestEarlyExitNamesStderr(t *testing.T) {
	s, p := start(t, "exit")
	_ = p.Wait(10 * time.Second)
	if got := p.ExitCode(); got != 3 {
		t.Fatalf("exit code: got %d, want 3", got)
	}
	_, _, err := invokeEcho(t, s, echoIn{Echo: "x"})
	if err == nil || !strings.Contains(err.Error(), "SETTING_Y is bad") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("invoke: got %v, want an error with the exit status and stderr", err)
	}
}

func TestTimeout(t *testing.T) {
	s, _ := start(t, "echo", WithTimeout(300*time.Millisecond))
	_, _, err := invokeEcho(t, s, echoIn{Sleep: 1500})
	if err == nil || !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("invoke: got %v, want a time-out", err)
	}
}

func TestConcurrentInvokesTakeTurns(t *testing.T) {
	s, _ := start(t, "echo")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := fmt.Sprint("n", i)
			out, lerr, err := invokeEcho(t, s, echoIn{Echo: msg})
			if err != nil || lerr != nil || out.Echo != msg {
				errs <- fmt.Errorf("invoke %s: got %+v, %v, %v", msg, out, lerr, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestInvokeWithoutRuntime(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err = s.Invoke(ctx, []byte(`{}`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("invoke: got %v, want context.DeadlineExceeded", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, _, err = s.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("invoke after Close: got %v, want ErrClosed", err)
	}
}

func TestBadRequests(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	base := "http://" + s.Addr() + "/" + APIVersion + "/runtime"
	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
		want   int
	}{
		{"response for an unknown id", http.MethodPost, "/invocation/nope/response", []byte(`{}`), http.StatusBadRequest},
		{"error for an unknown id", http.MethodPost, "/invocation/nope/error", []byte(`{}`), http.StatusBadRequest},
		{"get a response path", http.MethodGet, "/invocation/nope/response", nil, http.StatusMethodNotAllowed},
		{"unknown path", http.MethodGet, "/invocation", nil, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, bytes.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	big := make([]byte, MaxPayload+1)
	if _, _, err := s.Invoke(context.Background(), big); err == nil {
		t.Errorf("invoke with %d bytes: got no error, want one", len(big))
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		header   string
		wantMsg  string
		wantType string
	}{
		{"lambda shape", `{"errorMessage":"m","errorType":"T"}`, "", "m", "T"},
		{"type from header", `{"errorMessage":"m"}`, "H", "m", "H"},
		{"plain text", `oops`, "", "oops", "Runtime.Unknown"},
		{"other JSON", `{"x":1}`, "", `{"x":1}`, "Runtime.Unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, "/", nil)
			if tc.header != "" {
				r.Header.Set(HeaderErrorType, tc.header)
			}
			got := parseError(r, []byte(tc.body))
			if got.ErrorMessage != tc.wantMsg || got.ErrorType != tc.wantType {
				t.Errorf("got %q/%q, want %q/%q", got.ErrorMessage, got.ErrorType, tc.wantMsg, tc.wantType)
			}
		})
	}
}
