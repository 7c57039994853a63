package deploy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/phonepass/phonepass/internal/capture"
	"github.com/phonepass/phonepass/internal/localpool"
	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/internal/testenv"
)

// TestSAMLocalInvoke runs `sam local invoke` with every file in events/ on
// what `sam build` built, as a user runs it, with no overrides: a dry run
// (the SMS printed on standard error), limits counted in memory, and the
// development key because sam local blanks the template's Secrets Manager
// reference. The function runs in a real arm64 container made from the
// base image SAM looks for (on machines without a registry, the stand-in
// that `make setup` builds); --skip-pull-image, and nothing may be pulled.
// Each answer must be the one in events/README.md (sampleevents.Answers),
// and no JSON log line may hold a code or a full number.
func TestSAMLocalInvoke(t *testing.T) {
	base := testenv.Docker(t)
	dir, _ := builtProject(t)
	sam := newSAM(t)

	files, err := filepath.Glob(filepath.Join("..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in events/ (%v)", err)
	}
	sort.Strings(files)
	fresh, err := sampleevents.Fresh(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	// Two at a time (go test's -parallel is the number of processors): each
	// in its own container, as concurrent invocations are in Lambda. The
	// group ends before the image is checked.
	t.Run("events", func(t *testing.T) {
		for _, file := range files {
			name := filepath.Base(file)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				invokeEvent(t, sam, dir, scratch, file, fresh[name])
			})
		}
	})
	if got := testenv.ImageID(t, testenv.LambdaBaseImage); got != base {
		t.Errorf("%s changed from %s to %s: something pulled or rebuilt it", testenv.LambdaBaseImage, base, got)
	}
}

