package triggers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/phone"
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
	// ParamDeliveryUncertain is "true" when the code's text went to SNS
	// and no answer came: it may or may not arrive (the code works if it
	// does, and a new one may be asked for once the resend wait is over);
	// otherwise "false".
	ParamDeliveryUncertain = "deliveryUncertain"
)

// Attribute names read from userAttributes.
const (
	attrPhone         = "phone_number"
	attrPhoneVerified = "phone_number_verified"
	attrLocale        = "locale" // the message's language; the Sender ignores what it cannot read
)

// generateCode draws a code from crypto/rand.
func generateCode(digits int) (string, error) { return otp.Generate(digits) }

// recipient is whom a challenge is for: the number a code goes to, and
// whether one may go there at all. Only a known user's phone_number whose
// phone_number_verified is "true" may receive codes; anything else (an
// unknown number, an unverified or re-pointed one) is answered exactly like
// an unknown number, so the answers do not tell the two apart.
type recipient struct {
	phone    string // the number, or for an unknown name that is none, the name
	masked   string // the number as the challenge shows it
	locale   string
	eligible bool
	notPhone bool    // an unknown name that is no phone number: no number checks
	why      Outcome // the log outcome when not eligible
}

// recipientOf reads the recipient of a Define, Create or Verify event: for
// an unknown user, the name typed (the event's userName), which a client may
// have taken from an earlier challenge's USERNAME (a user's UUID-form name)
// rather than a number; such a name shows a stand-in masked number, stable
// for the name, of the form a real one has.
func (h *Handler) recipientOf(userName string, attrs map[string]string, notFound bool) recipient {
	switch {
	case notFound && !phone.Valid(userName):
		return recipient{phone: userName, masked: h.standInMask(userName), notPhone: true, why: OutcomeUnknownUser}
	case notFound:
		return recipient{phone: userName, masked: phone.Mask(userName), why: OutcomeUnknownUser}
	case attrs[attrPhoneVerified] != "true":
		return recipient{phone: attrs[attrPhone], masked: phone.Mask(attrs[attrPhone]), why: OutcomeUnverifiedPhone}
	}
	return recipient{phone: attrs[attrPhone], masked: phone.Mask(attrs[attrPhone]), locale: attrs[attrLocale], eligible: true}
}

// standInMask returns a masked number for a name that is none: "+", eight
// stars and four digits drawn from a keyed hash of the name, as
// "+********0123" masks a 12-digit number.
func (h *Handler) standInMask(name string) string {
	m := hmac.New(sha256.New, h.maskKey)
	m.Write([]byte(name))
	n := binary.BigEndian.Uint32(m.Sum(nil)) % 10000
	return fmt.Sprintf("+********%04d", n)
}

// preSignUp confirms users who sign up or are created with a valid phone
// number and marks the phone verified: the first code they receive proves
// it. Users from an external identity provider pass unchanged: phonepass does
// not confirm or verify them, and they cannot sign in by code without a
// verified phone number.
func (h *Handler) preSignUp(_ context.Context, ev *preSignUpEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	phone := ev.Request.UserAttributes[attrPhone]
	out.phone = phone
	ev.Response = events.CognitoEventUserPoolsPreSignupResponse{}
	if ev.TriggerSource == SourcePreSignUpExternal {
		out.result = OutcomeExternalUnchanged
		return nil
	}
	if phone == "" {
		return userErr(CodePhoneRequired, "phone_number is required")
	}
	if err := h.cfg.checkPhone(phone); err != nil {
		return err
	}
	ev.Response.AutoConfirmUser = true
	ev.Response.AutoVerifyPhone = true
	out.result = OutcomeConfirmed
	return nil
}

