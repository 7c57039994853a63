package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/phone"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/sms"
	"github.com/phonepass/phonepass/triggers"
	"go.uber.org/zap/zapcore"
)

// Environment variables read by Load. Every one is optional.
const (
	// EnvCodeLength is the number of digits in a code: 4 to 10, default 6.
	EnvCodeLength = "PHONEPASS_CODE_LENGTH"
	// EnvCodeTTL is how long a code stays valid, as a Go duration: 30s to 15m, default 5m.
	EnvCodeTTL = "PHONEPASS_CODE_TTL"
	// EnvMaxAttempts is the number of wrong answers that ends a sign-in: 1 to 10, default 3.
	EnvMaxAttempts = "PHONEPASS_MAX_ATTEMPTS"
	// EnvMaxResends is the number of new codes a user may ask for in one sign-in: 0 to 5, default 2.
	EnvMaxResends = "PHONEPASS_MAX_RESENDS"
	// EnvResendInterval is the least time between two codes in one sign-in: 0s to 5m, default 30s.
	EnvResendInterval = "PHONEPASS_RESEND_INTERVAL"
	// EnvAllowedCountryCodes is a comma-separated list of country calling codes
	// (such as "1,44") that may sign up and receive codes; empty allows all.
	EnvAllowedCountryCodes = "PHONEPASS_ALLOWED_COUNTRY_CODES"
	// EnvHideUnknownUsers, when true, gives an unknown phone number a challenge
	// that can never succeed instead of a "user not found" error: default false.
	EnvHideUnknownUsers = "PHONEPASS_HIDE_UNKNOWN_USERS"
	// EnvSMSTemplate replaces the built-in English message, which every user
	// gets whose language phonepass does not speak; it must contain {code}
	// and may contain {app} and {minutes}.
	EnvSMSTemplate = "PHONEPASS_SMS_TEMPLATE"
	// EnvSMSTemplates adds languages or replaces built-in ones: a JSON object
	// of BCP 47 tag to template, such as {"de": "{app}: Code {code}"}.
	EnvSMSTemplates = "PHONEPASS_SMS_TEMPLATES"
	// EnvSMSMaxSegments is the most SMS segments a message may take: 1 to 10,
	// default 1. An operator template that takes more fails the cold start.
	EnvSMSMaxSegments = "PHONEPASS_SMS_MAX_SEGMENTS"
	// EnvAppName, if set, names the app in the message ("<name>: ..." unless the template places {app}).
	EnvAppName = "PHONEPASS_APP_NAME"
	// EnvWebOTPDomain, if set, adds the WebOTP last line "@<domain> #<code>" to the message.
	EnvWebOTPDomain = "PHONEPASS_WEBOTP_DOMAIN"
	// EnvAndroidAppHash, if set, adds the 11-character app hash of Android's
	// SMS Retriever API to the message, before the WebOTP line.
	EnvAndroidAppHash = "PHONEPASS_ANDROID_APP_HASH"
	// EnvSMSType is the SNS SMS type: Transactional (default) or Promotional.
	EnvSMSType = "PHONEPASS_SMS_TYPE"
	// EnvSMSSenderID is an optional alphanumeric sender ID, 1 to 11 characters.
	EnvSMSSenderID = "PHONEPASS_SMS_SENDER_ID"
	// EnvSMSOriginationNumber is an optional E.164 number to send from.
	EnvSMSOriginationNumber = "PHONEPASS_SMS_ORIGINATION_NUMBER"
	// EnvSMSTimeout bounds each send: 100ms to 3s, default 3s, what the
	// time budget (budget.go) leaves inside the 4-second function timeout.
	EnvSMSTimeout = "PHONEPASS_SMS_TIMEOUT"
	// EnvDryRun, when true, prints each SMS (code included) instead of sending
	// it. It is honoured only where EnvSAMLocal is "true"; anywhere else a true
	// value fails the cold start, so a deployed function can never log codes.
	// Under sam local it defaults to true.
	EnvDryRun = "PHONEPASS_DRY_RUN"
	// EnvLogLevel is the zap log level: debug, info (default), warn or error.
	EnvLogLevel = "PHONEPASS_LOG_LEVEL"
	// EnvRateLimitTable names the DynamoDB table of the send limiter; empty
	// turns the cross-sign-in limits off in the Lambda (the local pool always
	// limits, in memory).
	EnvRateLimitTable = "PHONEPASS_RATE_LIMIT_TABLE"
	// EnvRateLimitPerPhone is the number of codes one phone number may get in
	// each window: 1 to 100, default 5.
	EnvRateLimitPerPhone = "PHONEPASS_RATE_LIMIT_PER_PHONE"
	// EnvRateLimitPhoneWindow is that window: 1m to 24h, default 15m.
	EnvRateLimitPhoneWindow = "PHONEPASS_RATE_LIMIT_PHONE_WINDOW"
	// EnvRateLimitPoolPerMinute is the ceiling of codes per minute for the
	// whole pool: 0 (off) to 100000, default 60.
	EnvRateLimitPoolPerMinute = "PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE"
	// EnvRateLimitFailOpen, when true, sends codes when the limiter's table
	// cannot be reached; the default, false, sends nothing. It never applies
	// to the guess budget: an answer that cannot be counted is not checked.
	EnvRateLimitFailOpen = "PHONEPASS_RATE_LIMIT_FAIL_OPEN"
	// EnvGuessCoolOffEvery starts a cool-off after each run of this many
	// consecutive wrong answers for one phone number: 1 to the lock, default 10.
	EnvGuessCoolOffEvery = "PHONEPASS_GUESS_COOLOFF_EVERY"
	// EnvGuessCoolOff is the first cool-off; each later one lasts twice the
	// one before: 1m to 24h, default 15m.
	EnvGuessCoolOff = "PHONEPASS_GUESS_COOLOFF"
	// EnvGuessLockAfter is the number of consecutive wrong answers that lock
	// a phone number until an administrator clears it: 1 to 100 (NIST SP
	// 800-63B's ceiling), default 100, and at most a thousandth of the
	// number of possible codes.
	EnvGuessLockAfter = "PHONEPASS_GUESS_LOCK_AFTER"
	// EnvGuessDailyLimit is the most wrong answers counted for one phone
	// number in any 24 hours, which right answers do not reset: 1 to 100,
	// default 24, and at most what keeps the chance of a guessed code under
	// MaxYearlyGuessPercent a year.
	EnvGuessDailyLimit = "PHONEPASS_GUESS_DAILY_LIMIT"
	// EnvRangeDigits is the number of last digits dropped from a phone number
	// to give the range the range guard counts: 1 to 6, default 3.
	EnvRangeDigits = "PHONEPASS_RANGE_DIGITS"
	// EnvRangeWindow is the range guard's window: 1m to 24h, default 1h.
	EnvRangeWindow = "PHONEPASS_RANGE_WINDOW"
	// EnvRangeMinCodes is how many codes a range must have had in the window
	// before the range guard judges it: 1 to 10000, default 10.
	EnvRangeMinCodes = "PHONEPASS_RANGE_MIN_CODES"
	// EnvRangeMinAnsweredPercent is the share of a range's codes, in
	// percent, that must be answered right for the range to get more codes
	// in the window: 0 (the range guard off) to 100, default 20 (0 in the
	// local pool, whose fictional numbers share a few ranges).
	EnvRangeMinAnsweredPercent = "PHONEPASS_RANGE_MIN_ANSWERED_PERCENT"
	// EnvCountryBudgets lists codes per hour per country calling code, such
	// as "44:200,1:500" (1 to 1000000 each); empty, the default, sets none.
	EnvCountryBudgets = "PHONEPASS_COUNTRY_BUDGETS"
	// EnvCodeKey is the server secret (32 to 128 characters) that keys the
	// digests of codes and the hashes of phone numbers in the limiter's
	// table. Required, except in a sam local dry run, which uses the
	// published otp.DevelopmentKey; that key is refused anywhere else.
	EnvCodeKey = "PHONEPASS_CODE_KEY"
	// EnvCodeKeyPrevious is the secret before EnvCodeKey while it is being
	// rotated: codes sent under it still verify. Optional.
	EnvCodeKeyPrevious = "PHONEPASS_CODE_KEY_PREVIOUS"
	// EnvAcceptedLineTypes lists the line types (libphonenumber's, such as
	// mobile or fixed_line_or_mobile) that may sign up and receive codes:
	// default mobile,fixed_line_or_mobile,voip,personal_number.
	EnvAcceptedLineTypes = "PHONEPASS_ACCEPTED_LINE_TYPES"
)

