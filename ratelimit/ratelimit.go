package ratelimit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Rule allows Limit sends in each fixed Window. A zero Limit turns the rule off.
type Rule struct {
	Limit  int
	Window time.Duration
}

// Rules are the send limits a limiter enforces.
type Rules struct {
	// PerPhone caps the codes sent to one phone number.
	PerPhone Rule
	// Pool caps the codes sent by the whole user pool.
	Pool Rule
}

// Defaults of Rules.
const (
	DefaultPerPhoneLimit  = 5
	DefaultPerPhoneWindow = 15 * time.Minute
	DefaultPoolPerMinute  = 60
)

// DefaultRules returns 5 codes per phone number per 15 minutes and 60 codes
// per minute for the pool.
func DefaultRules() Rules {
	return Rules{
		PerPhone: Rule{Limit: DefaultPerPhoneLimit, Window: DefaultPerPhoneWindow},
		Pool:     Rule{Limit: DefaultPoolPerMinute, Window: time.Minute},
	}
}

// Validate reports a rule with a negative limit or a window under a second.
func (r Rules) Validate() error {
	for name, rule := range map[string]Rule{"per-phone": r.PerPhone, "pool": r.Pool} {
		if rule.Limit < 0 {
			return fmt.Errorf("%s limit %d is negative", name, rule.Limit)
		}
		if rule.Limit > 0 && rule.Window < time.Second {
			return fmt.Errorf("%s window %s is under a second", name, rule.Window)
		}
	}
	return nil
}

// Policy is everything a limiter enforces, and the key it hides numbers with.
type Policy struct {
	// Sends are the limits on codes sent.
	Sends Rules
	// Guesses is the budget of wrong answers.
	Guesses GuessRules
	// Ranges are the range guard and the country budgets; the zero value
	// turns both off.
	Ranges RangeRules
	// Key keys the hashes that stand for phone numbers in the counters, so
	// that a copy of the counters does not give the numbers away (a hash of
	// a phone number alone is undone by trying every number).
	Key []byte
}

// MinKeyBytes is the shortest Policy.Key accepted.
const MinKeyBytes = 16

// Validate reports the first part of p that is out of its bounds.
func (p Policy) Validate() error {
	if err := p.Sends.Validate(); err != nil {
		return err
	}
	if err := p.Guesses.Validate(); err != nil {
		return err
	}
	if err := p.Ranges.Validate(); err != nil {
		return err
	}
	if len(p.Key) < MinKeyBytes {
		return fmt.Errorf("key is %d bytes, want at least %d", len(p.Key), MinKeyBytes)
	}
	return nil
}

// limit names what a Refused error refuses.
type limit int

const (
	limitPhone   limit = iota // too many codes sent to one number
	limitPool                 // too many codes sent by the pool
	limitCoolOff              // a cool-off after wrong answers
	limitLocked               // locked after too many wrong answers
	limitRange                // the range guard: too few of the range's codes answered
	limitCountry              // a country's budget of codes per hour
)

// Refused is the error of a send or an answer that a limit refuses. Its
// methods say which limit and for how long.
type Refused struct {
	limit limit
	wait  time.Duration
}

// Error says which limit refused and for how long.
func (e *Refused) Error() string {
	switch e.limit {
	case limitPool:
		return fmt.Sprintf("pool send ceiling reached for %s", e.wait)
	case limitCoolOff:
		return fmt.Sprintf("cooling off after wrong answers for %s", e.wait)
	case limitLocked:
		return "locked after too many wrong answers"
	case limitRange:
		return fmt.Sprintf("too few codes to the number's range answered: range closed for %s", e.wait)
	case limitCountry:
		return fmt.Sprintf("country send budget reached for %s", e.wait)
	}
	return fmt.Sprintf("phone send limit reached for %s", e.wait)
}

// RetryAfter returns how long until the limit allows again; zero when only
// an administrator can lift it.
func (e *Refused) RetryAfter() time.Duration { return e.wait }

// PoolWide reports whether the refusal is the whole pool's ceiling rather
// than a limit of this phone number.
func (e *Refused) PoolWide() bool { return e.limit == limitPool }

// WrongAnswers reports whether the refusal comes from wrong answers (a
// cool-off or a lock) rather than from codes sent.
func (e *Refused) WrongAnswers() bool { return e.limit == limitCoolOff || e.limit == limitLocked }

// RangeWide reports whether the refusal is the range guard's: too few of the
// codes sent to the number's range were answered, so the range gets none
// until the window ends (or an administrator lifts it with ClearRange).
func (e *Refused) RangeWide() bool { return e.limit == limitRange }

// CountryWide reports whether the refusal is a country's budget of codes
// per hour.
func (e *Refused) CountryWide() bool { return e.limit == limitCountry }

// IsRefused reports whether err is a Refused error.
func IsRefused(err error) bool {
	var r *Refused
	return errors.As(err, &r)
}

// window returns the start of the fixed window of length w holding now, and
// how long until it ends.
func window(now time.Time, w time.Duration) (start int64, left time.Duration) {
	sec := int64(w / time.Second)
	start = now.Unix() / sec * sec
	end := time.Unix(start+sec, 0)
	return start, end.Sub(now)
}

// numberHash stands for a phone number in every key: an HMAC under the
// policy's key, truncated to 128 bits, which is plenty to keep numbers apart.
func numberHash(key []byte, phone string) string {
	return keyedHash(key, "phonepass-number", phone)
}

// keyedHash is the HMAC-SHA-256 of s under key, labelled so that the hash of
// a range never equals the hash of a number with the same digits, truncated
// to 128 bits.
func keyedHash(key []byte, label, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// phoneKey is the send counter of a phone number, by its numberHash, in
// the window starting at start.
func phoneKey(hash string, start int64) string {
	return "phone#" + hash + "#" + strconv.FormatInt(start, 10)
}

// poolKey is the pool's send counter in the window starting at start.
func poolKey(start int64) string {
	return "pool#" + strconv.FormatInt(start, 10)
}

// rangeKey is the range guard's counter of a number range (a number
// without its last digits) in the window starting at start.
func rangeKey(key []byte, numberRange string, start int64) string {
	return "range#" + keyedHash(key, "phonepass-range", numberRange) + "#" + strconv.FormatInt(start, 10)
}

// countryKey is the send counter of a country calling code in the window
// starting at start. A calling code says little of a number: it is kept as
// it is, which lets an operator read a country's count in the table.
func countryKey(callingCode string, start int64) string {
	return "country#" + callingCode + "#" + strconv.FormatInt(start, 10)
}

// guessKey is the wrong-answer record of a phone number, by its numberHash.
func guessKey(hash string) string {
	return "guess#" + hash
}

// errNoTable is returned by NewDynamoDB without a table name.
var errNoTable = errors.New("table name is empty")
