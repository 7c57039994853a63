package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/rie"
	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/metrics"
	"github.com/phonepass/phonepass/otp"
)

// TestBootstrap builds the real Lambda binary (CGO_ENABLED=0, -tags
// lambda.norpc, for this machine) and runs it under AWS's Lambda Runtime
// Interface Emulator (package rie), as `sam local` and Lambda container
// images run a function.
func TestBootstrap(t *testing.T) {
	bin := testenv.BuildBootstrap(t)
	t.Run("sample events", func(t *testing.T) { testSampleEvents(t, bin) })
	t.Run("cold start refuses bad config", func(t *testing.T) { testBadConfig(t, bin) })
}

// lambdaEnv is the environment of the function: only what Lambda under
// `sam local` sets (the template's 4-second time-out among it), the
// settings given, and nothing from this process.
func lambdaEnv(settings ...string) []string {
	return append([]string{
		"AWS_REGION=" + sampleevents.Region,
		"AWS_DEFAULT_REGION=" + sampleevents.Region,
		"AWS_LAMBDA_FUNCTION_NAME=PhonepassFunction",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=4",
		"_HANDLER=bootstrap",
		"TZ=UTC",
	}, settings...)
}

// startFunction starts the binary under a new emulator.
func startFunction(t *testing.T, bin string, env []string) *rie.Function {
	t.Helper()
	emulator, err := rie.Path()
	if err != nil {
		t.Fatalf("aws-lambda-rie: %v", err)
	}
	f, err := rie.Start(emulator, bin, env)
	if err != nil {
		t.Fatalf("start bootstrap: %v", err)
	}
	t.Cleanup(f.Close)
	return f
}

// invokeFunction invokes f and returns its answer or its error as JSON
// values: resp, and the error's message and type (empty without one).
func invokeFunction(ctx context.Context, t *testing.T, f *rie.Function, payload []byte) (resp []byte, errMessage, errType string) {
	t.Helper()
	resp, lerr, err := f.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if lerr != nil {
		return nil, lerr.ErrorMessage, lerr.ErrorType
	}
	return resp, "", ""
}

// maskedPhone is sampleevents.Phone as the public challenge parameters show it.
const maskedPhone = sampleevents.MaskedPhone

// smsLine matches the dry-run output of one SMS.
var smsLine = sampleevents.DryRunSMS