// EnvSAMLocal is set to "true" by the AWS SAM CLI in `sam local` containers.
const EnvSAMLocal = "AWS_SAM_LOCAL"

// Names lists every variable Load reads, in the order of the README table.
var Names = []string{
	EnvCodeLength, EnvCodeTTL, EnvMaxAttempts, EnvMaxResends, EnvResendInterval,
	EnvAllowedCountryCodes, EnvHideUnknownUsers, EnvSMSTemplate, EnvSMSTemplates, EnvSMSMaxSegments, EnvAppName,
	EnvWebOTPDomain, EnvAndroidAppHash, EnvSMSType, EnvSMSSenderID, EnvSMSOriginationNumber,
	EnvSMSTimeout, EnvDryRun, EnvLogLevel, EnvRateLimitTable, EnvRateLimitPerPhone,
	EnvRateLimitPhoneWindow, EnvRateLimitPoolPerMinute, EnvRateLimitFailOpen,
	EnvGuessCoolOffEvery, EnvGuessCoolOff, EnvGuessLockAfter, EnvGuessDailyLimit, EnvRangeDigits, EnvRangeWindow,
	EnvRangeMinCodes, EnvRangeMinAnsweredPercent, EnvCountryBudgets, EnvCodeKey, EnvCodeKeyPrevious,
	EnvAcceptedLineTypes,
}

