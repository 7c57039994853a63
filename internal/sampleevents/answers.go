package sampleevents

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/otp"
)

// Answer is what the function must answer to one sample event, however it
// is run: through AWS's Runtime Interface Emulator, `sam local invoke` or
// `sam local start-lambda`.
type Answer struct {
	// Expect is the event's "Expected answer" in the table of
	// events/README.md, word for word.
	Expect string
	// Fields maps dotted paths in the answer to their values.
	Fields map[string]any
	// Err is the wanted Lambda error message; empty wants an answer.
	Err string
	// SMS is the number of codes that must be sent.
	SMS int
	// Outcome is the outcome its log line must give.
	Outcome string
	// check, if set, checks more: in and out are the event and the answer,
	// codes the codes sent for it.
	check func(in, out map[string]any, codes []string) []string
}

// MaskedPhone is Phone as the public challenge parameters show it.
const MaskedPhone = "+********0123"

func defineAnswer(expect, outcome, challenge string, tokens, fail bool) Answer {
	return Answer{Expect: expect, Outcome: outcome, Fields: map[string]any{
		"response.challengeName": challenge, "response.issueTokens": tokens, "response.failAuthentication": fail,
	}}
}

func preSignUpAnswer(expect, outcome string, confirm bool) Answer {
	return Answer{Expect: expect, Outcome: outcome, Fields: map[string]any{
		"response.autoConfirmUser": confirm, "response.autoVerifyPhone": confirm, "response.autoVerifyEmail": false,
	}}
}

func createAnswer(expect, outcome, attemptsLeft, resendIn string, sms int, check func(in, out map[string]any, codes []string) []string) Answer {
	return Answer{Expect: expect, Outcome: outcome, SMS: sms, check: check, Fields: map[string]any{
		"response.publicChallengeParameters.phone":           MaskedPhone,
		"response.publicChallengeParameters.codeLength":      "6",
		"response.publicChallengeParameters.attemptsLeft":    attemptsLeft,
		"response.publicChallengeParameters.resendAvailable": "true",
		"response.publicChallengeParameters.resendInSeconds": resendIn,
	}}
}

// Answers maps every file in events/ to what it must get back, when the
// time-dependent ones are fresh copies (Generate(time.Now())).
var Answers = map[string]Answer{
	"presignup-signup.json":         preSignUpAnswer("`autoConfirmUser` and `autoVerifyPhone` true", "confirmed", true),
	"presignup-admin.json":          preSignUpAnswer("`autoConfirmUser` and `autoVerifyPhone` true", "confirmed", true),
	"presignup-external.json":       preSignUpAnswer("unchanged: all false", "external-unchanged", false),
	"define-start.json":             defineAnswer("`challengeName` `CUSTOM_CHALLENGE`", "challenge", "CUSTOM_CHALLENGE", false, false),
	"define-retry.json":             defineAnswer("`CUSTOM_CHALLENGE` again", "challenge", "CUSTOM_CHALLENGE", false, false),
	"define-correct.json":           defineAnswer("`issueTokens` true", "tokens", "", true, false),
	"define-third-wrong.json":       defineAnswer("`failAuthentication` true", "too-many-attempts", "", false, true),
	"define-password-verifier.json": defineAnswer("`failAuthentication` true", "refused-session", "", false, true),
	"define-unknown-user.json": {Expect: "error `user not found`", Outcome: "unknown-user",
		Err: "[user_not_found] user not found"},
	"define-unverified-phone.json": {Expect: "error `user not found`, as for an unknown number: codes go only to verified numbers",
		Outcome: "unverified-phone", Err: "[user_not_found] user not found"},
	"create-first.json": createAnswer("a new code is sent; `attemptsLeft` 3", "sent", "3", "30", 1,
		checkNewCode("PHONEPASS2 0 ")),
	"create-retry.json": createAnswer("the code is reused, no SMS; `attemptsLeft` 2", "reused", "2", "0", 0,
		checkReusedCode),
	"create-resend.json": createAnswer("a new code is sent; `attemptsLeft` 3", "resent", "3", "30", 1,
		checkNewCode("PHONEPASS2 1 ")),
	"verify-right.json": {Expect: "`answerCorrect` true", Outcome: "correct",
		Fields: map[string]any{"response.answerCorrect": true}},
	"verify-wrong.json": {Expect: "`answerCorrect` false", Outcome: "wrong",
		Fields: map[string]any{"response.answerCorrect": false}},
	"admin-unlock.json": {Expect: "`unlocked` true: the number's wrong answers and lock are cleared", Outcome: "unlocked",
		Fields: map[string]any{"unlocked": true, "phone": Phone}},
	"unsupported-trigger.json": {Expect: "error `unsupported triggerSource \"CustomMessage_SignUp\"`", Outcome: "error",
		Err: `[unsupported_trigger] unsupported triggerSource "CustomMessage_SignUp"`},
}