func testSampleEvents(t *testing.T, bin string) {
	f := startFunction(t, bin, lambdaEnv("AWS_SAM_LOCAL=true", config.EnvLogLevel+"=debug"))
	out := f.Output()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	files, err := filepath.Glob(filepath.Join("events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in events/ (%v)", err)
	}
	// The time-dependent events are made afresh: the committed copies hold
	// codes sent long ago.
	fresh, err := sampleevents.Fresh(time.Now())
	if err != nil {
		t.Fatalf("generate fresh events: %v", err)
	}

	// outcomes lists the outcome each invocation must log, in order.
	var outcomes []string
	var sent []string
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			want, ok := sampleevents.Answers[name]
			if !ok {
				t.Fatalf("no expected answer for events/%s: add it to sampleevents.Answers", name)
			}
			payload, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if b, ok := fresh[name]; ok {
				payload = b
			}
			before := out.Len()
			outcomes = append(outcomes, want.Outcome)
			resp, errMessage, errType := invokeFunction(ctx, t, f, payload)
			// The SMS is printed before the answer is posted, but it reaches
			// us through a pipe: give it a moment.
			all, _ := out.Await(3*time.Second, func(s string) bool {
				return len(smsLine.FindAllString(s[before:], -1)) >= want.SMS
			})
			var codes []string
			for _, m := range smsLine.FindAllStringSubmatch(all[before:], -1) {
				if m[1] != sampleevents.Phone {
					t.Errorf("SMS went to %s, want %s", m[1], sampleevents.Phone)
				}
				codes = append(codes, m[2])
			}
			sent = append(sent, codes...)
			for _, p := range want.Problems(payload, resp, errMessage, errType, codes) {
				t.Error(p)
			}
		})
	}

	t.Run("committed verify-right.json has expired", func(t *testing.T) {
		payload, err := os.ReadFile(filepath.Join("events", "verify-right.json"))
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, "expired")
		resp, errMessage, _ := invokeFunction(ctx, t, f, payload)
		if errMessage != "" {
			t.Fatalf("got error %q, want an answer", errMessage)
		}
		var answer map[string]any
		_ = json.Unmarshal(resp, &answer)
		if got := get(answer, "response.answerCorrect"); got != false {
			t.Errorf("answerCorrect: got %v, want false for a code sent in %s", got, sampleevents.SampleTime.Format("January 2006"))
		}
	})

	t.Run("invalid events get an error and the runtime lives on", func(t *testing.T) {
		tests := []struct {
			name, payload, want string
		}{
			{"not JSON", `hello`, "[bad_event] event is not a Cognito user pool trigger event: invalid JSON at byte 1"},
			{"JSON array", `[1,2,3]`, "[bad_event] event is not a Cognito user pool trigger event: it is a JSON array, not an object"},
			{"no triggerSource", `{"detail-type":"Scheduled Event","source":"aws.events"}`, "[bad_event] event is not a Cognito user pool trigger event: it has no triggerSource"},
			{"unknown triggerSource", `{"version":"1","triggerSource":"PostConfirmation_ConfirmSignUp","request":{}}`, `[unsupported_trigger] unsupported triggerSource "PostConfirmation_ConfirmSignUp"`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				outcomes = append(outcomes, "error")
				resp, errMessage, _ := invokeFunction(ctx, t, f, []byte(tc.payload))
				if errMessage != tc.want {
					t.Errorf("got response %s / error %q, want error %q", resp, errMessage, tc.want)
				}
			})
		}
		payload, _ := os.ReadFile(filepath.Join("events", "define-start.json"))
		outcomes = append(outcomes, "challenge")
		resp, errMessage, _ := invokeFunction(ctx, t, f, payload)
		if errMessage != "" || !strings.Contains(string(resp), `"challengeName":"CUSTOM_CHALLENGE"`) {
			t.Errorf("valid event after the invalid ones: got %s / %q, want a challenge", resp, errMessage)
		}
		// The emulator starts a runtime anew after one exits: one cold
		// start, and no exit in its log, say that the runtime lived on.
		if n := strings.Count(out.String(), "dry run: SMS are printed"); n != 1 {
			t.Errorf("got %d cold starts, want 1: the runtime must live on", n)
		}
		if log := f.Log().String(); strings.Contains(log, "exited") {
			t.Errorf("the emulator says the runtime exited: %s", log)
		}
	})

	t.Run("a whole sign-in with the code from the SMS", func(t *testing.T) {
		invoke := func(name string, edit func(ev map[string]any), outcome string) map[string]any {
			t.Helper()
			b, err := os.ReadFile(filepath.Join("events", name))
			if err != nil {
				t.Fatal(err)
			}
			var ev map[string]any
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			edit(ev)
			payload, _ := json.Marshal(ev)
			outcomes = append(outcomes, outcome)
			resp, errMessage, _ := invokeFunction(ctx, t, f, payload)
			if errMessage != "" {
				t.Fatalf("%s: got error %q, want an answer", name, errMessage)
			}
			var answer map[string]any
			if err := json.Unmarshal(resp, &answer); err != nil {
				t.Fatalf("%s: response %q: %v", name, resp, err)
			}
			return answer
		}
		request := func(ev map[string]any) map[string]any { return ev["request"].(map[string]any) }
		entry := func(ok bool, meta any) any {
			return map[string]any{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": ok, "challengeMetadata": meta}
		}

		before := out.Len()
		first := invoke("create-first.json", func(map[string]any) {}, "sent")
		all, _ := out.Await(3*time.Second, func(s string) bool { return smsLine.MatchString(s[before:]) })
		m := smsLine.FindStringSubmatch(all[before:])
		if m == nil {
			t.Fatalf("no SMS printed for create-first.json")
		}
		code := m[2]
		sent = append(sent, code)
		meta := get(first, "response.challengeMetadata")
		private := get(first, "response.privateChallengeParameters")

		wrong := invoke("verify-wrong.json", func(ev map[string]any) {
			request(ev)["privateChallengeParameters"] = private
			request(ev)["challengeAnswer"] = strings.Map(func(r rune) rune { return '0' + (r-'0'+1)%10 }, code)
		}, "wrong")
		if get(wrong, "response.answerCorrect") != false {
			t.Fatalf("a wrong code was accepted")
		}
		again := invoke("define-retry.json", func(ev map[string]any) {
			request(ev)["session"] = []any{entry(false, meta)}
		}, "challenge")
		if get(again, "response.challengeName") != "CUSTOM_CHALLENGE" {
			t.Fatalf("define after a wrong answer: got %v, want CUSTOM_CHALLENGE", get(again, "response"))
		}
		retry := invoke("create-retry.json", func(ev map[string]any) {
			request(ev)["session"] = []any{entry(false, meta)}
		}, "reused")
		if get(retry, "response.challengeMetadata") != meta {
			t.Fatalf("retry round: got metadata %v, want the first round's", get(retry, "response.challengeMetadata"))
		}
		right := invoke("verify-right.json", func(ev map[string]any) {
			request(ev)["privateChallengeParameters"] = get(retry, "response.privateChallengeParameters")
			request(ev)["challengeAnswer"] = " " + code + "\n"
		}, "correct")
		if get(right, "response.answerCorrect") != true {
			t.Fatalf("the code from the SMS was refused")
		}
		done := invoke("define-correct.json", func(ev map[string]any) {
			request(ev)["session"] = []any{entry(false, meta), entry(true, meta)}
		}, "tokens")
		if get(done, "response.issueTokens") != true {
			t.Fatalf("define after the right answer: got %v, want issueTokens", get(done, "response"))
		}
	})

	t.Run("logs", func(t *testing.T) {
		if len(outcomes) <= len(files) {
			t.Skip("the log check needs the whole run: the sample events, expired and invalid events")
		}
		// The output comes through a pipe: wait for the last line.
		all, _ := out.Await(3*time.Second, func(s string) bool {
			return strings.Count(s, `"msg":"invocation"`) >= len(outcomes)
		})
		checkLogs(t, all, outcomes, sent)
		if n := strings.Count(all, "SMS to "+sampleevents.Phone); n != len(sent) {
			t.Errorf("the output has %d dry-run SMS, want %d (create-first twice and create-resend)", n, len(sent))
		}
	})
}

