package triggers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/phonepass/phonepass/phone"
)

// Limiter holds the limits across sign-ins for each phone number and for
// the pool. Package ratelimit implements it. A refusal is an error with the
// methods of refusal; any other error means the limiter could not be asked.
type Limiter interface {
	// Take records one code about to be sent to phone at now, unless the
	// number is cooling off or locked after wrong answers, or a send limit
	// is reached.
	Take(ctx context.Context, phone string, now time.Time) error
	// Reserve counts one answer for phone about to be checked at now,
	// unless the number is cooling off or locked.
	Reserve(ctx context.Context, phone string, now time.Time) error
	// Clear forgets phone's wrong answers: after a right one, or to unlock it.
	Clear(ctx context.Context, phone string) error
}

// refusal is what a Limiter's refusals say of themselves.
type refusal interface {
	// RetryAfter is how long until the limit allows again; zero when only
	// an administrator can lift it.
	RetryAfter() time.Duration
	// PoolWide reports the whole pool's ceiling rather than this number's limit.
	PoolWide() bool
	// WrongAnswers reports a cool-off or lock after wrong answers rather
	// than a limit on codes sent.
	WrongAnswers() bool
}

// refused returns the user's error and the log outcome for a refusal.
func refused(r refusal) (error, Outcome) {
	wait := r.RetryAfter()
	switch {
	case r.PoolWide():
		return userErr(CodePoolLimited, "sign-in codes are temporarily unavailable; try again in "+humanWait(wait)), OutcomePoolLimited
	case r.WrongAnswers() && wait == 0:
		return userErr(CodeLocked, "too many wrong codes for this phone number: it is locked until support unlocks it"), OutcomeLocked
	case r.WrongAnswers():
		return userErr(CodeCoolingOff, "too many wrong codes for this phone number; try again in "+humanWait(wait)), OutcomeCoolingOff
	}
	return userErr(CodeRateLimited, "too many codes requested for this phone number; try again in "+humanWait(wait)), OutcomeRateLimited
}

// takeSend asks the Limiter, if any, whether a code may be sent to phone.
// A limiter that cannot be asked fails closed unless LimiterFailOpen.
func (h *Handler) takeSend(ctx context.Context, phone string, now time.Time, out *outcome) error {
	if h.limiter == nil {
		return nil
	}
	return judge(h.limiter.Take(ctx, phone, now), h.cfg.LimiterFailOpen, "rate limiter", errSendFailed, out)
}

// reserveAnswer counts one answer for phone before it is checked. It always
// fails closed: an answer that cannot be counted is not checked.
func (h *Handler) reserveAnswer(ctx context.Context, phone string, now time.Time, out *outcome) error {
	if h.limiter == nil {
		return nil
	}
	return judge(h.limiter.Reserve(ctx, phone, now), false, "guess budget", errCheckFailed, out)
}

// judge turns what the limiter (named by what) answered into the user's
// answer: nil, a refusal's message, or unavailable when it could not be
// asked, unless failOpen lets it pass.
func judge(err error, failOpen bool, what string, unavailable error, out *outcome) error {
	var r refusal
	switch {
	case err == nil:
		return nil
	case errors.As(err, &r):
		ue, result := refused(r)
		out.result = result
		return ue
	case failOpen:
		out.detail = fmt.Errorf("%s failed open: %w", what, err)
		return nil
	}
	out.detail = fmt.Errorf("%s failed closed: %w", what, err)
	out.result = OutcomeLimiterDown
	return unavailable
}

// clearAnswers forgets phone's wrong answers after a right one. A failure
// is logged and otherwise ignored: the count only stays higher.
func (h *Handler) clearAnswers(ctx context.Context, phone string, out *outcome) {
	if h.limiter == nil {
		return
	}
	if err := h.limiter.Clear(ctx, phone); err != nil {
		out.detail = fmt.Errorf("clear wrong answers: %w", err)
	}
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

// unlockEvent is the administrator's request to clear a phone number's
// wrong answers and lock, sent by invoking the function directly (see
// SourceAdminUnlock); Cognito never sends it.
type unlockEvent struct {
	TriggerSource string `json:"triggerSource"`
	Phone         string `json:"phone"`
	Unlocked      bool   `json:"unlocked"`
}

// unlock clears a phone number's wrong answers, lock included.
func (h *Handler) unlock(ctx context.Context, ev *unlockEvent, out *outcome) error {
	out.phone = ev.Phone
	ev.Unlocked = false
	if !phone.Valid(ev.Phone) {
		return errPhoneFormat
	}
	if h.limiter == nil {
		return userErr(CodeNoLimiter, "no limiter is configured: there is nothing to unlock")
	}
	if err := h.limiter.Clear(ctx, ev.Phone); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	ev.Unlocked = true
	out.result = OutcomeUnlocked
	return nil
}
