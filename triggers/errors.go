package triggers

import "fmt"

// UserError is an error whose message is safe to show the user: Cognito
// passes it to the client as "<Trigger> failed with error <message>.". The
// message starts with its stable code in brackets, such as
// "[rate_limited] too many codes ...", so that clients can tell errors
// apart without reading the prose.
type UserError struct {
	code ErrorCode
	msg  string
}

// Error returns the user-facing message, its code first: "[code] message".
func (e *UserError) Error() string { return "[" + string(e.code) + "] " + e.msg }

// Code returns the error's stable code.
func (e *UserError) Code() ErrorCode { return e.code }

// ErrorCode is the stable code of a user-facing error. Codes never change
// meaning; the prose after them may.
type ErrorCode string

// The codes of every user-facing error.
const (
	CodeUserNotFound         ErrorCode = "user_not_found"
	CodePhoneRequired        ErrorCode = "phone_required"
	CodePhoneFormat          ErrorCode = "phone_format"
	CodeCountry              ErrorCode = "country_not_accepted"
	CodeNumberInvalid        ErrorCode = "number_invalid"
	CodeCannotText           ErrorCode = "cannot_text"
	CodeNoPhone              ErrorCode = "no_phone"
	CodeSendFailed           ErrorCode = "send_failed"
	CodeRateLimited          ErrorCode = "rate_limited"
	CodePoolLimited          ErrorCode = "pool_limited"
	CodeRangeLimited         ErrorCode = "range_limited"
	CodeCountryLimited       ErrorCode = "country_limited"
	CodeCoolingOff           ErrorCode = "cooling_off"
	CodeLocked               ErrorCode = "locked"
	CodeCheckFailed          ErrorCode = "check_failed"
	CodeInvalidSession       ErrorCode = "invalid_session"
	CodeUnsupportedChallenge ErrorCode = "unsupported_challenge"
	CodeBadEvent             ErrorCode = "bad_event"
	CodeUnsupportedTrigger   ErrorCode = "unsupported_trigger"
	CodeNoLimiter            ErrorCode = "no_limiter"
	CodeInternal             ErrorCode = "internal"
)

// ErrorCodes lists every code with what it means, in the order of the
// documented table (README and docs): the example page keeps a sentence for
// each, and a test holds the two lists together.
var ErrorCodes = []struct {
	Code    ErrorCode
	Meaning string
}{
	{CodeUserNotFound, "no account for this number, or its number is not verified (only without PHONEPASS_HIDE_UNKNOWN_USERS)"},
	{CodePhoneRequired, "sign-up without a phone number"},
	{CodePhoneFormat, "the number is not E.164: + then country code and number, 7 to 15 digits"},
	{CodeCountry, "the number's country is not in PHONEPASS_ALLOWED_COUNTRY_CODES"},
	{CodeNumberInvalid, "the number fits no pattern of its country (libphonenumber's metadata); the message names the country"},
	{CodeCannotText, "the number's line type cannot receive a text or is not accepted (a landline, toll-free, premium-rate... number)"},
	{CodeNoPhone, "the user has no phone_number"},
	{CodeSendFailed, "the SMS could not be sent, or the limits could not be checked (they fail closed)"},
	{CodeRateLimited, "too many codes for this number in the window; the message says when to try again"},
	{CodePoolLimited, "the whole pool's ceiling of codes per minute is reached; the message says when to try again"},
	{CodeRangeLimited, "too few of the codes sent to the number's range were answered (the SMS-pumping guard); the message says when to try again"},
	{CodeCountryLimited, "the budget of codes per hour for the number's country is spent; the message says when to try again"},
	{CodeCoolingOff, "too many wrong codes for this number: a cool-off after a run of them, or the day's limit of wrong answers (24 in 24 hours); the message says when it ends"},
	{CodeLocked, "too many wrong codes: the number is locked until an administrator unlocks it"},
	{CodeCheckFailed, "the answer could not be counted, so it was not checked (the guess budget fails closed)"},
	{CodeInvalidSession, "the sign-in's session holds something phonepass did not write"},
	{CodeUnsupportedChallenge, "a challenge other than CUSTOM_CHALLENGE was asked for"},
	{CodeBadEvent, "the event is not a valid Cognito trigger event"},
	{CodeUnsupportedTrigger, "a trigger source phonepass does not serve"},
	{CodeNoLimiter, "an unlock where no limiter is configured"},
	{CodeInternal, "anything else; the details are in the function's log"},
}

func userErr(code ErrorCode, msg string) error { return &UserError{code: code, msg: msg} }

func userErrf(code ErrorCode, format string, args ...any) error {
	return &UserError{code: code, msg: fmt.Sprintf(format, args...)}
}

// User-facing errors that take no arguments.
var (
	errInternal     = userErr(CodeInternal, "internal error")
	errUserNotFound = userErr(CodeUserNotFound, "user not found")
	errSendFailed   = userErr(CodeSendFailed, "could not send the code")
	errNoPhone      = userErr(CodeNoPhone, "the user has no phone_number")
	errCheckFailed  = userErr(CodeCheckFailed, "could not check the code; try again")
	errPhoneFormat  = userErr(CodePhoneFormat, "phone_number must be in E.164 form: + then country code and number, 7 to 15 digits, such as +447700900123")
	errCountry      = userErr(CodeCountry, "phone numbers from this country are not accepted")
)
