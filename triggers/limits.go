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
	// is reached. The function it returns gives the code back, for a text
	// that SNS did not take.
	Take(ctx context.Context, phone string, now time.Time) (giveBack func(context.Context) error, err error)
	// Wrong counts one wrong answer for phone at now, unless the number is
	// cooling off, locked or out of its day's wrong answers.
	Wrong(ctx context.Context, phone string, now time.Time) error
	// Right admits a right answer for phone at now, on the same terms:
	// it ends the number's run of wrong answers (not its day's count) and
	// counts an answered code for its range.
	Right(ctx context.Context, phone string, now time.Time) error
	// Clear forgets phone's wrong answers and lock (an administrator's unlock).
	Clear(ctx context.Context, phone string) error
	// ClearRange lifts the range guard from the range of phone for the
	// window holding now (an administrator's unlock).
	ClearRange(ctx context.Context, phone string, now time.Time) error
}

// refusal is what a Limiter's refusals say of themselves.
type refusal interface {
	// RetryAfter is how long until the limit allows again; zero when only
	// an administrator can lift it.
	RetryAfter() time.Duration
	// PoolWide reports the whole pool's ceiling rather than this number's limit.
	PoolWide() bool
	// RangeWide reports the range guard: too few of the codes sent to the
	// number's range were answered.
	RangeWide() bool
	// CountryWide reports the budget of the number's country.
	CountryWide() bool
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
	case r.RangeWide():
		return userErr(CodeRangeLimited, "sign-in codes are temporarily unavailable for numbers like this one; try again in "+humanWait(wait)), OutcomeRangeLimited
	case r.CountryWide():
		return userErr(CodeCountryLimited, "sign-in codes are temporarily unavailable for this country; try again in "+humanWait(wait)), OutcomeCountryLimited
	case r.WrongAnswers() && wait == 0:
		return userErr(CodeLocked, "too many wrong codes for this phone number: it is locked until support unlocks it"), OutcomeLocked
	case r.WrongAnswers():
		return userErr(CodeCoolingOff, "too many wrong codes for this phone number; try again in "+humanWait(wait)), OutcomeCoolingOff
	}
	return userErr(CodeRateLimited, "too many codes requested for this phone number; try again in "+humanWait(wait)), OutcomeRateLimited
}

// GiveBackTimeout bounds the give-back of a send that SNS did not take. It
// runs on a context of its own, since the send's may have run out; the
// time budget (package config) keeps room for it.
const GiveBackTimeout = 300 * time.Millisecond

// takeSend asks the Limiter, if any, whether a code may be sent to phone,
// and returns the give-back of what it took (nil when nothing was). A
// limiter that cannot be asked fails closed unless LimiterFailOpen.
func (h *Handler) takeSend(ctx context.Context, phone string, now time.Time, out *outcome) (func(context.Context) error, error) {
	if h.limiter == nil {
		return nil, nil
	}
	giveBack, err := h.limiter.Take(ctx, phone, now)
	if err != nil {
		giveBack = nil
	}
	return giveBack, judge(err, h.cfg.LimiterFailOpen, "rate limiter", errSendFailed, out)
}

// giveBack gives back a send that SNS did not take, so that it counts
// toward no limit, on a context of its own with GiveBackTimeout; a failure
// joins the send's error in the log.
func giveBack(ctx context.Context, undo func(context.Context) error, out *outcome) {
	if undo == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), GiveBackTimeout)
	defer cancel()
	if err := undo(ctx); err != nil {
		out.detail = errors.Join(out.detail, fmt.Errorf("give back the send: %w", err))
	}
}

// countAnswer asks the guess budget to admit an answer for phone, right
// or wrong, before its verdict is given. It always fails closed: an answer
// that cannot be counted gets no verdict.
func (h *Handler) countAnswer(ctx context.Context, phone string, right bool, now time.Time, out *outcome) error {
	if h.limiter == nil {
		return nil
	}
	count := h.limiter.Wrong
	if right {
		count = h.limiter.Right
	}
	return judge(count(ctx, phone, now), false, "guess budget", errCheckFailed, out)
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

// humanWait says a wait in whole hours over two hours (a day's limit, a
// long cool-off), whole minutes down to a minute, else seconds.
func humanWait(d time.Duration) string {
	if d > 2*time.Hour {
		return strconv.Itoa(int((d+time.Hour-1)/time.Hour)) + " hours"
	}
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

// unlockEvent is an administrator's request to clear a phone number's
// wrong answers and lock (SourceAdminUnlock), or its range's guard
// (SourceAdminUnlockRange), sent by invoking the function directly;
// Cognito never sends it.
type unlockEvent struct {
	TriggerSource string `json:"triggerSource"`
	Phone         string `json:"phone"`
	Unlocked      bool   `json:"unlocked"`
}

// unlock clears a phone number's wrong answers, lock included.
func (h *Handler) unlock(ctx context.Context, ev *unlockEvent, out *outcome) error {
	return h.adminClear(ev, out, func(phone string) error { return h.limiter.Clear(ctx, phone) })
}

// unlockRange lifts the range guard from the range of a phone number.
func (h *Handler) unlockRange(ctx context.Context, ev *unlockEvent, out *outcome) error {
	return h.adminClear(ev, out, func(phone string) error { return h.limiter.ClearRange(ctx, phone, h.now()) })
}

// adminClear runs an administrator's clear of the limiter on ev's number.
func (h *Handler) adminClear(ev *unlockEvent, out *outcome, clear func(phone string) error) error {
	out.phone = ev.Phone
	ev.Unlocked = false
	if !phone.Valid(ev.Phone) {
		return errPhoneFormat
	}
	if h.limiter == nil {
		return userErr(CodeNoLimiter, "no limiter is configured: there is nothing to unlock")
	}
	if err := clear(ev.Phone); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	ev.Unlocked = true
	out.result = OutcomeUnlocked
	return nil
}