// validTableName applies DynamoDB's rule for table names: 3 to 255 letters,
// digits, '_', '-' or '.'. (A regexp with {3,255} costs most of a
// millisecond to compile at every cold start.)
func validTableName(s string) bool {
	if len(s) < 3 || len(s) > 255 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// Config is phonepass's whole configuration.
type Config struct {
	// Triggers holds the sign-in rules.
	Triggers triggers.Config
	// SMS holds the SNS settings, template included.
	SMS sms.SNSConfig
	// DryRun prints messages instead of sending them (sam local only).
	DryRun bool
	// LogLevel is the least level logged.
	LogLevel zapcore.Level
	// RateLimitTable is the DynamoDB table of the limits across sign-ins;
	// empty only in a dry run and in the local pool, which count in memory.
	RateLimitTable string
	// Limits holds the send limits, the range guard, the country budgets
	// and the guess budget; its Key is derived from the code key.
	Limits ratelimit.Policy
}

// FromEnv is Load with the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

// Load reads the Lambda function's configuration through lookup and returns
// the validated Config, or an error naming the first variable with a bad
// value. Outside a sam local dry run, EnvCodeKey and EnvRateLimitTable are
// required: without them there would be no secret and no guess budget.
func Load(lookup func(string) (string, bool)) (Config, error) {
	return load(lookup, "")
}

// LoadLocal reads the configuration of the local user pool, which counts in
// memory (no table) and uses localKey when EnvCodeKey is unset.
func LoadLocal(lookup func(string) (string, bool), localKey string) (Config, error) {
	if localKey == "" {
		return Config{}, errors.New("local code key is empty")
	}
	return load(lookup, localKey)
}

// MaxGuessChance is the ceiling on the chance that an attacker guesses one
// number's code within one run of wrong answers: the lock divided by the
// number of possible codes may not exceed 1 in 1,000.
const MaxGuessChance = 1000

// MaxYearlyGuessPercent is the ceiling, in percent, on the chance that an
// attacker guesses one number's code within a year whatever its owner does:
// the most wrong answers a year (ratelimit.GuessRules.GuessesPerYear)
// divided by the number of possible codes. The defaults give 0.88 %.
const MaxYearlyGuessPercent = 5

func load(lookup func(string) (string, bool), localKey string) (Config, error) {
	r := reader{lookup: lookup}
	t := triggers.DefaultConfig()
	t.CodeDigits = r.int(EnvCodeLength, t.CodeDigits, otp.MinDigits, otp.MaxDigits)
	t.CodeTTL = r.duration(EnvCodeTTL, t.CodeTTL, triggers.MinCodeTTL, triggers.MaxCodeTTL)
	t.MaxAttempts = r.int(EnvMaxAttempts, t.MaxAttempts, 1, triggers.MaxMaxAttempts)
	t.MaxResends = r.int(EnvMaxResends, t.MaxResends, 0, triggers.MaxMaxResends)
	t.ResendInterval = r.duration(EnvResendInterval, t.ResendInterval, 0, triggers.MaxResendInterval)
	t.HideUnknownUsers = r.bool(EnvHideUnknownUsers, false)
	if s := r.str(EnvAllowedCountryCodes); s != "" {
		ccs, err := phone.ParseCallingCodes(s)
		r.check(EnvAllowedCountryCodes, err)
		t.AllowedCountryCodes = ccs
	}
	if s := r.str(EnvAcceptedLineTypes); s != "" {
		types, err := phone.ParseLineTypes(s)
		r.check(EnvAcceptedLineTypes, err)
		t.AcceptedLineTypes = types
	}

	c := Config{Triggers: t}
	c.SMS = sms.SNSConfig{
		Messages:          r.messages(t),
		SMSType:           r.str(EnvSMSType),
		SenderID:          r.str(EnvSMSSenderID),
		OriginationNumber: r.str(EnvSMSOriginationNumber),
		Timeout:           r.smsTimeout(),
	}
	if c.SMS.SMSType == "" {
		c.SMS.SMSType = sms.Transactional
	}
	err := c.SMS.Validate()
	r.check(nameFor(err, []errName{{sms.ErrSenderID, EnvSMSSenderID}, {sms.ErrOrigination, EnvSMSOriginationNumber}, {sms.ErrTimeout, EnvSMSTimeout}}, EnvSMSType), err)

	local := r.str(EnvSAMLocal) == "true"
	c.DryRun = r.bool(EnvDryRun, local)
	if c.DryRun && !local {
		r.check(EnvDryRun, fmt.Errorf("dry run is allowed only under sam local (%s=true)", EnvSAMLocal))
	}
	// The numbers kept for fiction and documentation sign in only where
	// nothing is sent: a dry run and the local pool.
	c.Triggers.AllowFictional = c.DryRun || localKey != ""
	if s := r.str(EnvLogLevel); s != "" {
		lvl, err := zapcore.ParseLevel(s)
		if err == nil && lvl > zapcore.ErrorLevel {
			err = errors.New("level above error")
		}
		r.check(EnvLogLevel, err)
		c.LogLevel = lvl
	}
	c.RateLimitTable = r.str(EnvRateLimitTable)
	switch {
	case c.RateLimitTable != "" && !validTableName(c.RateLimitTable):
		r.check(EnvRateLimitTable, fmt.Errorf("%q is not a DynamoDB table name", c.RateLimitTable))
	case c.RateLimitTable == "" && !c.DryRun && localKey == "":
		r.check(EnvRateLimitTable, errors.New("is required: the send limits and the guess budget across sign-ins live in this table"))
	}
	c.Limits.Sends = ratelimit.Rules{
		PerPhone: ratelimit.Rule{
			Limit:  r.int(EnvRateLimitPerPhone, ratelimit.DefaultPerPhoneLimit, 1, 100),
			Window: r.duration(EnvRateLimitPhoneWindow, ratelimit.DefaultPerPhoneWindow, time.Minute, 24*time.Hour),
		},
		Pool: ratelimit.Rule{Limit: r.int(EnvRateLimitPoolPerMinute, ratelimit.DefaultPoolPerMinute, 0, 100000), Window: time.Minute},
	}
	c.Triggers.LimiterFailOpen = r.bool(EnvRateLimitFailOpen, false)
	g := &c.Limits.Guesses
	g.LockAfter = r.int(EnvGuessLockAfter, ratelimit.DefaultLockAfter, 1, ratelimit.MaxLockAfter)
	g.CoolOffEvery = r.int(EnvGuessCoolOffEvery, ratelimit.DefaultCoolOffEvery, 1, ratelimit.MaxLockAfter)
	g.CoolOff = r.duration(EnvGuessCoolOff, ratelimit.DefaultCoolOff, ratelimit.MinCoolOff, ratelimit.MaxCoolOff)
	if g.CoolOffEvery > g.LockAfter {
		r.check(EnvGuessCoolOffEvery, fmt.Errorf("%d is more than %s (%d)", g.CoolOffEvery, EnvGuessLockAfter, g.LockAfter))
	}
	g.PerDay = r.int(EnvGuessDailyLimit, ratelimit.DefaultPerDay, 1, ratelimit.MaxPerDay)
	if codes := pow10(c.Triggers.CodeDigits); g.GuessesPerYear()*100 > MaxYearlyGuessPercent*codes {
		most := MaxYearlyGuessPercent * codes / 100 / 365
		r.check(EnvGuessDailyLimit, fmt.Errorf("%d wrong answers a day against %d-digit codes give a chance of up to %.1f %% a year of a guessed code, more than %d %%: lower it to at most %d or lengthen %s",
			g.PerDay, c.Triggers.CodeDigits, 100*float64(g.GuessesPerYear())/float64(codes), MaxYearlyGuessPercent, most, EnvCodeLength))
	}
	if codes := pow10(c.Triggers.CodeDigits); g.LockAfter*MaxGuessChance > codes {
		r.check(EnvGuessLockAfter, fmt.Errorf("%d wrong answers against %d-digit codes give a lifetime chance of %d in %d of a guessed code, more than 1 in %d: lower it or lengthen %s",
			g.LockAfter, c.Triggers.CodeDigits, g.LockAfter, codes, MaxGuessChance, EnvCodeLength))
	}
	// The local pool sends nothing, and its fictional numbers share a few
	// ranges: there the range guard is off unless the variable asks for it.
	answered := ratelimit.DefaultRangeMinAnsweredPercent
	if localKey != "" {
		answered = 0
	}
	c.Limits.Ranges = ratelimit.RangeRules{
		Digits:             r.int(EnvRangeDigits, ratelimit.DefaultRangeDigits, ratelimit.MinRangeDigits, ratelimit.MaxRangeDigits),
		Window:             r.duration(EnvRangeWindow, ratelimit.DefaultRangeWindow, ratelimit.MinRangeWindow, ratelimit.MaxRangeWindow),
		MinCodes:           r.int(EnvRangeMinCodes, ratelimit.DefaultRangeMinCodes, 1, ratelimit.MaxRangeMinCodes),
		MinAnsweredPercent: r.int(EnvRangeMinAnsweredPercent, answered, 0, 100),
	}
	budgets, err := ratelimit.ParseCountryBudgets(r.str(EnvCountryBudgets))
	r.check(EnvCountryBudgets, err)
	c.Limits.Ranges.Countries = budgets
	c.Triggers.Keys = r.keys(c.DryRun, localKey)
	c.Limits.Key = c.Triggers.Keys.Derive("ratelimit")
	if r.err != nil {
		return Config{}, r.err
	}
	if err := c.Triggers.Validate(); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// keys reads EnvCodeKey and EnvCodeKeyPrevious. Without a key, a dry run
// uses otp.DevelopmentKey and the local pool localKey; the development key
// is refused anywhere but a dry run.
func (r *reader) keys(dryRun bool, localKey string) otp.Keys {
	current, previous := r.lookupRaw(EnvCodeKey), r.lookupRaw(EnvCodeKeyPrevious)
	// sam local cannot resolve the template's dynamic references and passes
	// them on as text: in a dry run that is no key; anywhere else an error.
	if dryRun && unresolved(current) {
		current, previous = "", ""
	}
	if dryRun && unresolved(previous) {
		previous = ""
	}
	for name, v := range map[string]string{EnvCodeKey: current, EnvCodeKeyPrevious: previous} {
		if unresolved(v) {
			r.check(name, errors.New("is a dynamic reference that was never resolved"))
			return otp.Keys{}
		}
	}
	switch {
	case current == "" && dryRun:
		current = otp.DevelopmentKey
	case current == "" && localKey != "":
		current = localKey
	case current == "":
		r.check(EnvCodeKey, errors.New("is required: the template makes one in AWS Secrets Manager"))
		return otp.Keys{}
	case current == otp.DevelopmentKey && !dryRun:
		r.check(EnvCodeKey, errors.New("is the published development key, which protects nothing"))
		return otp.Keys{}
	}
	k, err := otp.NewKeys(current, "")
	if err == nil && current != otp.DevelopmentKey && current != localKey {
		err = otp.CheckKeyStrength(current)
	}
	if err != nil {
		r.check(EnvCodeKey, err)
		return otp.Keys{}
	}
	if previous != "" {
		k, err = otp.NewKeys(current, previous)
		if err == nil {
			err = otp.CheckKeyStrength(previous)
		}
		r.check(EnvCodeKeyPrevious, err)
	}
	return k
}

// unresolved reports a CloudFormation dynamic reference left as text.
func unresolved(v string) bool { return strings.HasPrefix(v, "{{resolve:") }

// lookupRaw returns a variable as it is: a secret's spaces are its own.
func (r *reader) lookupRaw(name string) string {
	v, _ := r.lookup(name)
	return v
}

// pow10 returns 10 to the n, for n of at most otp.MaxDigits.
func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// errName ties a sentinel error to the variable it is about.
type errName struct {
	sentinel error
	name     string
}

// nameFor returns the variable that err is about: the name of the first
// sentinel it wraps, or def.
func nameFor(err error, names []errName, def string) string {
	for _, n := range names {
		if errors.Is(err, n.sentinel) {
			return n.name
		}
	}
	return def
}

// messages reads the message settings into sms.Messages, or nil after
// an error naming the variable at fault.
func (r *reader) messages(t triggers.Config) *sms.Messages {
	templates, err := sms.ParseTemplates(r.lookupRaw(EnvSMSTemplates))
	if err != nil {
		r.check(EnvSMSTemplates, err)
		return nil
	}
	m, err := sms.NewMessages(sms.Settings{
		Default:        r.str(EnvSMSTemplate),
		Templates:      templates,
		AppName:        r.str(EnvAppName),
		WebOTPDomain:   r.str(EnvWebOTPDomain),
		AndroidAppHash: r.str(EnvAndroidAppHash),
		Validity:       t.CodeTTL,
		CodeDigits:     t.CodeDigits,
		MaxSegments:    r.int(EnvSMSMaxSegments, 1, 1, sms.MaxMaxSegments),
	})
	// A template that is too long is the template's fault, named first.
	r.check(nameFor(err, []errName{{sms.ErrTemplates, EnvSMSTemplates}, {sms.ErrTemplate, EnvSMSTemplate},
		{sms.ErrAppName, EnvAppName}, {sms.ErrDomain, EnvWebOTPDomain}, {sms.ErrAppHash, EnvAndroidAppHash}}, EnvSMSMaxSegments), err)
	return m
}

// reader keeps the first error so that Load reads like a list of settings.
type reader struct {
	lookup func(string) (string, bool)
	err    error
}

func (r *reader) str(name string) string {
	v, _ := r.lookup(name)
	return strings.TrimSpace(v)
}

func (r *reader) check(name string, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", name, err)
	}
}

func (r *reader) int(name string, def, lo, hi int) int {
	s := r.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.check(name, fmt.Errorf("%q is not a whole number", s))
		return def
	}
	if n < lo || n > hi {
		r.check(name, fmt.Errorf("%d is not in %d..%d", n, lo, hi))
		return def
	}
	return n
}

func (r *reader) duration(name string, def, lo, hi time.Duration) time.Duration {
	s := r.str(name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.check(name, fmt.Errorf("%q is not a duration such as 30s or 5m", s))
		return def
	}
	if d < lo || d > hi {
		r.check(name, fmt.Errorf("%s is not in %s..%s", d, lo, hi))
		return def
	}
	return d
}

// smsTimeout reads EnvSMSTimeout, refusing one that the time budget has
// no room for with a message that gives the sum.
func (r *reader) smsTimeout() time.Duration {
	d := r.duration(EnvSMSTimeout, sms.DefaultTimeout, MinSMSTimeout, time.Minute)
	if err := checkBudget(d); err != nil {
		r.check(EnvSMSTimeout, err)
		return sms.DefaultTimeout
	}
	return d
}

func (r *reader) bool(name string, def bool) bool {
	s := r.str(name)
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.check(name, fmt.Errorf("%q is not true or false", s))
		return def
	}
	return b
}