// defineAuthChallenge drives the sign-in: a code challenge first, tokens after
// a right answer, the same challenge after a wrong one until MaxAttempts wrong
// answers, and failure at once for a session that holds anything but
// phonepass's own CUSTOM_CHALLENGE. A user who may not receive codes gets
// "user not found", or with HideUnknownUsers a challenge like anyone's that
// can never succeed.
func (h *Handler) defineAuthChallenge(_ context.Context, ev *defineEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	to := h.recipientOf(ev.UserName, ev.Request.UserAttributes, ev.Request.UserNotFound)
	out.phone = to.phone
	ev.Response = events.CognitoEventUserPoolsDefineAuthChallengeResponse{}
	fail := func(result Outcome, detail error) error {
		ev.Response.FailAuthentication = true
		out.result, out.detail = result, detail
		return nil
	}
	if !to.eligible && !h.cfg.HideUnknownUsers {
		out.result = to.why
		return errUserNotFound
	}
	rounds, wrong, err := h.cfg.tally(ev.Request.Session, ev.Request.ClientMetadata, h.now())
	if err != nil {
		return fail(OutcomeRefusedSession, err)
	}
	n := len(rounds)
	switch {
	case n == 0:
	case ev.Request.Session[n-1].ChallengeResult && to.eligible:
		ev.Response.IssueTokens = true
		out.result = OutcomeTokens
		return nil
	case wrong >= h.cfg.MaxAttempts:
		return fail(OutcomeTooManyAttempts, nil)
	case n > h.cfg.MaxAttempts+h.cfg.MaxResends:
		return fail(OutcomeTooManyRounds, nil)
	}
	ev.Response.ChallengeName = ChallengeName
	out.result = OutcomeChallenge
	return nil
}

// createAuthChallenge sends a code in the first round, reuses it after a
// wrong answer, and sends a new one when the client asks and a resend is
// allowed. A user who may not receive codes (with HideUnknownUsers) goes the
// same way, counted by the same limits, but gets no SMS: a pause as long as
// a recent send and a digest no answer matches.
func (h *Handler) createAuthChallenge(ctx context.Context, ev *createEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	req := &ev.Request
	to := h.recipientOf(ev.UserName, req.UserAttributes, req.UserNotFound)
	out.phone = to.phone
	ev.Response = events.CognitoEventUserPoolsCreateAuthChallengeResponse{
		PublicChallengeParameters:  map[string]string{},
		PrivateChallengeParameters: map[string]string{},
	}
	if req.ChallengeName != ChallengeName {
		return userErrf(CodeUnsupportedChallenge, "unsupported challenge %q", truncate(req.ChallengeName))
	}
	if !to.eligible && !h.cfg.HideUnknownUsers {
		out.result = to.why
		return errUserNotFound
	}
	now := h.now()
	rounds, wrong, err := h.cfg.tally(req.Session, req.ClientMetadata, now)
	if err != nil {
		out.detail = err
		return userErr(CodeInvalidSession, "invalid session")
	}
	var r round
	fresh, resends := len(rounds) == 0, 0
	if !fresh {
		r = rounds[len(rounds)-1]
		if h.cfg.resendGranted(req.ClientMetadata, r, now) {
			fresh, resends = true, r.resends+1
		}
	}
	if fresh {
		if r, err = h.sendNew(ctx, ev.UserName, to, now, resends, out); err != nil {
			return err
		}
	} else {
		out.result = OutcomeReused
	}

	public := ev.Response.PublicChallengeParameters
	public[ParamPhone] = to.masked
	public[ParamCodeLength] = strconv.Itoa(h.cfg.CodeDigits)
	public[ParamAttemptsLeft] = strconv.Itoa(max(h.cfg.MaxAttempts-wrong, 0))
	wait, ok := h.cfg.resendWait(r, now)
	public[ParamResendAvailable] = strconv.FormatBool(ok)
	public[ParamResendInSeconds] = strconv.Itoa(int((wait + 999_999_999) / 1_000_000_000))
	left := r.sentAt().Add(h.cfg.CodeTTL).Sub(now)
	public[ParamExpiresInSeconds] = strconv.Itoa(max(int(left.Seconds()), 0))
	public[ParamDeliveryUncertain] = strconv.FormatBool(r.uncertain)
	ev.Response.PrivateChallengeParameters[privateDigest] = r.digest.String()
	ev.Response.ChallengeMetadata = r.String()
	return nil
}

