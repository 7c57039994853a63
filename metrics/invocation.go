package metrics

import (
	"errors"
	"fmt"
	"time"
)

// Invocation is what one trigger invocation did, as far as the metrics go.
// The zero value is an invocation that did none of it.
type Invocation struct {
	// Pool is the user pool's ID (the event's userPoolId), the dimension.
	Pool string
	// Sent reports a code sent.
	Sent bool
	// Refused is why a limit refused to send a code; "" when none did. An
	// answer that the guess budget refuses is not a refused send.
	Refused Reason
	// SendFailed reports a code that SNS did not take.
	SendFailed bool
	// SendUncertain reports a code sent (Sent) whose request went out
	// with no answer from SNS: it may or may not arrive.
	SendUncertain bool
	// Answer is the verdict on an answer, if one was checked.
	Answer AnswerResult
	// SendLatency is how long the SNS call took, for a code sent or a send
	// that failed; zero when there was none.
	SendLatency time.Duration
	// Segments is the number of message parts of a code sent (0: unknown).
	Segments int
}

// Reason is why a limit refused to send a code.
type Reason string

// Reasons, one for each limit of package ratelimit.
const (
	ReasonNone    Reason = ""
	ReasonNumber  Reason = "number"  // the number's send limit
	ReasonRange   Reason = "range"   // the range guard
	ReasonCountry Reason = "country" // a country's budget
	ReasonPool    Reason = "pool"    // the pool's ceiling
	ReasonLockout Reason = "lockout" // a cool-off or lock after wrong answers
)

// metric returns the metric that counts refusals for r.
func (r Reason) metric() (string, bool) {
	switch r {
	case ReasonNumber:
		return SendsRefusedNumber, true
	case ReasonRange:
		return SendsRefusedRange, true
	case ReasonCountry:
		return SendsRefusedCountry, true
	case ReasonPool:
		return SendsRefusedPool, true
	case ReasonLockout:
		return SendsRefusedLockout, true
	}
	return "", false
}

// AnswerResult is the verdict on an answer.
type AnswerResult int

// Verdicts on an answer.
const (
	AnswerNone    AnswerResult = iota // no answer was checked
	AnswerRight                       // the right code
	AnswerWrong                       // a wrong code
	AnswerExpired                     // a code past its lifetime
)

// MaxSegments bounds Invocation.Segments: SNS takes at most 1,600 bytes,
// which is at most 25 parts.
const MaxSegments = 25

// MaxSendLatency bounds Invocation.SendLatency: Cognito waits 5 seconds for
// a trigger.
const MaxSendLatency = time.Minute

// validate reports an invocation that cannot have happened.
func (inv Invocation) validate() error {
	_, known := inv.Refused.metric()
	switch {
	case inv.Refused != ReasonNone && !known:
		return fmt.Errorf("unknown refusal reason %q", inv.Refused)
	case inv.Sent && (inv.SendFailed || inv.Refused != ReasonNone):
		return errors.New("a code both sent and refused or failed")
	case inv.SendUncertain && !inv.Sent:
		return errors.New("an uncertain send of a code not sent")
	case inv.SendFailed && inv.Refused != ReasonNone:
		return errors.New("a code both refused and failed")
	case inv.Answer < AnswerNone || inv.Answer > AnswerExpired:
		return fmt.Errorf("unknown answer verdict %d", inv.Answer)
	case inv.Segments < 0 || inv.Segments > MaxSegments:
		return fmt.Errorf("%d message parts is not in 0..%d", inv.Segments, MaxSegments)
	case inv.Segments > 0 && !inv.Sent:
		return errors.New("message parts of a code not sent")
	case inv.SendLatency < 0 || inv.SendLatency > MaxSendLatency:
		return fmt.Errorf("send latency %s is not in 0..%s", inv.SendLatency, MaxSendLatency)
	case inv.SendLatency > 0 && !inv.Sent && !inv.SendFailed:
		return errors.New("send latency without a send")
	}
	return nil
}