// otherLine matches the lines of the function's output that are not its
// JSON log: the emulator's START, END and REPORT lines, the dry-run SMS,
// and aws-lambda-go's record of an error it returned (log.Printf).
var otherLine = regexp.MustCompile(`^((START|END|REPORT) RequestId: |phonepass dry run: SMS to |\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \{"errorMessage":)`)

// checkLogs checks the function's output: JSON lines, one per invocation
// with the wanted outcomes, and no full phone number and no code that was
// sent, and no line of another kind.
func checkLogs(t *testing.T, output string, outcomes, codes []string) {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(output), "\n") {
		if !otherLine.MatchString(line) {
			lines = append(lines, line)
		}
	}
	var logged []string
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("output line is neither JSON nor a known line: %q", line)
			continue
		}
		if rec["msg"] == "invocation" {
			o, _ := rec["outcome"].(string)
			logged = append(logged, o)
			if id, _ := rec["requestId"].(string); id == "" {
				t.Errorf("invocation line without a requestId: %s", line)
			}
		}
	}
	if !slices.Equal(logged, outcomes) {
		t.Errorf("logged outcomes:\ngot  %q\nwant %q", logged, outcomes)
	}
	// The Embedded Metric Format lines beside them: the codes sent, in the
	// namespace the template's alarms read.
	sentMetrics := 0
	for _, line := range lines {
		var rec struct {
			AWS struct {
				CloudWatchMetrics []struct{ Namespace string }
			} `json:"_aws"`
			CodesSent float64
		}
		if json.Unmarshal([]byte(line), &rec) == nil && len(rec.AWS.CloudWatchMetrics) == 1 && rec.AWS.CloudWatchMetrics[0].Namespace == metrics.Namespace {
			sentMetrics += int(rec.CodesSent)
		}
	}
	if sentMetrics != len(codes) {
		t.Errorf("got %d codes sent in the metric lines, want %d, one for each SMS", sentMetrics, len(codes))
	}
	if !strings.Contains(strings.Join(lines, "\n"), maskedPhone) {
		t.Errorf("the log never shows the masked phone %s, want it in the log lines", maskedPhone)
	}
	if len(codes) == 0 {
		t.Errorf("no codes were sent, want some to look for")
	}
	for _, p := range sampleevents.LeakProblems(lines, codes) {
		t.Error(p)
	}
}

