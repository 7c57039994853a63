package rie

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFunctionError: only the emulator's error form is a function's error.
func TestFunctionError(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       bool
	}{
		{"error", `{"errorMessage":"boom","errorType":"UserError"}`, true},
		{"error with a stack trace", `{"errorMessage":"boom","errorType":"UserError","stackTrace":[]}`, true},
		{"answer", `{"version":"1","triggerSource":"DefineAuthChallenge_Authentication"}`, false},
		{"answer with an errorMessage field", `{"errorMessage":"x","errorType":"y","phone":"+44"}`, false},
		{"not JSON", `hello`, false},
		{"a string", `"errorMessage"`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := functionError([]byte(tt.body)) != nil; got != tt.want {
				t.Errorf("functionError(%s): got %v, want %v", tt.body, got, tt.want)
			}
		})
	}
}

// TestEmulatorRunsAFunction builds the emulator from the tool dependency
// and runs a shell-free Go function under it: answers, errors and a runtime
// that fails at start.
func TestEmulatorRunsAFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the emulator")
	}
	rie, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(echoFunction), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-o", bin, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "AWS_LAMBDA_FUNCTION_TIMEOUT=4"}

	f, err := Start(rie, bin, env)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, fe, err := f.Invoke(ctx, []byte(`{"say":"hello"}`))
	if err != nil || fe != nil || string(resp) != `{"said":"hello"}` {
		t.Errorf("answer: got %s / %v / %v, want {\"said\":\"hello\"}", resp, fe, err)
	}
	_, fe, err = f.Invoke(ctx, []byte(`{"say":""}`))
	if err != nil || fe == nil || fe.ErrorMessage != "nothing to say" {
		t.Errorf("error: got %v / %v, want the function's error \"nothing to say\"", fe, err)
	}
	if out, ok := f.Output().Await(3*time.Second, func(s string) bool { return strings.Contains(s, "echo: hello") }); !ok {
		t.Errorf("output: got %q, want the function's stderr line", out)
	}
	f.Close()
	if !f.Exited() {
		t.Errorf("after Close: the emulator runs on")
	}

	broken, err := Start(rie, bin, append(env, "ECHO_FAIL=1"))
	if err != nil {
		t.Fatal(err)
	}
	defer broken.Close()
	if _, _, err := broken.Invoke(ctx, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("a runtime that exits at start: got %v, want the emulator's 502", err)
	}
}

// echoFunction is a minimal Lambda runtime on the Runtime API, without
// aws-lambda-go: it answers {"said": say}, or fails when say is empty, and
// exits at once when ECHO_FAIL is set.
const echoFunction = `package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	if os.Getenv("ECHO_FAIL") != "" {
		fmt.Fprintln(os.Stderr, "echo: failing at start")
		os.Exit(1)
	}
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(2)
		}
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		var in struct{ Say string }
		json.NewDecoder(resp.Body).Decode(&in)
		resp.Body.Close()
		fmt.Fprintln(os.Stderr, "echo:", in.Say)
		if in.Say == "" {
			b, _ := json.Marshal(map[string]string{"errorMessage": "nothing to say", "errorType": "EchoError"})
			http.Post(api+id+"/error", "application/json", bytes.NewReader(b))
			continue
		}
		b, _ := json.Marshal(map[string]string{"said": in.Say})
		http.Post(api+id+"/response", "application/json", bytes.NewReader(b))
	}
}
`
