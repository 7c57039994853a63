package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/runtimeapi"
	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/metrics"
	"github.com/phonepass/phonepass/otp"
)

// TestBootstrap builds the real Lambda binary (CGO_ENABLED=0, -tags
// lambda.norpc, for this machine) and drives it through the Lambda Runtime
// API exactly as Lambda and `sam local invoke` do.
func TestBootstrap(t *testing.T) {
	bin := testenv.BuildBootstrap(t)
	t.Run("sample events", func(t *testing.T) { testSampleEvents(t, bin) })
	t.Run("cold start refuses bad config", func(t *testing.T) { testBadConfig(t, bin) })
}

// lambdaEnv is the environment of the function: only what Lambda under
// `sam local` sets, the settings given, and nothing from this process.
func lambdaEnv(settings ...string) []string {
	return append([]string{
		"AWS_REGION=" + sampleevents.Region,
		"AWS_DEFAULT_REGION=" + sampleevents.Region,
		"AWS_LAMBDA_FUNCTION_NAME=PhonepassFunction",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"_HANDLER=bootstrap",
		"TZ=UTC",
	}, settings...)
}

// startFunction starts the binary against a new runtime API server.
func startFunction(t *testing.T, bin string, env []string) (*runtimeapi.Server, *runtimeapi.Process) {
	t.Helper()
	srv, err := runtimeapi.New(runtimeapi.WithFunctionARN("arn:aws:lambda:eu-west-2:123456789012:function:PhonepassFunction"))
	if err != nil {
		t.Fatalf("runtime api: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	p, err := srv.Start(context.Background(), bin, env)
	if err != nil {
		t.Fatalf("start bootstrap: %v", err)
	}
	t.Cleanup(p.Stop)
	return srv, p
}

// answer is what one event must get back.
type answer struct {
	// fields maps dotted paths in the answered event to their values.
	fields map[string]any
	// err is the wanted Lambda error message; empty wants a response.
	err string
	// sms is the number of codes that must be sent.
	sms int
	// outcome is the outcome its log line must give.
	outcome string
	// check, if set, checks more: in and out are the event and the answer,
	// codes the codes sent for it.
	check func(t *testing.T, in, out map[string]any, codes []string)
}

// maskedPhone is sampleevents.Phone as the public challenge parameters show it.
const maskedPhone = "+********0123"

func defineAnswer(outcome, challenge string, tokens, fail bool) answer {
	return answer{outcome: outcome, fields: map[string]any{
		"response.challengeName": challenge, "response.issueTokens": tokens, "response.failAuthentication": fail,
	}}
}

func preSignUpAnswer(outcome string, confirm bool) answer {
	return answer{outcome: outcome, fields: map[string]any{
		"response.autoConfirmUser": confirm, "response.autoVerifyPhone": confirm, "response.autoVerifyEmail": false,
	}}
}

func createAnswer(outcome, attemptsLeft, resendIn string, sms int, check func(t *testing.T, in, out map[string]any, codes []string)) answer {
	return answer{outcome: outcome, sms: sms, check: check, fields: map[string]any{
		"response.publicChallengeParameters.phone":           maskedPhone,
		"response.publicChallengeParameters.codeLength":      "6",
		"response.publicChallengeParameters.attemptsLeft":    attemptsLeft,
		"response.publicChallengeParameters.resendAvailable": "true",
		"response.publicChallengeParameters.resendInSeconds": resendIn,
	}}
}

// answers lists every file in events/ with what it must get back.
var answers = map[string]answer{
	"presignup-signup.json":         preSignUpAnswer("confirmed", true),
	"presignup-admin.json":          preSignUpAnswer("confirmed", true),
	"presignup-external.json":       preSignUpAnswer("external-unchanged", false),
	"define-start.json":             defineAnswer("challenge", "CUSTOM_CHALLENGE", false, false),
	"define-retry.json":             defineAnswer("challenge", "CUSTOM_CHALLENGE", false, false),
	"define-correct.json":           defineAnswer("tokens", "", true, false),
	"define-third-wrong.json":       defineAnswer("too-many-attempts", "", false, true),
	"define-unknown-user.json":      {outcome: "unknown-user", err: "[user_not_found] user not found"},
	"define-unverified-phone.json":  {outcome: "unverified-phone", err: "[user_not_found] user not found"},
	"admin-unlock.json":             {outcome: "unlocked", fields: map[string]any{"unlocked": true, "phone": sampleevents.Phone}},
	"define-password-verifier.json": defineAnswer("refused-session", "", false, true),
	"create-first.json":             createAnswer("sent", "3", "30", 1, checkNewCode("PHONEPASS2 0 ")),
	"create-retry.json":             createAnswer("reused", "2", "0", 0, checkReusedCode),
	"create-resend.json":            createAnswer("resent", "3", "30", 1, checkNewCode("PHONEPASS2 1 ")),
	"verify-right.json":             {outcome: "correct", fields: map[string]any{"response.answerCorrect": true}},
	"verify-wrong.json":             {outcome: "wrong", fields: map[string]any{"response.answerCorrect": false}},
	"unsupported-trigger.json":      {outcome: "error", err: `[unsupported_trigger] unsupported triggerSource "CustomMessage_SignUp"`},
}

// checkNewCode checks a round with a new code: fresh metadata, a full
// lifetime, and a digest that the code in the SMS matches.
func checkNewCode(prefix string) func(t *testing.T, in, out map[string]any, codes []string) {
	return func(t *testing.T, in, out map[string]any, codes []string) {
		meta, _ := get(out, "response.challengeMetadata").(string)
		if !strings.HasPrefix(meta, prefix) {
			t.Errorf("challengeMetadata: got %q, want it to start with %q", meta, prefix)
		}
		if exp := atoi(get(out, "response.publicChallengeParameters.expiresInSeconds")); exp < 295 || exp > 300 {
			t.Errorf("expiresInSeconds: got %d, want 295..300", exp)
		}
		digest, _ := get(out, "response.privateChallengeParameters.digest").(string)
		d, err := otp.ParseDigest(digest)
		if err != nil {
			t.Fatalf("private digest %q: %v", digest, err)
		}
		if !strings.HasSuffix(meta, " "+digest) {
			t.Errorf("challengeMetadata %q does not record the digest %q", meta, digest)
		}
		if len(codes) == 1 && !sampleevents.Keys().Matches(d, sampleevents.Sub, codes[0], time.Now(), 5*time.Minute) {
			t.Errorf("the code in the SMS does not match the digest %q", digest)
		}
	}
}

// checkReusedCode checks a retry round: the previous round's metadata and
// digest, nothing new, a lifetime that is partly used.
func checkReusedCode(t *testing.T, in, out map[string]any, _ []string) {
	session, _ := get(in, "request.session").([]any)
	if len(session) == 0 {
		t.Fatalf("event has no session")
	}
	prev, _ := session[len(session)-1].(map[string]any)["challengeMetadata"].(string)
	if got := get(out, "response.challengeMetadata"); got != prev {
		t.Errorf("challengeMetadata: got %q, want the previous round's %q", got, prev)
	}
	digest, _ := get(out, "response.privateChallengeParameters.digest").(string)
	if digest == "" || !strings.HasSuffix(prev, " "+digest) {
		t.Errorf("private digest: got %q, want the previous round's (%q)", digest, prev)
	}
	if exp := atoi(get(out, "response.publicChallengeParameters.expiresInSeconds")); exp < 1 || exp > 300-int(sampleevents.FirstSentBefore.Seconds()) {
		t.Errorf("expiresInSeconds: got %d, want 1..%d", exp, 300-int(sampleevents.FirstSentBefore.Seconds()))
	}
}

// smsLine matches the dry-run output of one SMS.
var smsLine = regexp.MustCompile(`phonepass dry run: SMS to (\+[0-9]+): Your sign-in code is ([0-9]+)\.`)

func testSampleEvents(t *testing.T, bin string) {
	srv, p := startFunction(t, bin, lambdaEnv("AWS_SAM_LOCAL=true", config.EnvLogLevel+"=debug"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	files, err := filepath.Glob(filepath.Join("events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in events/ (%v)", err)
	}
	for name := range answers {
		if !slices.Contains(files, filepath.Join("events", name)) {
			t.Errorf("answers lists %s, which is not in events/", name)
		}
	}
	// The time-dependent events are made afresh: the committed copies hold
	// codes sent long ago.
	fresh, err := sampleevents.Generate(time.Now())
	if err != nil {
		t.Fatalf("generate fresh events: %v", err)
	}
	freshJSON := map[string][]byte{}
	for _, e := range fresh {
		if e.TimeDependent {
			freshJSON[e.File] = e.JSON
		}
	}

	// outcomes lists the outcome each invocation must log, in order.
	var outcomes []string
	var sent []string
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			want, ok := answers[name]
			if !ok {
				t.Fatalf("no expected answer for events/%s: add it to answers", name)
			}
			payload, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if b, ok := freshJSON[name]; ok {
				payload = b
			}
			before := p.Stderr().Len()
			outcomes = append(outcomes, want.outcome)
			resp, lerr, err := srv.Invoke(ctx, payload)
			if err != nil {
				t.Fatalf("invoke: %v", err)
			}
			// The SMS is printed before the answer is posted, but standard
			// error reaches us through a pipe: give it a moment.
			all, _ := p.Stderr().Await(3*time.Second, func(s string) bool {
				return len(smsLine.FindAllString(s[before:], -1)) >= want.sms
			})
			printed := all[before:]
			var codes []string
			for _, m := range smsLine.FindAllStringSubmatch(printed, -1) {
				if m[1] != sampleevents.Phone {
					t.Errorf("SMS went to %s, want %s", m[1], sampleevents.Phone)
				}
				codes = append(codes, m[2])
			}
			sent = append(sent, codes...)
			if len(codes) != want.sms {
				t.Errorf("SMS printed: got %d, want %d", len(codes), want.sms)
			}
			if want.err != "" {
				if lerr == nil || lerr.ErrorMessage != want.err || lerr.ErrorType != "UserError" {
					t.Errorf("got response %s / error %v, want UserError %q", resp, lerr, want.err)
				}
				return
			}
			if lerr != nil {
				t.Fatalf("got Lambda error %v, want a response", lerr)
			}
			var in, out map[string]any
			if err := json.Unmarshal(payload, &in); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(resp, &out); err != nil {
				t.Fatalf("response %q is not a JSON object: %v", resp, err)
			}
			for _, k := range []string{"triggerSource", "userName", "userPoolId"} {
				if out[k] != in[k] {
					t.Errorf("%s: got %v, want %v as in the event", k, out[k], in[k])
				}
			}
			for path, v := range want.fields {
				if got := get(out, path); got != v {
					t.Errorf("%s: got %#v, want %#v", path, got, v)
				}
			}
			if want.check != nil {
				want.check(t, in, out, codes)
			}
		})
	}

	t.Run("committed verify-right.json has expired", func(t *testing.T) {
		payload, err := os.ReadFile(filepath.Join("events", "verify-right.json"))
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, "expired")
		resp, lerr, err := srv.Invoke(ctx, payload)
		if err != nil || lerr != nil {
			t.Fatalf("invoke: %v / %v", err, lerr)
		}
		var out map[string]any
		_ = json.Unmarshal(resp, &out)
		if got := get(out, "response.answerCorrect"); got != false {
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
				resp, lerr, err := srv.Invoke(ctx, []byte(tc.payload))
				if err != nil {
					t.Fatalf("invoke: %v", err)
				}
				if lerr == nil || lerr.ErrorMessage != tc.want {
					t.Errorf("got response %s / error %v, want error %q", resp, lerr, tc.want)
				}
			})
		}
		payload, _ := os.ReadFile(filepath.Join("events", "define-start.json"))
		outcomes = append(outcomes, "challenge")
		resp, lerr, err := srv.Invoke(ctx, payload)
		if err != nil || lerr != nil || !strings.Contains(string(resp), `"challengeName":"CUSTOM_CHALLENGE"`) {
			t.Errorf("valid event after the invalid ones: got %s / %v / %v, want a challenge", resp, lerr, err)
		}
		if p.Exited() {
			t.Errorf("runtime process exited, want it alive")
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
			resp, lerr, err := srv.Invoke(ctx, payload)
			if err != nil || lerr != nil {
				t.Fatalf("%s: invoke: %v / %v", name, err, lerr)
			}
			var out map[string]any
			if err := json.Unmarshal(resp, &out); err != nil {
				t.Fatalf("%s: response %q: %v", name, resp, err)
			}
			return out
		}
		request := func(ev map[string]any) map[string]any { return ev["request"].(map[string]any) }
		entry := func(ok bool, meta any) any {
			return map[string]any{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": ok, "challengeMetadata": meta}
		}

		before := p.Stderr().Len()
		first := invoke("create-first.json", func(map[string]any) {}, "sent")
		all, _ := p.Stderr().Await(3*time.Second, func(s string) bool { return smsLine.MatchString(s[before:]) })
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
		// Standard output comes through a pipe: wait for the last line.
		stdout, _ := p.Stdout().Await(3*time.Second, func(s string) bool {
			return strings.Count(s, `"msg":"invocation"`) >= len(outcomes)
		})
		checkLogs(t, stdout, outcomes, sent)
		if n := strings.Count(p.Stderr().String(), "SMS to "+sampleevents.Phone); n != len(sent) {
			t.Errorf("stderr has %d dry-run SMS, want %d (create-first twice and create-resend)", n, len(sent))
		}
	})
}

