package triggers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/phonepass/phonepass/otp"
)

type (
	preSignUpEvent = events.CognitoEventUserPoolsPreSignup
	defineEvent    = events.CognitoEventUserPoolsDefineAuthChallenge
	createEvent    = events.CognitoEventUserPoolsCreateAuthChallenge
	verifyEvent    = events.CognitoEventUserPoolsVerifyAuthChallenge
)

// Public challenge parameters that CreateAuthChallenge gives the client.
const (
	// ParamPhone is the masked phone number the code went to, such as "+*******4455".
	ParamPhone = "phone"
	// ParamCodeLength is the number of digits in the code.
	ParamCodeLength = "codeLength"
	// ParamAttemptsLeft is the number of wrong answers left before the sign-in fails.
	ParamAttemptsLeft = "attemptsLeft"
	// ParamResendAvailable is "true" while a new code may still be asked for in this sign-in.
	ParamResendAvailable = "resendAvailable"
	// ParamResendInSeconds is the number of seconds until a new code may be asked for.
	ParamResendInSeconds = "resendInSeconds"
	// ParamExpiresInSeconds is the number of seconds the code stays valid.
	ParamExpiresInSeconds = "expiresInSeconds"
)

// Attribute names read from userAttributes.
const attrPhone = "phone_number"

// User-facing errors.
var (
	errUserNotFound = userErr("user not found")
	errSendFailed   = userErr("could not send the code")
	errNoPhone      = userErr("the user has no phone_number")
)

// generateCode draws a code from crypto/rand.
func generateCode(digits int) (string, error) { return otp.Generate(digits) }

// preSignUp confirms users who sign up or are created with a valid phone
// number and marks the phone verified: the first code they receive proves
// it. Users from an external identity provider pass unchanged: phonepass does
// not confirm or verify them, and they cannot sign in by code without a
// verified phone number.
func (h *Handler) preSignUp(ev *preSignUpEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	phone := ev.Request.UserAttributes[attrPhone]
	out.phone = phone
	ev.Response = events.CognitoEventUserPoolsPreSignupResponse{}
	if ev.TriggerSource == SourcePreSignUpExternal {
		out.result = "external-unchanged"
		return nil
	}
	if phone == "" {
		return userErr("phone_number is required")
	}
	if err := h.cfg.checkPhone(phone); err != nil {
		return err
	}
	ev.Response.AutoConfirmUser = true
	ev.Response.AutoVerifyPhone = true
	out.result = "confirmed"
	return nil
}

// defineAuthChallenge drives the sign-in: a code challenge first, tokens after
// a right answer, the same challenge after a wrong one until MaxAttempts wrong
// answers, and failure at once for a session that holds anything but
// phonepass's own CUSTOM_CHALLENGE.
func (h *Handler) defineAuthChallenge(ev *defineEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	out.phone = ev.Request.UserAttributes[attrPhone]
	ev.Response = events.CognitoEventUserPoolsDefineAuthChallengeResponse{}
	fail := func(result string, detail error) error {
		ev.Response.FailAuthentication = true
		out.result, out.detail = result, detail
		return nil
	}
	if ev.Request.UserNotFound && !h.cfg.HideUnknownUsers {
		out.result = "user-not-found"
		return errUserNotFound
	}
	rounds, wrong, err := h.cfg.tally(ev.Request.Session, ev.Request.ClientMetadata, h.now())
	if err != nil {
		return fail("refused-session", err)
	}
	n := len(rounds)
	switch {
	case n == 0:
	case ev.Request.Session[n-1].ChallengeResult && !ev.Request.UserNotFound && !rounds[n-1].never:
		ev.Response.IssueTokens = true
		out.result = "tokens"
		return nil
	case wrong >= h.cfg.MaxAttempts:
		return fail("too-many-attempts", nil)
	case n > h.cfg.MaxAttempts+h.cfg.MaxResends:
		return fail("too-many-rounds", nil)
	}
	ev.Response.ChallengeName = ChallengeName
	out.result = "challenge"
	return nil
}

