package triggers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

type (
	preSignUpEvent = events.CognitoEventUserPoolsPreSignup
	defineEvent    = events.CognitoEventUserPoolsDefineAuthChallenge
	createEvent    = events.CognitoEventUserPoolsCreateAuthChallenge
	verifyEvent    = events.CognitoEventUserPoolsVerifyAuthChallenge
)

// route runs one trigger on a raw event: it decodes the event, runs the
// trigger and encodes the event with its response.
type route func(h *Handler, ctx context.Context, payload []byte, src string, out *outcome) ([]byte, error)

// routes maps each trigger source phonepass serves to its trigger.
var routes = map[string]route{
	SourcePreSignUp:             adapt((*Handler).preSignUp, func(e *preSignUpEvent) string { return e.TriggerSource }),
	SourcePreSignUpAdmin:        adapt((*Handler).preSignUp, func(e *preSignUpEvent) string { return e.TriggerSource }),
	SourcePreSignUpExternal:     adapt((*Handler).preSignUp, func(e *preSignUpEvent) string { return e.TriggerSource }),
	SourceDefineAuthChallenge:   adapt((*Handler).defineAuthChallenge, func(e *defineEvent) string { return e.TriggerSource }),
	SourceCreateAuthChallenge:   adapt((*Handler).createAuthChallenge, func(e *createEvent) string { return e.TriggerSource }),
	SourceVerifyChallengeAnswer: adapt((*Handler).verifyAuthChallenge, func(e *verifyEvent) string { return e.TriggerSource }),
	SourceAdminUnlock:           adapt((*Handler).unlock, func(e *unlockEvent) string { return e.TriggerSource }),
	SourceAdminUnlockRange:      adapt((*Handler).unlockRange, func(e *unlockEvent) string { return e.TriggerSource }),
}

// adapt makes the route of a trigger whose event has type E: one decode,
// the event's own triggerSource (read by source) confirmed against the one
// the event was routed on, the trigger, one encode.
func adapt[E any](run func(h *Handler, ctx context.Context, ev *E, out *outcome) error, source func(*E) string) route {
	return func(h *Handler, ctx context.Context, payload []byte, src string, out *outcome) ([]byte, error) {
		ev := new(E)
		if err := json.Unmarshal(payload, ev); err != nil {
			return nil, userErr(CodeBadEvent, "malformed Cognito event: "+describeJSONError(err))
		}
		if got := source(ev); got != src {
			return nil, userErrf(CodeBadEvent, "event has two triggerSource values, %q and %q", truncate(src), truncate(got))
		}
		if err := run(h, ctx, ev, out); err != nil {
			return nil, err
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("encode response: %w", err)
		}
		return b, nil
	}
}

// dispatch routes payload on its triggerSource: found by a plain scan
// (peekTriggerSource), or, when the scan finds none (not an object, no such
// key, an escaped or non-string value), by decoding just the header, which
// also words what is wrong with the event. It returns the triggerSource it
// routed on.
func (h *Handler) dispatch(ctx context.Context, payload []byte, out *outcome) ([]byte, string, error) {
	src, ok := peekTriggerSource(payload)
	if !ok {
		var hd struct {
			TriggerSource *string `json:"triggerSource"`
		}
		if err := json.Unmarshal(payload, &hd); err != nil {
			return nil, "", userErr(CodeBadEvent, "event is not a Cognito user pool trigger event: "+describeJSONError(err))
		}
		if hd.TriggerSource == nil {
			return nil, "", userErr(CodeBadEvent, "event is not a Cognito user pool trigger event: it has no triggerSource")
		}
		src = *hd.TriggerSource
	}
	r, ok := routes[src]
	if !ok {
		return nil, src, userErrf(CodeUnsupportedTrigger, "unsupported triggerSource %q", truncate(src))
	}
	resp, err := r(h, ctx, payload, src, out)
	return resp, src, err
}