// Problems compares what the function did with an event against a: event
// is what was sent, resp the answer (nil with an error), errMessage and
// errType the Lambda error (empty without one), codes the codes it sent.
// It returns each difference as a sentence, none when all is as wanted.
func (a Answer) Problems(event, resp []byte, errMessage, errType string, codes []string) []string {
	var ps []string
	if len(codes) != a.SMS {
		ps = append(ps, fmt.Sprintf("SMS sent: got %d, want %d", len(codes), a.SMS))
	}
	if a.Err != "" {
		if errMessage != a.Err || errType != "UserError" {
			ps = append(ps, fmt.Sprintf("got answer %s / error %q (%s), want UserError %q", resp, errMessage, errType, a.Err))
		}
		return ps
	}
	if errMessage != "" {
		return append(ps, fmt.Sprintf("got Lambda error %q (%s), want an answer", errMessage, errType))
	}
	var in, out map[string]any
	if err := json.Unmarshal(event, &in); err != nil {
		return append(ps, fmt.Sprintf("event is not a JSON object: %v", err))
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return append(ps, fmt.Sprintf("answer %q is not a JSON object: %v", resp, err))
	}
	if _, cognito := in["userPoolId"]; cognito {
		for _, k := range []string{"triggerSource", "userName", "userPoolId"} {
			if out[k] != in[k] {
				ps = append(ps, fmt.Sprintf("%s: got %v, want %v as in the event", k, out[k], in[k]))
			}
		}
	}
	for path, v := range a.Fields {
		if got := Get(out, path); got != v {
			ps = append(ps, fmt.Sprintf("%s: got %#v, want %#v", path, got, v))
		}
	}
	if a.check != nil {
		ps = append(ps, a.check(in, out, codes)...)
	}
	return ps
}

// checkNewCode checks a round with a new code: fresh metadata, a full
// lifetime, and a digest that the code in the SMS matches.
func checkNewCode(prefix string) func(in, out map[string]any, codes []string) []string {
	return func(in, out map[string]any, codes []string) []string {
		var ps []string
		meta, _ := Get(out, "response.challengeMetadata").(string)
		if !strings.HasPrefix(meta, prefix) {
			ps = append(ps, fmt.Sprintf("challengeMetadata: got %q, want it to start with %q", meta, prefix))
		}
		if exp := atoi(Get(out, "response.publicChallengeParameters.expiresInSeconds")); exp < 295 || exp > 300 {
			ps = append(ps, fmt.Sprintf("expiresInSeconds: got %d, want 295..300", exp))
		}
		digest, _ := Get(out, "response.privateChallengeParameters.digest").(string)
		d, err := otp.ParseDigest(digest)
		if err != nil {
			return append(ps, fmt.Sprintf("private digest %q: %v", digest, err))
		}
		if !strings.HasSuffix(meta, " "+digest) {
			ps = append(ps, fmt.Sprintf("challengeMetadata %q does not record the digest %q", meta, digest))
		}
		if len(codes) == 1 && !Keys().Matches(d, Sub, codes[0], time.Now(), 5*time.Minute) {
			ps = append(ps, fmt.Sprintf("the code in the SMS does not match the digest %q", digest))
		}
		return ps
	}
}

// checkReusedCode checks a retry round: the previous round's metadata and
// digest, nothing new, a lifetime that is partly used.
func checkReusedCode(in, out map[string]any, _ []string) []string {
	session, _ := Get(in, "request.session").([]any)
	if len(session) == 0 {
		return []string{"event has no session"}
	}
	var ps []string
	last, _ := session[len(session)-1].(map[string]any)
	prev, _ := last["challengeMetadata"].(string)
	if got := Get(out, "response.challengeMetadata"); got != prev {
		ps = append(ps, fmt.Sprintf("challengeMetadata: got %q, want the previous round's %q", got, prev))
	}
	digest, _ := Get(out, "response.privateChallengeParameters.digest").(string)
	if digest == "" || !strings.HasSuffix(prev, " "+digest) {
		ps = append(ps, fmt.Sprintf("private digest: got %q, want the previous round's (%q)", digest, prev))
	}
	left := 300 - int(FirstSentBefore.Seconds())
	if exp := atoi(Get(out, "response.publicChallengeParameters.expiresInSeconds")); exp < 1 || exp > left {
		ps = append(ps, fmt.Sprintf("expiresInSeconds: got %d, want 1..%d", exp, left))
	}
	return ps
}

// Get returns the value at a dotted path in decoded JSON, or nil.
func Get(v any, path string) any {
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
