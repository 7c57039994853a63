package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/phonepass/phonepass/phone"
	"go.uber.org/zap"
)

// Trigger sources that Handler serves.
const (
	SourcePreSignUp             = "PreSignUp_SignUp"
	SourcePreSignUpAdmin        = "PreSignUp_AdminCreateUser"
	SourcePreSignUpExternal     = "PreSignUp_ExternalProvider"
	SourceDefineAuthChallenge   = "DefineAuthChallenge_Authentication"
	SourceCreateAuthChallenge   = "CreateAuthChallenge_Authentication"
	SourceVerifyChallengeAnswer = "VerifyAuthChallengeResponse_Authentication"
)

// SourceAdminUnlock is the triggerSource of an administrator's request to
// clear a phone number's wrong answers and lock: {"triggerSource":
// "PhonepassAdmin_Unlock", "phone": "+447700900123"}, sent by invoking the
// function directly (aws lambda invoke). Cognito never sends it, and only
// principals allowed lambda:InvokeFunction can.
const SourceAdminUnlock = "PhonepassAdmin_Unlock"

// ChallengeName is the only challenge phonepass presents and accepts.
const ChallengeName = "CUSTOM_CHALLENGE"

// ClientMetadataAction is the client-metadata key a client sets, with the
// value ActionResend, when it answers a challenge to ask for a new code.
const ClientMetadataAction = "phonepass_action"

// ActionResend is the value of ClientMetadataAction that asks for a new code.
const ActionResend = "resend"

// Sender delivers a code to a phone number. Package sms implements it.
type Sender interface {
	SendCode(ctx context.Context, phone, code string) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, phone, code string) error

// SendCode calls f.
func (f SenderFunc) SendCode(ctx context.Context, phone, code string) error {
	return f(ctx, phone, code)
}

// Handler serves the four phonepass triggers. It is safe for concurrent use.
type Handler struct {
	cfg       Config
	sender    Sender
	limiter   Limiter
	log       *zap.Logger
	now       func() time.Time
	random    func(digits int) (string, error)
	sendTimes sendTimes
	pause     func(ctx context.Context, d time.Duration)
}

// Option changes a Handler made by New.
type Option func(*Handler)

// WithClock makes the Handler read the time from now instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(h *Handler) { h.now = now }
}

// WithLimiter makes the Handler consult l before every code it sends and
// every answer it checks.
func WithLimiter(l Limiter) Option {
	return func(h *Handler) { h.limiter = l }
}

// WithPause makes the Handler wait with wait instead of a timer where it
// stands in for a send (see Config.HideUnknownUsers). It is meant for tests.
func WithPause(wait func(ctx context.Context, d time.Duration)) Option {
	return func(h *Handler) { h.pause = wait }
}

// WithCodeSource makes the Handler draw codes from gen instead of otp.Generate.
// It is meant for tests that must know the code.
func WithCodeSource(gen func(digits int) (string, error)) Option {
	return func(h *Handler) { h.random = gen }
}

// New returns a Handler for the rules in cfg that sends codes with sender and
// logs to log (nil means no logging).
func New(cfg Config, sender Sender, log *zap.Logger, opts ...Option) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("triggers config: %w", err)
	}
	if sender == nil {
		return nil, errors.New("triggers: sender is nil")
	}
	if log == nil {
		log = zap.NewNop()
	}
	h := &Handler{cfg: cfg, sender: sender, log: log, now: time.Now, random: generateCode, pause: pause}
	for _, o := range opts {
		o(h)
	}
	return h, nil
}

// UserError is an error whose message is safe to show the user: Cognito
// passes it to the client as "<Trigger> failed with error <message>.".
type UserError struct{ msg string }

// Error returns the user-facing message.
func (e *UserError) Error() string { return e.msg }

func userErr(msg string) error { return &UserError{msg: msg} }

// errInternal is what the user sees of an error that is not a UserError.
var errInternal = userErr("internal error")

// header is the part of every Cognito user pool event that dispatch reads.
type header struct {
	TriggerSource *string `json:"triggerSource"`
}