func testBadConfig(t *testing.T, bin string) {
	tests := []struct {
		name     string
		env      []string
		variable string
	}{
		{"code length 3", []string{"AWS_SAM_LOCAL=true", config.EnvCodeLength + "=3"}, config.EnvCodeLength},
		{"dry run outside sam local", []string{config.EnvDryRun + "=true"}, config.EnvDryRun},
		{"code lifetime not a duration", []string{"AWS_SAM_LOCAL=true", config.EnvCodeTTL + "=forever"}, config.EnvCodeTTL},
		{"template without a code", []string{"AWS_SAM_LOCAL=true", config.EnvSMSTemplate + "=Welcome!"}, config.EnvSMSTemplate},
		{"deployed without a code key", []string{config.EnvRateLimitTable + "=t-1"}, config.EnvCodeKey},
		{"deployed with the development key", []string{config.EnvRateLimitTable + "=t-1", config.EnvCodeKey + "=" + otp.DevelopmentKey}, config.EnvCodeKey},
		{"deployed without the limits table", []string{config.EnvCodeKey + "=" + testCodeKey}, config.EnvRateLimitTable},
		{"guessable within a year", []string{"AWS_SAM_LOCAL=true", config.EnvCodeLength + "=5"}, config.EnvGuessDailyLimit},
		{"guessable within a run", []string{"AWS_SAM_LOCAL=true", config.EnvCodeLength + "=4", config.EnvGuessDailyLimit + "=1"}, config.EnvGuessLockAfter},
	}
	payload, err := os.ReadFile(filepath.Join("events", "define-start.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := startFunction(t, bin, lambdaEnv(tc.env...))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, lerr, err := f.Invoke(ctx, payload)
			if err == nil || !strings.Contains(err.Error(), "502") {
				t.Errorf("invoke: got %s / %v / %v, want the emulator's 502 for a runtime that failed to start", resp, lerr, err)
			}
			if log, ok := f.Log().Await(3*time.Second, func(s string) bool { return strings.Contains(s, "Runtime exited with error: exit status 1") }); !ok {
				t.Errorf("emulator log: got %q, want the runtime's exit status 1", log)
			}
			output, ok := f.Output().Await(3*time.Second, func(s string) bool { return strings.Contains(s, tc.variable+":") })
			if !ok || !strings.Contains(output, "cold start failed") {
				t.Errorf("output: got %q, want the cold start failure naming %s", output, tc.variable)
			}
		})
	}
}

// get returns the value at a dotted path in decoded JSON, or nil.
func get(v any, path string) any { return sampleevents.Get(v, path) }
