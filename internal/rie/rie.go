package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/phonepass/phonepass/internal/capture"
)

// tool is the emulator's package, a tool dependency in go.mod.
const tool = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// invocationPath is the emulator's invocation endpoint.
const invocationPath = "/2015-03-31/functions/function/invocations"

// startTimeout bounds the wait for a new emulator to listen.
const startTimeout = 30 * time.Second

var build = sync.OnceValues(func() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// -n builds the tool into the go command's cache and prints its path.
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", tool)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n %s: %w: %s", tool, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
})

// Path returns the path of the emulator, built once per process from the
// tool dependency by the go command (which must be on PATH, run inside this
// module).
func Path() (string, error) { return build() }

// Function is a bootstrap running under the emulator.
type Function struct {
	// URL is the emulator's invocation endpoint.
	URL string

	cmd    *exec.Cmd
	out    *capture.Output
	log    *capture.Output
	done   chan struct{}
	client *http.Client
}

// Start starts the emulator at rie serving bootstrap, with exactly env as
// the environment of both (the emulator hands its environment to the
// runtime; AWS_LAMBDA_FUNCTION_TIMEOUT is the deadline in seconds, 300 when
// unset), and waits until it listens. The emulator starts the runtime at
// the first invocation, as Lambda does on demand. Close stops it.
func Start(rie, bootstrap string, env []string) (*Function, error) {
	api, err := freeAddr()
	if err != nil {
		return nil, err
	}
	emu, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(rie, "--log-level", "error", "--runtime-api-address", api, "--runtime-interface-emulator-address", emu, bootstrap)
	cmd.Env = env
	f := &Function{
		URL: "http://" + emu + invocationPath, cmd: cmd,
		out: &capture.Output{}, log: &capture.Output{}, done: make(chan struct{}),
		client: &http.Client{Transport: &http.Transport{}},
	}
	cmd.Stdout, cmd.Stderr = f.out, f.log
	// Its own process group, so that Close stops the runtime with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	go func() {
		_ = cmd.Wait()
		close(f.done)
	}()
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", emu, time.Second)
		if err == nil {
			c.Close()
			return f, nil
		}
		select {
		case <-f.done:
			return nil, fmt.Errorf("emulator exited before listening: %s", f.log.Tail(512))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("emulator did not listen on %s within %s: %s", emu, startTimeout, f.log.Tail(512))
		}
	}
}

// FunctionError is the error a function returned, as the emulator answers it.
type FunctionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// Error returns "<type>: <message>".
func (e *FunctionError) Error() string { return e.ErrorType + ": " + e.ErrorMessage }

// Invoke sends payload to the function and waits for its answer: the
// response, or the function's error. An error says the invocation did not
// complete: the runtime failed to start or exited (the emulator answers
// 502), or it ran past its deadline.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, *FunctionError, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("emulator answered %d %q; its log ends: %s", resp.StatusCode, body, f.log.Tail(512))
	}
	if fe := functionError(body); fe != nil {
		return nil, fe, nil
	}
	return body, nil, nil
}

// functionError returns the error in body when body is one: a JSON object
// with errorMessage and errorType and nothing else but a stack trace, the
// form in which the emulator (and the SAM CLI) hand back a function's error.
func functionError(body []byte) *FunctionError {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	delete(m, "stackTrace")
	if len(m) != 2 || m["errorMessage"] == nil || m["errorType"] == nil {
		return nil
	}
	var fe FunctionError
	if json.Unmarshal(body, &fe) != nil {
		return nil
	}
	return &fe
}

// Output is what the runtime wrote to standard output and standard error,
// merged, with the emulator's START, END and REPORT lines.
func (f *Function) Output() *capture.Output { return f.out }

// Log is the emulator's own log.
func (f *Function) Log() *capture.Output { return f.log }

// Close stops the emulator and its runtime: SIGTERM, which the emulator
// passes on, then SIGKILL to the whole process group after 2 seconds.
func (f *Function) Close() {
	select {
	case <-f.done:
		return
	default:
	}
	_ = f.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-f.done:
	case <-time.After(2 * time.Second):
	}
	_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	<-f.done
}

// Exited reports whether the emulator has exited.
func (f *Function) Exited() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen: %w", err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
