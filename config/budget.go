package config

import (
	"fmt"
	"time"

	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// The time budget of one invocation, in one place. Cognito waits
// CognitoTimeout for a trigger and then tries it again, which for
// CreateAuthChallenge can send a second text; so the function's own
// timeout (template.yaml's Timeout, which the deploy tests hold to
// FunctionTimeout) ends first, and the worst case of the slowest path,
// CreateAuthChallenge, fits inside it: the limits' round trip, the SMS
// send, a give-back of a send SNS did not take, and Lambda's own start.
const (
	// CognitoTimeout is how long Cognito waits for a trigger.
	CognitoTimeout = 5 * time.Second
	// FunctionTimeout is the function's timeout in template.yaml.
	FunctionTimeout = 4 * time.Second
	// GiveBackTimeout bounds the give-back of a send that SNS did not
	// take, on a context of its own (the send's may have run out).
	GiveBackTimeout = triggers.GiveBackTimeout
	// StartMargin is kept for Lambda's start of the invocation and the
	// Runtime API's round trips, which the function's timeout counts too.
	StartMargin = 200 * time.Millisecond
	// LimitsTimeout bounds the limits' calls of one invocation.
	LimitsTimeout = ratelimit.DefaultDynamoDBTimeout
)

// Bounds of EnvSMSTimeout. The highest is what the budget leaves:
// 4 s − 0.5 s (limits) − 0.3 s (give-back) − 0.2 s (start) = 3 s.
const (
	MinSMSTimeout = 100 * time.Millisecond
	MaxSMSTimeout = FunctionTimeout - LimitsTimeout - GiveBackTimeout - StartMargin
)

// worstCreate is the longest a CreateAuthChallenge can take with an SMS
// timeout of sms.
func worstCreate(sms time.Duration) time.Duration {
	return LimitsTimeout + sms + GiveBackTimeout + StartMargin
}

// checkBudget refuses an SMS timeout whose worst case does not fit the
// function's timeout, saying the sum.
func checkBudget(sms time.Duration) error {
	if w := worstCreate(sms); w > FunctionTimeout {
		return fmt.Errorf("%s leaves CreateAuthChallenge a worst case of %s (limits %s + SMS %s + give-back %s + start %s), over the function's %s timeout (Cognito waits %s); at most %s",
			sms, w, LimitsTimeout, sms, GiveBackTimeout, StartMargin, FunctionTimeout, CognitoTimeout, MaxSMSTimeout)
	}
	return nil
}