// outcome is what one invocation did, for the log line.
type outcome struct {
	result string
	pool   string
	phone  string
	detail error
}

// Invoke handles one raw Cognito event and returns the event with its
// response set. It implements lambda.Handler. An error names what was wrong
// in words that are safe for the user; details go to the log.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	start := h.now()
	var hd header
	var out outcome
	resp, err := h.dispatch(ctx, payload, &hd, &out)
	h.logInvocation(ctx, hd, out, err, start)
	var ue *UserError
	if err != nil && !errors.As(err, &ue) {
		err = errInternal
	}
	return resp, err
}

func (h *Handler) dispatch(ctx context.Context, payload []byte, hd *header, out *outcome) ([]byte, error) {
	// Fast path: route on the triggerSource found by a plain scan and decode
	// the event once. It is taken only when the typed decode succeeds and
	// agrees on the triggerSource; anything else goes the full way below, so
	// answers and errors are the same either way.
	if src, ok := peekTriggerSource(payload); ok {
		if resp, handled, err := h.route(ctx, src, payload, out, true); handled {
			hd.TriggerSource = &src
			return resp, err
		}
	}
	return h.dispatchFull(ctx, payload, hd, out)
}

// dispatchFull reads the header, then routes: the path of every event the
// fast path does not take, and the one that words every error.
func (h *Handler) dispatchFull(ctx context.Context, payload []byte, hd *header, out *outcome) ([]byte, error) {
	if err := json.Unmarshal(payload, hd); err != nil {
		return nil, userErr("event is not a Cognito user pool trigger event: " + describeJSONError(err))
	}
	if hd.TriggerSource == nil {
		return nil, userErr("event is not a Cognito user pool trigger event: it has no triggerSource")
	}
	src := *hd.TriggerSource
	if resp, handled, err := h.route(ctx, src, payload, out, false); handled {
		return resp, err
	}
	if len(src) > 64 {
		src = src[:64] + "..."
	}
	return nil, userErr(fmt.Sprintf("unsupported triggerSource %q", src))
}

// route hands payload to the trigger of src; handled is false for a source
// phonepass does not serve. With strict, it also gives up (handled false,
// nothing run) unless the event decodes and its triggerSource, read as
// header reads it, is src.
func (h *Handler) route(ctx context.Context, src string, payload []byte, out *outcome, strict bool) (resp []byte, handled bool, err error) {
	switch src {
	case SourcePreSignUp, SourcePreSignUpAdmin, SourcePreSignUpExternal:
		return handle(payload, src, strict, out, h.preSignUp, func(w *struct {
			preSignUpEvent
			TriggerSource *string `json:"triggerSource"`
		}) (*preSignUpEvent, *string) {
			if w.TriggerSource != nil {
				w.preSignUpEvent.TriggerSource = *w.TriggerSource
			}
			return &w.preSignUpEvent, w.TriggerSource
		})
	case SourceDefineAuthChallenge:
		return handle(payload, src, strict, out, h.defineAuthChallenge, func(w *struct {
			defineEvent
			TriggerSource *string `json:"triggerSource"`
		}) (*defineEvent, *string) {
			if w.TriggerSource != nil {
				w.defineEvent.TriggerSource = *w.TriggerSource
			}
			return &w.defineEvent, w.TriggerSource
		})
	case SourceCreateAuthChallenge:
		create := func(ev *createEvent, out *outcome) error { return h.createAuthChallenge(ctx, ev, out) }
		return handle(payload, src, strict, out, create, func(w *struct {
			createEvent
			TriggerSource *string `json:"triggerSource"`
		}) (*createEvent, *string) {
			if w.TriggerSource != nil {
				w.createEvent.TriggerSource = *w.TriggerSource
			}
			return &w.createEvent, w.TriggerSource
		})
	case SourceVerifyChallengeAnswer:
		verify := func(ev *verifyEvent, out *outcome) error { return h.verifyAuthChallenge(ctx, ev, out) }
		return handle(payload, src, strict, out, verify, func(w *struct {
			verifyEvent
			TriggerSource *string `json:"triggerSource"`
		}) (*verifyEvent, *string) {
			if w.TriggerSource != nil {
				w.verifyEvent.TriggerSource = *w.TriggerSource
			}
			return &w.verifyEvent, w.TriggerSource
		})
	case SourceAdminUnlock:
		unlock := func(ev *unlockEvent, out *outcome) error { return h.unlock(ctx, ev, out) }
		return handle(payload, src, strict, out, unlock, func(w *struct {
			unlockEvent
			TriggerSource *string `json:"triggerSource"`
		}) (*unlockEvent, *string) {
			if w.TriggerSource != nil {
				w.unlockEvent.TriggerSource = *w.TriggerSource
			}
			return &w.unlockEvent, w.TriggerSource
		})
	}
	return nil, false, nil
}

