package triggers

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/phone"
)

// Config holds the sign-in rules. The zero value is not valid: start from
// DefaultConfig.
type Config struct {
	// CodeDigits is the length of a code, otp.MinDigits to otp.MaxDigits.
	CodeDigits int
	// CodeTTL is how long a code stays valid after it is sent.
	CodeTTL time.Duration
	// MaxAttempts is the number of wrong answers that ends a sign-in.
	MaxAttempts int
	// MaxResends is the number of new codes a user may ask for in one sign-in.
	MaxResends int
	// ResendInterval is the least time between two sends in one sign-in.
	ResendInterval time.Duration
	// AllowedCountryCodes lists the country calling codes (such as "1" or
	// "44") that may sign up and receive codes; empty allows all.
	AllowedCountryCodes []string
	// HideUnknownUsers makes an unknown user, or one whose phone number is
	// not verified, get a challenge that can never succeed instead of a
	// "user not found" error: the same public parameters, the same limits,
	// and as long to answer as a real send, so that sign-in does not reveal
	// which phone numbers have accounts. No SMS is sent either way.
	HideUnknownUsers bool
	// LimiterFailOpen sends the code anyway when the Limiter cannot be
	// reached. The default, false, sends nothing and fails the sign-in. It
	// never applies to the guess budget: an answer that cannot be counted
	// is never checked.
	LimiterFailOpen bool
	// Keys is the server secret that keys the digests of codes. Required.
	Keys otp.Keys
	// AcceptedLineTypes are the line types that may sign up and receive
	// codes: phone.DefaultAccepted unless configured.
	AcceptedLineTypes []phone.LineType
	// AllowFictional lets the numbers kept for fiction and documentation
	// (phone.Fictional) sign up and receive codes: for the local pool and
	// sam local dry runs, never for a deployed function.
	AllowFictional bool
}

// Defaults and bounds of Config.
const (
	DefaultCodeDigits     = 6
	DefaultCodeTTL        = 5 * time.Minute
	DefaultMaxAttempts    = 3
	DefaultMaxResends     = 2
	DefaultResendInterval = 30 * time.Second

	MinCodeTTL        = 30 * time.Second
	MaxCodeTTL        = 15 * time.Minute
	MaxMaxAttempts    = 10
	MaxMaxResends     = 5
	MaxResendInterval = 5 * time.Minute
)

// DefaultConfig returns the rules phonepass uses when nothing is configured.
func DefaultConfig() Config {
	return Config{
		CodeDigits:     DefaultCodeDigits,
		CodeTTL:        DefaultCodeTTL,
		MaxAttempts:    DefaultMaxAttempts,
		MaxResends:     DefaultMaxResends,
		ResendInterval: DefaultResendInterval,

		AcceptedLineTypes: slices.Clone(phone.DefaultAccepted),
	}
}

// Validate reports the first rule that is out of its bounds.
func (c Config) Validate() error {
	switch {
	case c.CodeDigits < otp.MinDigits || c.CodeDigits > otp.MaxDigits:
		return fmt.Errorf("code digits %d is not in %d..%d", c.CodeDigits, otp.MinDigits, otp.MaxDigits)
	case c.CodeTTL < MinCodeTTL || c.CodeTTL > MaxCodeTTL:
		return fmt.Errorf("code lifetime %s is not in %s..%s", c.CodeTTL, MinCodeTTL, MaxCodeTTL)
	case c.MaxAttempts < 1 || c.MaxAttempts > MaxMaxAttempts:
		return fmt.Errorf("max attempts %d is not in 1..%d", c.MaxAttempts, MaxMaxAttempts)
	case c.MaxResends < 0 || c.MaxResends > MaxMaxResends:
		return fmt.Errorf("max resends %d is not in 0..%d", c.MaxResends, MaxMaxResends)
	case c.ResendInterval < 0 || c.ResendInterval > MaxResendInterval:
		return fmt.Errorf("resend interval %s is not in 0s..%s", c.ResendInterval, MaxResendInterval)
	}
	if c.Keys.IsZero() {
		return errors.New("no code key")
	}
	if len(c.AcceptedLineTypes) == 0 {
		return errors.New("no line type may receive codes")
	}
	for _, cc := range c.AllowedCountryCodes {
		if !phone.IsCallingCode(cc) {
			return fmt.Errorf("country calling code %q must be 1 to 3 digits without a leading zero or +", cc)
		}
	}
	return nil
}

// checkPhone returns nil if number is strict E.164, its country is
// allowed, and libphonenumber's metadata says it is valid and of a line type
// that may receive codes (or it is a fictional number, where allowed).
func (c Config) checkPhone(number string) error {
	if !phone.Valid(number) {
		return errPhoneFormat
	}
	if !phone.HasCallingCode(number, c.AllowedCountryCodes) {
		return errCountry
	}
	err := phone.Check(number, c.AcceptedLineTypes, c.AllowFictional)
	var invalid *phone.InvalidError
	switch {
	case errors.As(err, &invalid):
		return userErr(CodeNumberInvalid, invalid.Error())
	case errors.Is(err, phone.ErrCannotText):
		return userErr(CodeCannotText, err.Error())
	}
	return nil
}
