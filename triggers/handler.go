package triggers

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// SourceAdminUnlockRange is the triggerSource of an administrator's request
// to lift the range guard from the range of a number, for the current
// window: {"triggerSource": "PhonepassAdmin_UnlockRange", "phone":
// "+447700900123"}, sent as SourceAdminUnlock is.
const SourceAdminUnlockRange = "PhonepassAdmin_UnlockRange"

// ChallengeName is the only challenge phonepass presents and accepts.
const ChallengeName = "CUSTOM_CHALLENGE"

// ClientMetadataAction is the client-metadata key a client sets, with the
// value ActionResend, when it answers a challenge to ask for a new code.
const ClientMetadataAction = "phonepass_action"

// ActionResend is the value of ClientMetadataAction that asks for a new code.
const ActionResend = "resend"

// Sender delivers a code to a phone number, in the language of locale (the
// user's locale attribute, often empty) or of the number, and returns how
// many SMS segments the message took. Package sms implements it.
type Sender interface {
	SendCode(ctx context.Context, phone, code, locale string) (segments int, err error)
}

// uncertain is what a Sender's error says of itself when the text may have
// gone all the same (package sms's SendError): the request went out and no
// answer came. Any other error is a text that was not taken.
type uncertain interface {
	Uncertain() bool
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, phone, code, locale string) (int, error)

// SendCode calls f.
func (f SenderFunc) SendCode(ctx context.Context, phone, code, locale string) (int, error) {
	return f(ctx, phone, code, locale)
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
	metrics   MetricsWriter
	maskKey   []byte // keys standInMask
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
	h := &Handler{cfg: cfg, sender: sender, log: log, now: time.Now, random: generateCode, pause: pause,
		maskKey: cfg.Keys.Derive("hidden-mask")}
	for _, o := range opts {
		o(h)
	}
	return h, nil
}

// Invoke handles one raw Cognito event and returns the event with its
// response set. It implements lambda.Handler. An error names what was wrong
// in words that are safe for the user; details go to the log.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	start := h.now()
	var out outcome
	resp, src, err := h.dispatch(ctx, payload, &out)
	h.logInvocation(ctx, src, out, err, start)
	h.writeMetrics(src, out)
	var ue *UserError
	if err != nil && !errors.As(err, &ue) {
		err = errInternal
	}
	return resp, err
}
