package localpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/phonepass/phonepass/internal/cognitoevent"
)

// Invoker runs a trigger: it takes the raw Cognito event and returns the
// event with its response filled in, as a Lambda function does.
// *triggers.Handler implements it; so does LambdaInvoker.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// InvokeError is an error that prevented a trigger from running at all (as
// opposed to an error the trigger returned); clients see it as
// UnexpectedLambdaException.
type InvokeError struct{ Err error }

// Error returns the underlying error's text.
func (e *InvokeError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *InvokeError) Unwrap() error { return e.Err }

// TriggerTimeout bounds one trigger invocation, as Cognito does.
const TriggerTimeout = 5 * time.Second

// Trigger names as they appear in Cognito's error messages.
const (
	triggerPreSignUp = "PreSignUp"
	triggerDefine    = "DefineAuthChallenge"
	triggerCreate    = "CreateAuthChallenge"
	triggerVerify    = "VerifyAuthChallengeResponse"
)

// event is a Cognito user pool trigger event as the pool builds it.
type event = cognitoevent.Event[map[string]any, map[string]any]

// Responses of the triggers, as the pool reads them.
type (
	preSignUpResponse struct {
		AutoConfirmUser bool `json:"autoConfirmUser"`
		AutoVerifyPhone bool `json:"autoVerifyPhone"`
		AutoVerifyEmail bool `json:"autoVerifyEmail"`
	}
	defineResponse struct {
		ChallengeName      string `json:"challengeName"`
		IssueTokens        bool   `json:"issueTokens"`
		FailAuthentication bool   `json:"failAuthentication"`
	}
	createResponse struct {
		PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
		PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
		ChallengeMetadata          string            `json:"challengeMetadata"`
	}
	verifyResponse struct {
		AnswerCorrect bool `json:"answerCorrect"`
	}
)

// newEvent returns an event with the header Cognito sets, request and an
// empty response.
func (s *Server) newEvent(source, userName, clientID string, request map[string]any) event {
	ev := cognitoevent.New[map[string]any, map[string]any](source, s.region, s.opts.PoolID, userName, clientID)
	ev.Request, ev.Response = request, map[string]any{}
	return ev
}

// eventAttributes returns the userAttributes of an event for u: every
// attribute plus cognito:user_status.
func eventAttributes(u User) map[string]string {
	out := make(map[string]string, len(u.Attributes)+1)
	for k, v := range u.Attributes {
		out[k] = v
	}
	out["cognito:user_status"] = u.Status
	return out
}

// invoke runs one trigger and decodes its response into resp. Its errors
// are the APIErrors Cognito returns.
func (s *Server) invoke(ctx context.Context, trigger string, ev event, resp any) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", trigger, err)
	}
	ctx, cancel := context.WithTimeout(ctx, TriggerTimeout)
	defer cancel()
	out, err := s.opts.Invoker.Invoke(ctx, payload)
	if err != nil {
		var ie *InvokeError
		if errors.As(err, &ie) {
			s.log.Warn("trigger invoke failed", zap.String("trigger", trigger), zap.Error(err))
			return apiErr(TypeUnexpectedLambda, "%s: unexpected error when invoking the function: %v", trigger, ie.Err)
		}
		return apiErr(TypeUserLambdaValidation, "%s failed with error %s.", trigger, err.Error())
	}
	var wrapper struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(out, &wrapper); err != nil || len(wrapper.Response) == 0 || string(wrapper.Response) == "null" {
		return apiErr(TypeInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	if err := json.Unmarshal(wrapper.Response, resp); err != nil {
		return apiErr(TypeInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	return nil
}