// invokeEvent runs `sam local invoke` with the event file (or, for a
// time-dependent one, fresh, its copy made now) and checks what it did.
func invokeEvent(t *testing.T, sam *samCLI, dir, scratch, file string, fresh []byte) {
	t.Helper()
	name := filepath.Base(file)
	want, ok := sampleevents.Answers[name]
	if !ok {
		t.Fatalf("no expected answer for events/%s in sampleevents.Answers", name)
	}
	path, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	if fresh != nil { // made just now: its code is still valid
		path = filepath.Join(scratch, name)
		if err := os.WriteFile(path, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	payload, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	run := sam.run(dir, 3*time.Minute, "local", "invoke", functionID, "--event", path, "--skip-pull-image")
	if run.err != nil {
		t.Fatalf("sam local invoke: %v\nstdout: %s\nstderr: %s", run.err, run.stdout, run.stderr)
	}
	checkNoPull(t, run.stderr)
	resp := []byte(strings.TrimSpace(run.stdout))
	var fe struct{ ErrorMessage, ErrorType string }
	if err := json.Unmarshal(resp, &fe); err == nil && fe.ErrorType != "" {
		resp = nil
	}
	var codes []string
	for _, sms := range sampleevents.SentSMS(run.stderr) {
		if sms.Phone != sampleevents.Phone {
			t.Errorf("SMS went to %s, want %s", sms.Phone, sampleevents.Phone)
		}
		codes = append(codes, sms.Code)
	}
	if sampleevents.DryRunSMS.MatchString(run.stdout) {
		t.Errorf("the dry-run SMS is on standard output, want it on standard error only: %s", run.stdout)
	}
	for _, p := range want.Problems(payload, resp, fe.ErrorMessage, fe.ErrorType, codes) {
		t.Error(p)
	}
	logs := sampleevents.JSONLines(run.stderr)
	for _, p := range sampleevents.LeakProblems(logs, codes) {
		t.Error(p)
	}
	if !strings.Contains(strings.Join(logs, "\n"), `"outcome":"`+want.Outcome+`"`) {
		t.Errorf("no log line with outcome %q in:\n%s", want.Outcome, run.stderr)
	}
}

// pullLine matches what the SAM CLI and Docker print when they fetch an image.
var pullLine = regexp.MustCompile(`(?i)(pulling|fetching|downloading).*(image|layer|public\.ecr\.aws)`)

// checkNoPull fails t when the SAM CLI's output says it pulled an image.
func checkNoPull(t *testing.T, output string) {
	t.Helper()
	const skipped = "Requested to skip pulling images"
	if m := pullLine.FindString(strings.ReplaceAll(output, skipped, "")); m != "" {
		t.Errorf("the SAM CLI pulled an image (%q); nothing may be pulled:\n%s", m, output)
	}
	if !strings.Contains(output, skipped) {
		t.Errorf("the SAM CLI did not say it skipped pulling images:\n%s", output)
	}
}

// TestSAMLocalStartLambda runs `sam local start-lambda` on what `sam build`
// built, with warm containers as docs/localpool.md says: aws-sdk-go-v2's
// Lambda client invokes the function in its arm64 container, and then the
// whole stack runs as deployed: the real aws-amplify v6 signs in against
// the local pool (cmd/localpool, built as a user builds it) whose triggers
// are the function, called through Lambda's Invoke API (--lambda-endpoint).
func TestSAMLocalStartLambda(t *testing.T) {
	base := testenv.Docker(t)
	dir, _ := builtProject(t)
	sam := newSAM(t)
	port := freePort(t)
	out := &capture.Output{}
	sam.start(t, dir, out, "local", "start-lambda", "--host", "127.0.0.1", "--port", port,
		"--skip-pull-image", "--warm-containers", "EAGER")
	endpoint := "http://127.0.0.1:" + port
	if s, ok := out.Await(3*time.Minute, func(s string) bool { return strings.Contains(s, "Running on "+endpoint) }); !ok {
		t.Fatalf("sam local start-lambda did not start within 3 minutes:\n%s", s)
	}
	client := lambda.New(lambda.Options{
		BaseEndpoint: aws.String(endpoint), Region: "eu-west-2", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	invoke := func(t *testing.T, file string) (*lambda.InvokeOutput, []byte) {
		t.Helper()
		payload, err := os.ReadFile(filepath.Join("..", "events", file))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(functionID), Payload: payload})
		if err != nil {
			t.Fatalf("invoke %s: %v\n%s", file, err, out.Tail(2000))
		}
		return res, payload
	}

	t.Run("the Lambda client invokes the function", func(t *testing.T) {
		for _, file := range []string{"define-start.json", "presignup-signup.json", "create-first.json", "define-unknown-user.json", "unsupported-trigger.json"} {
			t.Run(file, func(t *testing.T) {
				want := sampleevents.Answers[file]
				before := out.Len()
				res, payload := invoke(t, file)
				var resp []byte
				var fe struct{ ErrorMessage, ErrorType string }
				if res.FunctionError != nil {
					if err := json.Unmarshal(res.Payload, &fe); err != nil {
						t.Fatalf("function error %q with payload %s", *res.FunctionError, res.Payload)
					}
				} else {
					resp = res.Payload
				}
				printed, _ := out.Await(5*time.Second, func(s string) bool {
					return len(sampleevents.SentSMS(s[before:])) >= want.SMS
				})
				var codes []string
				for _, sms := range sampleevents.SentSMS(printed[before:]) {
					codes = append(codes, sms.Code)
				}
				for _, p := range want.Problems(payload, resp, fe.ErrorMessage, fe.ErrorType, codes) {
					t.Error(p)
				}
				if (want.Err != "") != (res.FunctionError != nil) {
					t.Errorf("X-Amz-Function-Error: got %v, want it set only for an error", aws.ToString(res.FunctionError))
				}
			})
		}
	})

	t.Run("amplify signs in through the local pool and the function", func(t *testing.T) {
		node := testenv.LookPath(t, "node", "install Node.js 20 or newer")
		clients, err := filepath.Abs(filepath.Join("..", "tests", "clients"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(clients, "node_modules", "aws-amplify")); err != nil {
			testenv.Missing(t, "the npm packages of tests/clients", "run `make setup` (npm ci in tests/clients)")
		}
		poolURL := startLocalPool(t, "--lambda-endpoint", endpoint)
		outbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			type message struct {
				Phone   string `json:"phone"`
				Message string `json:"message"`
			}
			msgs := []message{}
			for _, m := range printedSMS.FindAllStringSubmatch(out.String(), -1) {
				msgs = append(msgs, message{Phone: m[1], Message: m[2]})
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"messages": msgs})
		}))
		defer outbox.Close()

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "through-lambda.mjs")
		cmd.Dir = clients
		cmd.Env = append(os.Environ(),
			"LOCALPOOL_URL="+poolURL, "LOCALPOOL_POOL_ID="+localpool.DefaultPoolID, "LOCALPOOL_CLIENT_ID="+localpool.DefaultClientID,
			"PHONEPASS_OUTBOX_URL="+outbox.URL)
		res, err := cmd.CombinedOutput()
		t.Logf("node --test through-lambda.mjs:\n%s", res)
		if err != nil {
			t.Fatalf("node --test failed: %v\nsam local start-lambda:\n%s", err, out.Tail(4000))
		}
		if m := regexp.MustCompile(`pass (\d+)`).FindStringSubmatch(string(res)); m == nil || m[1] != "2" {
			t.Errorf("node --test: got %v passed, want 2", m)
		}
		for _, p := range sampleevents.LeakProblems(sampleevents.JSONLines(out.String()), codesIn(out.String())) {
			t.Error(p)
		}
	})
	checkNoPull(t, out.String())
	if got := testenv.ImageID(t, testenv.LambdaBaseImage); got != base {
		t.Errorf("%s changed from %s to %s: something pulled or rebuilt it", testenv.LambdaBaseImage, base, got)
	}
}

// printedSMS matches any dry-run SMS: its number and its text.
var printedSMS = regexp.MustCompile(`(?m)phonepass dry run: SMS to (\+[0-9]+): (.*)$`)

// codesIn returns the codes of the dry-run SMS in output, in any language:
// the first number of four to ten digits in each text.
func codesIn(output string) []string {
	var codes []string
	for _, m := range printedSMS.FindAllStringSubmatch(output, -1) {
		if c := regexp.MustCompile(`\b[0-9]{4,10}\b`).FindString(m[2]); c != "" {
			codes = append(codes, c)
		}
	}
	return codes
}

// startLocalPool builds cmd/localpool as a user builds it and runs it in
// memory on a free port with args until t ends; it returns its URL.
func startLocalPool(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "localpool")
	build := exec.Command("go", "build", "-o", bin, "./cmd/localpool")
	build.Dir = ".."
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/localpool: %v\n%s", err, b)
	}
	addr := "127.0.0.1:" + freePort(t)
	out := &capture.Output{}
	cmd := exec.Command(bin, append([]string{"--in-memory", "--addr", addr, "--web", t.TempDir()}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("local pool output:\n%s", out.String())
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + localpool.OutboxPath)
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("the local pool did not answer on %s within 30s: %v\n%s", url, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