// handle decodes payload into an event of type E, runs fn on it and encodes
// the event with its response.
//
// With strict, it decodes into W instead: E with a *string triggerSource
// that shadows E's own, so that one pass reads the event and the
// triggerSource exactly as header does (null gives nil); split returns the
// event, its triggerSource copied in, and that *string. An event that does
// not decode, or whose triggerSource is not src, is then not handled.
func handle[E, W any](payload []byte, src string, strict bool, out *outcome, fn func(*E, *outcome) error, split func(*W) (*E, *string)) ([]byte, bool, error) {
	var ev *E
	if strict {
		w := new(W)
		if err := json.Unmarshal(payload, w); err != nil {
			return nil, false, nil
		}
		var got *string
		if ev, got = split(w); got == nil || *got != src {
			return nil, false, nil
		}
	} else {
		ev = new(E)
		if err := json.Unmarshal(payload, ev); err != nil {
			return nil, true, userErr("malformed Cognito event: " + describeJSONError(err))
		}
	}
	if err := fn(ev, out); err != nil {
		return nil, true, err
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, true, fmt.Errorf("encode response: %w", err)
	}
	return b, true, nil
}

// peekTriggerSource returns the string value of the first "triggerSource"
// key in payload without decoding it; ok is false when there is none or the
// value is not a plain string. It is only a guess, which the typed decode
// confirms.
func peekTriggerSource(payload []byte) (src string, ok bool) {
	const key = `"triggerSource"`
	i := bytes.Index(payload, []byte(key))
	if i < 0 {
		return "", false
	}
	rest := skipSpace(payload[i+len(key):])
	if len(rest) == 0 || rest[0] != ':' {
		return "", false
	}
	rest = skipSpace(rest[1:])
	if len(rest) == 0 || rest[0] != '"' {
		return "", false
	}
	rest = rest[1:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return "", false
	}
	return string(rest[:end]), true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// describeJSONError says what was wrong with an event without echoing it.
func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return "it is a JSON " + te.Value + ", not an object"
		}
		return fmt.Sprintf("field %s is a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return "invalid JSON"
}

func (h *Handler) logInvocation(ctx context.Context, hd header, out outcome, err error, start time.Time) {
	level := zap.InfoLevel
	if err != nil {
		level = zap.WarnLevel
		var ue *UserError
		if !errors.As(err, &ue) {
			level = zap.ErrorLevel
		}
	}
	ce := h.log.Check(level, "invocation")
	if ce == nil {
		return
	}
	src := ""
	if hd.TriggerSource != nil {
		src = *hd.TriggerSource
	}
	var reqID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		reqID = lc.AwsRequestID
	}
	result := out.result
	if err != nil && result == "" {
		result = "error"
	}
	fields := []zap.Field{
		zap.String("requestId", reqID),
		zap.String("triggerSource", src),
		zap.String("userPoolId", out.pool),
		zap.String("phone", phone.Mask(out.phone)),
		zap.String("outcome", result),
		zap.Duration("duration", h.now().Sub(start)),
	}
	if err != nil {
		fields = append(fields, zap.String("error", err.Error()))
	}
	if out.detail != nil {
		fields = append(fields, zap.String("detail", out.detail.Error()))
	}
	ce.Write(fields...)
}