// sendNew makes a code for userName, sends it to the recipient and returns
// the round that records it. A recipient who may not receive codes passes
// the same checks and limits, then gets a pause instead of an SMS and a
// digest that no answer matches.
func (h *Handler) sendNew(ctx context.Context, userName string, to recipient, now time.Time, resends int, out *outcome) (round, error) {
	if to.phone == "" {
		return round{}, errNoPhone
	}
	if !to.notPhone {
		if err := h.cfg.checkPhone(to.phone); err != nil {
			return round{}, err
		}
	}
	undo, err := h.takeSend(ctx, to.phone, now, out)
	if err != nil {
		return round{}, err
	}
	started := time.Now()
	if !to.eligible {
		h.pause(ctx, h.sendTimes.draw())
		d, err := otp.NeverDigest(h.cfg.CodeDigits, now)
		if err != nil {
			return round{}, fmt.Errorf("digest: %w", err)
		}
		out.result = to.why
		return round{resends: resends, digest: d}, nil
	}
	code, err := h.random(h.cfg.CodeDigits)
	if err != nil {
		giveBack(ctx, undo, out)
		return round{}, fmt.Errorf("generate code: %w", err)
	}
	d, err := h.cfg.Keys.NewDigest(userName, code, now)
	if err != nil {
		giveBack(ctx, undo, out)
		return round{}, fmt.Errorf("digest code: %w", err)
	}
	start := time.Now()
	out.segments, err = h.sender.SendCode(ctx, to.phone, code, to.locale)
	out.sendLatency = time.Since(start)
	var u uncertain
	switch {
	case err != nil && errors.As(err, &u) && u.Uncertain():
		// It may have gone: the send stays counted, and the challenge goes
		// on, so a text that arrives works and none is sent twice.
		out.result, out.detail, out.segments = OutcomeSentUncertain, err, 0
		return round{resends: resends, digest: d, uncertain: true}, nil
	case err != nil:
		out.result, out.detail = OutcomeSendFailed, err
		giveBack(ctx, undo, out)
		return round{}, errSendFailed
	}
	if h.cfg.HideUnknownUsers {
		// Up to the floor that an unknown number's pause never goes under.
		took := time.Since(started)
		if took < hiddenFloor {
			h.pause(ctx, hiddenFloor-took)
		}
		h.sendTimes.record(took)
	}
	out.result = OutcomeSent
	if resends > 0 {
		out.result = OutcomeResent
	}
	return round{resends: resends, digest: d}, nil
}

// verifyAuthChallenge accepts exactly the code of this challenge, trimmed of
// white space, before it expires. No verdict is given before the number's
// guess budget has counted the answer (a wrong one) or admitted it (a right
// one, which ends the run of wrong answers); a budget that refuses, or
// cannot be asked, gets its error instead. An answer that asks for a resend
// is not checked, and not counted.
func (h *Handler) verifyAuthChallenge(ctx context.Context, ev *verifyEvent, out *outcome) error {
	out.pool = ev.UserPoolID
	to := h.recipientOf(ev.UserName, ev.Request.UserAttributes, ev.Request.UserNotFound)
	out.phone = to.phone
	ev.Response = events.CognitoEventUserPoolsVerifyAuthChallengeResponse{}
	answer, isString := ev.Request.ChallengeAnswer.(string)
	switch {
	case wantsResend(ev.Request.ClientMetadata):
		out.result = OutcomeResendRequested
		return nil
	case !isString:
		out.result = OutcomeWrong
		out.detail = errors.New("challenge answer is not a string")
		return nil
	}
	d, err := otp.ParseDigest(ev.Request.PrivateChallengeParameters[privateDigest])
	if err != nil {
		out.result, out.detail = OutcomeWrong, fmt.Errorf("private challenge parameters: %w", err)
		return nil
	}
	now := h.now()
	// The verdict is worked out here and given only once the guess budget
	// has counted the answer: one conditional write, right or wrong.
	right := h.cfg.Keys.Matches(d, ev.UserName, answer, now, h.cfg.CodeTTL) && to.eligible
	if err := h.countAnswer(ctx, to.phone, right, now, out); err != nil {
		return err
	}
	if right {
		ev.Response.AnswerCorrect = true
		out.result = OutcomeCorrect
		return nil
	}
	switch {
	case !to.eligible:
		out.result = to.why
	case d.Expired(now, h.cfg.CodeTTL):
		out.result = OutcomeExpired
	default:
		out.result = OutcomeWrong
	}
	return nil
}