// createAuthChallenge sends a code in the first round, reuses it after a
// wrong answer, and sends a new one when the client asks and a resend is
// allowed. An unknown user (with HideUnknownUsers) gets a challenge that can
// never succeed, and no SMS.
func (h *Handler) createAuthChallenge(ctx context.Context, ev *createEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	req := &ev.Request
	phone := req.UserAttributes[attrPhone]
	if req.UserNotFound {
		phone = ev.UserName
	}
	out.phone = phone
	ev.Response = events.CognitoEventUserPoolsCreateAuthChallengeResponse{
		PublicChallengeParameters:  map[string]string{},
		PrivateChallengeParameters: map[string]string{},
	}
	if req.ChallengeName != ChallengeName {
		return userErr(fmt.Sprintf("unsupported challenge %q", truncate(req.ChallengeName)))
	}
	if req.UserNotFound && !h.cfg.HideUnknownUsers {
		out.result = "user-not-found"
		return errUserNotFound
	}
	now := h.now()
	rounds, wrong, err := h.cfg.tally(req.Session, req.ClientMetadata, now)
	if err != nil {
		out.detail = err
		return userErr("invalid session")
	}
	var r round
	fresh, resends := len(rounds) == 0, 0
	if !fresh {
		r = rounds[len(rounds)-1]
		if wantsResend(req.ClientMetadata) && h.cfg.resendAllowedNow(r, now) {
			fresh, resends = true, r.resends+1
		}
	}
	switch {
	case fresh && req.UserNotFound:
		// Look like a real challenge, send nothing, never succeed.
		r = round{resends: resends, sentAt: now.Truncate(time.Second), never: true}
		out.result = "unknown-user"
	case fresh:
		if r, err = h.sendNew(ctx, phone, now, resends, out); err != nil {
			return err
		}
		out.result = "sent"
		if resends > 0 {
			out.result = "resent"
		}
	default:
		out.result = "reused"
	}

	public := ev.Response.PublicChallengeParameters
	public[ParamPhone] = MaskPhone(phone)
	public[ParamCodeLength] = strconv.Itoa(h.cfg.CodeDigits)
	public[ParamAttemptsLeft] = strconv.Itoa(max(h.cfg.MaxAttempts-wrong, 0))
	wait, ok := h.cfg.resendWait(r, now)
	public[ParamResendAvailable] = strconv.FormatBool(ok)
	public[ParamResendInSeconds] = strconv.Itoa(int((wait + 999_999_999) / 1_000_000_000))
	left := r.sentAt.Add(h.cfg.CodeTTL).Sub(now)
	public[ParamExpiresInSeconds] = strconv.Itoa(max(int(left.Seconds()), 0))
	if !r.never {
		ev.Response.PrivateChallengeParameters[privateDigest] = r.digest.String()
	}
	ev.Response.ChallengeMetadata = r.String()
	return nil
}

// sendNew makes a code, sends it to phone and returns the round that records it.
func (h *Handler) sendNew(ctx context.Context, phone string, now time.Time, resends int, out *outcome) (round, error) {
	if phone == "" {
		return round{}, errNoPhone
	}
	if err := h.cfg.checkPhone(phone); err != nil {
		return round{}, err
	}
	if err := h.checkLimit(ctx, phone, now, out); err != nil {
		return round{}, err
	}
	code, err := h.random(h.cfg.CodeDigits)
	if err != nil {
		return round{}, fmt.Errorf("generate code: %w", err)
	}
	d, err := otp.NewDigest(code, now)
	if err != nil {
		return round{}, fmt.Errorf("digest code: %w", err)
	}
	if err := h.sender.SendCode(ctx, phone, code); err != nil {
		out.detail = err
		return round{}, errSendFailed
	}
	return round{resends: resends, sentAt: d.IssuedAt, digest: d}, nil
}

// checkLimit asks the Limiter, if any, whether a code may be sent to phone.
func (h *Handler) checkLimit(ctx context.Context, phone string, now time.Time, out *outcome) error {
	if h.limiter == nil {
		return nil
	}
	allowed, retryAfter, err := h.limiter.Take(ctx, phone, now)
	switch {
	case err != nil && h.cfg.LimiterFailOpen:
		out.detail = fmt.Errorf("rate limiter failed open: %w", err)
		return nil
	case err != nil:
		out.detail = fmt.Errorf("rate limiter failed closed: %w", err)
		out.result = "limiter-unavailable"
		return errSendFailed
	case !allowed:
		out.result = "rate-limited"
		return userErr("too many codes requested for this phone number; try again in " + humanWait(retryAfter))
	}
	return nil
}

// humanWait says a wait in whole minutes, or seconds under a minute.
func humanWait(d time.Duration) string {
	if d <= time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		if s <= 1 {
			return "1 second"
		}
		return strconv.Itoa(s) + " seconds"
	}
	m := int((d + time.Minute - 1) / time.Minute)
	return strconv.Itoa(m) + " minutes"
}

// verifyAuthChallenge accepts exactly the code of this challenge, trimmed of
// white space, before it expires. Anything else, including an answer that
// asks for a resend, is a wrong answer.
func (h *Handler) verifyAuthChallenge(ev *verifyEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	out.phone = ev.Request.UserAttributes[attrPhone]
	ev.Response = events.CognitoEventUserPoolsVerifyAuthChallengeResponse{}
	answer, isString := ev.Request.ChallengeAnswer.(string)
	switch {
	case ev.Request.UserNotFound:
		out.result = "unknown-user"
	case wantsResend(ev.Request.ClientMetadata):
		out.result = "resend-requested"
	case !isString:
		out.result = "wrong"
		out.detail = errors.New("challenge answer is not a string")
	default:
		d, err := otp.ParseDigest(ev.Request.PrivateChallengeParameters[privateDigest])
		if err != nil {
			out.result, out.detail = "wrong", fmt.Errorf("private challenge parameters: %w", err)
			return nil
		}
		now := h.now()
		if d.Matches(answer, now, h.cfg.CodeTTL) {
			ev.Response.AnswerCorrect = true
			out.result = "correct"
			return nil
		}
		out.result = "wrong"
		if d.Expired(now, h.cfg.CodeTTL) {
			out.result = "expired"
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