// checkLogs checks the function's standard output: JSON lines, one per
// invocation with the wanted outcomes, and no full phone number and no code
// that was sent.
func checkLogs(t *testing.T, stdout string, outcomes, codes []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var logged []string
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("stdout line is not JSON: %q", line)
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
	if !strings.Contains(stdout, maskedPhone) {
		t.Errorf("stdout never shows the masked phone %s, want it in the log lines", maskedPhone)
	}
	for _, phone := range []string{sampleevents.Phone, sampleevents.UnknownPhone} {
		if strings.Contains(stdout, phone[1:]) || strings.Contains(stdout, phone[3:]) {
			t.Errorf("stdout holds the full phone number %s", phone)
		}
	}
	if len(codes) == 0 {
		t.Errorf("no codes were sent, want some to look for")
	}
	for _, code := range append(codes, sampleevents.Code) {
		if regexp.MustCompile(`(^|[^0-9])` + code + `([^0-9]|$)`).MatchString(stdout) {
			t.Errorf("stdout holds the code %s", code)
		}
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
		{"guessable code", []string{"AWS_SAM_LOCAL=true", config.EnvCodeLength + "=4"}, config.EnvGuessLockAfter},
	}
	payload, err := os.ReadFile(filepath.Join("events", "define-start.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := startFunction(t, bin, lambdaEnv(tc.env...))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, lerr, err := srv.Invoke(ctx, payload)
			if err == nil || !strings.Contains(err.Error(), tc.variable) {
				t.Errorf("invoke: got %s / %v / %v, want an error naming %s", resp, lerr, err, tc.variable)
			}
			if werr := p.Wait(10 * time.Second); p.ExitCode() != 1 {
				t.Errorf("exit: got code %d (%v), want 1", p.ExitCode(), werr)
			}
			stderr := p.Stderr().String()
			if !strings.Contains(stderr, "cold start failed") || !strings.Contains(stderr, tc.variable+":") {
				t.Errorf("stderr: got %q, want the cold start failure naming %s", stderr, tc.variable)
			}
		})
	}
}

// get returns the value at a dotted path in decoded JSON, or nil.
func get(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func atoi(v any) int {
	s, _ := v.(string)
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
