package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/sms"
	"github.com/phonepass/phonepass/triggers"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := kv[k]
		return v, ok
	}
}

// deployed is the least a deployed function needs: its key and its table.
var deployed = map[string]string{EnvCodeKey: testKey, EnvRateLimitTable: "phonepass-limits"}

const testKey = "KyTqbSLtVVrtZ43pCZQBNRpexH3IFaLbRzXy1rPK" // random, as a real key is

// with returns deployed plus kv.
func with(kv map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range deployed {
		out[k] = v
	}
	for k, v := range kv {
		out[k] = v
	}
	return out
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(deployed))
	if err != nil {
		t.Fatal(err)
	}
	want := triggers.DefaultConfig()
	got := c.Triggers
	if got.CodeDigits != want.CodeDigits || got.CodeTTL != want.CodeTTL || got.MaxAttempts != want.MaxAttempts ||
		got.MaxResends != want.MaxResends || got.ResendInterval != want.ResendInterval || got.HideUnknownUsers || got.AllowedCountryCodes != nil {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if c.SMS.SMSType != sms.Transactional || c.SMS.Timeout != 3*time.Second || c.DryRun || c.LogLevel != zapcore.InfoLevel {
		t.Errorf("got sms %+v dry run %v level %v, want Transactional, 3s, false, info", c.SMS, c.DryRun, c.LogLevel)
	}
	if got := c.SMS.Messages.Render("", "+447400123456", "123456").Text; got != "Your sign-in code is 123456. It expires in 5 minutes." {
		t.Errorf("got default message %q", got)
	}
	if got := c.SMS.Messages.Render("", "+4915123456789", "123456").Text; got != "Ihr Anmeldecode lautet 123456. Er läuft in 5 Minuten ab." {
		t.Errorf("got message to a German number %q, want the built-in German", got)
	}
	if c.RateLimitTable != "phonepass-limits" || c.Limits.Sends != ratelimit.DefaultRules() || c.Limits.Guesses != ratelimit.DefaultGuessRules() || c.Triggers.LimiterFailOpen {
		t.Errorf("got table %q limits %+v fail open %v, want the table, defaults, false", c.RateLimitTable, c.Limits, c.Triggers.LimiterFailOpen)
	}
	if r := c.Limits.Ranges; r.Digits != 3 || r.Window != time.Hour || r.MinCodes != 10 || r.MinAnsweredPercent != 20 || r.Countries != nil {
		t.Errorf("got range rules %+v, want %+v", r, ratelimit.DefaultRangeRules())
	}
	if c.Triggers.Keys.IsZero() || len(c.Limits.Key) != 32 || string(c.Limits.Key) == testKey {
		t.Errorf("got keys %v and limiter key %x, want the code key and a key derived from it", c.Triggers.Keys.IsZero(), c.Limits.Key)
	}
}

// TestLoadKeyAndTable: a deployed function without its secret or its table
// (no guess budget) fails the cold start; a dry run and the local pool do
// without, and the published development key works only in a dry run.
func TestLoadKeyAndTable(t *testing.T) {
	sum := func(c Config) string {
		d, err := c.Triggers.Keys.NewDigest("u", "123456", time.Unix(0, 0))
		if err != nil {
			return "no key"
		}
		if c.Triggers.Keys.Matches(d, "u", "123456", time.Unix(0, 0), time.Minute) {
			return "keyed"
		}
		return "broken"
	}
	tests := []struct {
		name  string
		env   map[string]string
		local string
		err   string
	}{
		{"deployed", deployed, "", ""},
		{"deployed without key", map[string]string{EnvRateLimitTable: "t-1"}, "", EnvCodeKey + ": is required"},
		{"deployed with the development key", with(map[string]string{EnvCodeKey: otp.DevelopmentKey}), "", EnvCodeKey + ": is the published development key"},
		{"deployed with a short key", with(map[string]string{EnvCodeKey: "0123456789"}), "", EnvCodeKey + ": key must be 32 to 128 characters"},
		{"deployed without table", map[string]string{EnvCodeKey: testKey}, "", EnvRateLimitTable + ": is required"},
		{"rotation", with(map[string]string{EnvCodeKeyPrevious: "Rk4wPz9TQbmN2vXc7LhY3sJd8GfA6eKu"}), "", ""},
		{"deployed with 32 times a", with(map[string]string{EnvCodeKey: strings.Repeat("a", 32)}), "", EnvCodeKey + ": looks guessable: about 10 bits"},
		{"deployed with password four times", with(map[string]string{EnvCodeKey: strings.Repeat("password", 4)}), "", EnvCodeKey + ": looks guessable"},
		{"rotation from a guessable key", with(map[string]string{EnvCodeKeyPrevious: "changeme-changeme-changeme-changeme"}), "", EnvCodeKeyPrevious + ": looks guessable"},
		{"rotation to the same key", with(map[string]string{EnvCodeKeyPrevious: testKey}), "", EnvCodeKeyPrevious + ": previous key is the same"},
		{"dry run", map[string]string{EnvSAMLocal: "true"}, "", ""},
		{"dry run under sam local, which cannot resolve the secret", map[string]string{EnvSAMLocal: "true",
			EnvCodeKey: "{{resolve:secretsmanager:CodeKeySecret:SecretString}}", EnvCodeKeyPrevious: ""}, "", ""},
		{"deployed with an unresolved reference", with(map[string]string{EnvCodeKey: "{{resolve:secretsmanager:CodeKeySecret:SecretString}}"}), "", EnvCodeKey + ": is a dynamic reference that was never resolved"},
		{"local pool", nil, "local-pool-key-0123456789abcdefghijklmnop", ""},
		{"local pool with the development key", map[string]string{EnvCodeKey: otp.DevelopmentKey}, "local-pool-key-0123456789abcdefghijklmnop", EnvCodeKey + ": is the published development key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			var err error
			if tt.local != "" {
				c, err = LoadLocal(env(tt.env), tt.local)
			} else {
				c, err = Load(env(tt.env))
			}
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("got error %v, want one starting %q", err, tt.err)
				}
				return
			}
			if err != nil || sum(c) != "keyed" {
				t.Fatalf("got %v, %s; want a keyed config", err, sum(c))
			}
			dev, _ := otp.NewKeys(otp.DevelopmentKey, "")
			d, _ := c.Triggers.Keys.NewDigest("u", "123456", time.Unix(0, 0))
			if isDev := dev.Matches(d, "u", "123456", time.Unix(0, 0), time.Minute); isDev != (tt.env[EnvSAMLocal] == "true") {
				t.Errorf("got the development key: %v, want it exactly in a dry run", isDev)
			}
		})
	}
}

// TestLoadGuessChance: the lifetime chance of a guessed code, lock over
// the number of codes, may not pass 1 in 1,000.
// TestLoadGuessChance: settings that loosen the guess bound fail the cold
// start, naming the variable and the figure: a lock above a thousandth of
// the codes, and a day's limit that lets the chance of a guessed code
// exceed 5 % a year (CODE_LENGTH=5 alone gave 22 % a year before the day's
// limit, a 4-digit code with a lock of 10 gave 28 %).
func TestLoadGuessChance(t *testing.T) {
	tests := []struct {
		digits, lock, daily string
		wantVar, wantWords  string // "" for ok
	}{
		{"6", "100", "", "", ""},
		{"6", "100", "100", "", ""},
		{"5", "100", "13", "", ""},
		{"5", "100", "", EnvGuessDailyLimit, "24 wrong answers a day against 5-digit codes give a chance of up to 8.8 % a year of a guessed code, more than 5 %: lower it to at most 13"},
		{"5", "100", "14", EnvGuessDailyLimit, "up to 5.1 % a year"},
		{"4", "10", "1", "", ""},
		{"4", "10", "2", EnvGuessDailyLimit, "up to 7.3 % a year"},
		{"4", "11", "1", EnvGuessLockAfter, "lifetime chance"},
		{"4", "", "1", EnvGuessLockAfter, "lifetime chance"},
	}
	for _, tt := range tests {
		t.Run(tt.digits+"/"+tt.lock+"/"+tt.daily, func(t *testing.T) {
			vars := with(map[string]string{EnvCodeLength: tt.digits, EnvGuessLockAfter: tt.lock, EnvGuessCoolOffEvery: "5", EnvGuessDailyLimit: tt.daily})
			_, err := Load(env(vars))
			switch {
			case tt.wantVar == "" && err != nil:
				t.Errorf("got %v, want the settings loaded", err)
			case tt.wantVar != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantVar+": ") || !strings.Contains(err.Error(), tt.wantWords)):
				t.Errorf("got %v, want an error naming %s that says %q", err, tt.wantVar, tt.wantWords)
			}
		})
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		EnvGuessCoolOffEvery: "5", EnvGuessCoolOff: "1m", EnvGuessLockAfter: "20", EnvGuessDailyLimit: "12",
		EnvCodeLength: "8", EnvCodeTTL: "2m", EnvMaxAttempts: "5", EnvMaxResends: "0", EnvResendInterval: "1m",
		EnvAllowedCountryCodes: "1, +44", EnvHideUnknownUsers: "true", EnvSMSTemplate: "{app} {code}",
		EnvAppName: "Acme", EnvWebOTPDomain: "acme.example", EnvSMSType: "Promotional", EnvSMSSenderID: "Acme",
		EnvSMSTemplates: `{"de": "{app}-Code {code}", "pt_BR": "{code} {app} {minutes}"}`, EnvAndroidAppHash: "FA+9qCX9VSu", EnvSMSMaxSegments: "2",
		EnvSMSOriginationNumber: "+12065550100", EnvSMSTimeout: "1500ms", EnvLogLevel: "debug",
		EnvSAMLocal: "true", EnvDryRun: "false", EnvCodeKey: testKey,
		EnvRateLimitTable: "phonepass-sends", EnvRateLimitPerPhone: "3", EnvRateLimitPhoneWindow: "1h",
		EnvRateLimitPoolPerMinute: "0", EnvRateLimitFailOpen: "true",
		EnvRangeDigits: "4", EnvRangeWindow: "30m", EnvRangeMinCodes: "25", EnvRangeMinAnsweredPercent: "0",
		EnvCountryBudgets: "44:200, +1:500",
	}))
	if err != nil {
		t.Fatal(err)
	}
	tc := c.Triggers
	if tc.CodeDigits != 8 || tc.CodeTTL != 2*time.Minute || tc.MaxAttempts != 5 || tc.MaxResends != 0 ||
		tc.ResendInterval != time.Minute || !tc.HideUnknownUsers || strings.Join(tc.AllowedCountryCodes, ",") != "1,44" {
		t.Errorf("got %+v", tc)
	}
	if c.SMS.SMSType != "Promotional" || c.SMS.SenderID != "Acme" || c.SMS.OriginationNumber != "+12065550100" || c.SMS.Timeout != 1500*time.Millisecond {
		t.Errorf("got %+v", c.SMS)
	}
	for _, tt := range []struct{ locale, want string }{
		{"", "Acme 12345678\n\nFA+9qCX9VSu\n@acme.example #12345678"},
		{"de", "Acme-Code 12345678\n\nFA+9qCX9VSu\n@acme.example #12345678"},
		{"pt-BR", "12345678 Acme 2\n\nFA+9qCX9VSu\n@acme.example #12345678"},
	} {
		if got := c.SMS.Messages.Render(tt.locale, "+447400123456", "12345678").Text; got != tt.want {
			t.Errorf("locale %q: got message %q, want %q", tt.locale, got, tt.want)
		}
	}
	// Two segments allowed: Russian fits with the autofill lines.
	if got := c.SMS.Messages.Render("ru", "+447400123456", "12345678"); got.Language != "ru" || got.Segments != 2 {
		t.Errorf("got %s in %d segments, want ru in 2", got.Language, got.Segments)
	}
	wantRules := ratelimit.Rules{PerPhone: ratelimit.Rule{Limit: 3, Window: time.Hour}, Pool: ratelimit.Rule{Limit: 0, Window: time.Minute}}
	wantGuesses := ratelimit.GuessRules{CoolOffEvery: 5, CoolOff: time.Minute, LockAfter: 20, PerDay: 12}
	if c.RateLimitTable != "phonepass-sends" || c.Limits.Sends != wantRules || c.Limits.Guesses != wantGuesses || !c.Triggers.LimiterFailOpen {
		t.Errorf("got table %q limits %+v fail open %v", c.RateLimitTable, c.Limits, c.Triggers.LimiterFailOpen)
	}
	wantRanges := ratelimit.RangeRules{Digits: 4, Window: 30 * time.Minute, MinCodes: 25,
		Countries: []ratelimit.CountryBudget{{CallingCode: "44", PerHour: 200}, {CallingCode: "1", PerHour: 500}}}
	if !reflect.DeepEqual(c.Limits.Ranges, wantRanges) {
		t.Errorf("got range rules %+v, want %+v", c.Limits.Ranges, wantRanges)
	}
	if c.DryRun || c.LogLevel != zapcore.DebugLevel {
		t.Errorf("got dry run %v level %v, want false, debug", c.DryRun, c.LogLevel)
	}
}

func TestLoadDryRun(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want bool
		err  string
	}{
		{"deployed default", deployed, false, ""},
		{"sam local default", map[string]string{EnvSAMLocal: "true"}, true, ""},
		{"sam local opt out", with(map[string]string{EnvSAMLocal: "true", EnvDryRun: "false"}), false, ""},
		{"sam local opt out without a key", map[string]string{EnvSAMLocal: "true", EnvDryRun: "false", EnvRateLimitTable: "t-1"}, false, EnvCodeKey + ": is required"},
		{"deployed asks for dry run", with(map[string]string{EnvDryRun: "true"}), false, EnvDryRun + ": dry run is allowed only under sam local"},
		{"sam local not true", map[string]string{EnvSAMLocal: "1", EnvDryRun: "true"}, false, EnvDryRun + ":"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("got error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || c.DryRun != tt.want {
				t.Errorf("got %v, %v; want dry run %v", c.DryRun, err, tt.want)
			}
		})
	}
}

// TestLoadNamesTheVariable checks that every bad value fails with the name
// of its variable first.
func TestLoadNamesTheVariable(t *testing.T) {
	bad := map[string][]string{
		EnvCodeLength:              {"3", "11", "six", "6.0"},
		EnvCodeTTL:                 {"10s", "1h", "5", "five minutes"},
		EnvMaxAttempts:             {"0", "11", "-1"},
		EnvMaxResends:              {"-1", "6", "x"},
		EnvResendInterval:          {"-1s", "10m", "30"},
		EnvAllowedCountryCodes:     {"uk", "1,,44", "0044"},
		EnvHideUnknownUsers:        {"yes please"},
		EnvSMSTemplate:             {"no placeholder", strings.Repeat("й", 70) + "{code}", strings.Repeat("x", 155) + "{code}"},
		EnvSMSTemplates:            {`{"de": "no placeholder"}`, `{"de": "` + strings.Repeat("й", 70) + `{code}"}`, `["de"]`, `{"deutsch": "{code}"}`, `{"de": 1}`},
		EnvSMSMaxSegments:          {"0", "11", "two"},
		EnvAndroidAppHash:          {"short", "FA+9qCX9VSu!", "FA-9qCX9VSu"},
		EnvAppName:                 {strings.Repeat("a", 41)},
		EnvWebOTPDomain:            {"https://x.example"},
		EnvSMSType:                 {"transactional", "Marketing"},
		EnvSMSSenderID:             {"TooLongSenderID", "12345"},
		EnvSMSOriginationNumber:    {"2065550100"},
		EnvSMSTimeout:              {"50ms", "3001ms", "3500ms", "4s", "3"},
		EnvDryRun:                  {"maybe"},
		EnvLogLevel:                {"verbose", "fatal"},
		EnvRateLimitTable:          {"a", "bad name!"},
		EnvRateLimitPerPhone:       {"0", "101", "x"},
		EnvRateLimitPhoneWindow:    {"30s", "25h", "15"},
		EnvRateLimitPoolPerMinute:  {"-1", "100001"},
		EnvRateLimitFailOpen:       {"sometimes"},
		EnvGuessCoolOffEvery:       {"0", "101", "x"},
		EnvGuessCoolOff:            {"30s", "25h", "15"},
		EnvGuessLockAfter:          {"0", "101", "1e2"},
		EnvGuessDailyLimit:         {"0", "101", "24/day"},
		EnvRangeDigits:             {"0", "7", "three"},
		EnvRangeWindow:             {"30s", "25h", "60"},
		EnvRangeMinCodes:           {"0", "10001", "ten"},
		EnvRangeMinAnsweredPercent: {"-1", "101", "20%"},
		EnvCountryBudgets:          {"44", "44:0", "uk:200", "44:200,", "44:1000001", "44 : 200"},
		EnvCodeKey:                 {"short", strings.Repeat("k", 129)},
		EnvCodeKeyPrevious:         {"short", otp.DevelopmentKey},
		EnvAcceptedLineTypes:       {"sms", "mobile,,voip", "unknown", "Mobile"},
	}
	for _, name := range Names {
		if _, ok := bad[name]; !ok {
			t.Errorf("no bad values tested for %s", name)
		}
	}
	for name, values := range bad {
		for _, v := range values {
			t.Run(name+"="+v, func(t *testing.T) {
				_, err := Load(env(map[string]string{name: v, EnvSAMLocal: "true"}))
				if err == nil || !strings.HasPrefix(err.Error(), name+": ") {
					t.Errorf("got error %v, want one starting %q", err, name+": ")
				}
			})
		}
	}
}

func TestNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range Names {
		if seen[n] || !strings.HasPrefix(n, "PHONEPASS_") {
			t.Errorf("name %s repeated or without the PHONEPASS_ prefix", n)
		}
		seen[n] = true
	}
}

// TestDocsListEveryVariable: docs/configuration.md has a row for each
// variable Load reads, and none for a variable it does not.
func TestDocsListEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(PHONEPASS_[A-Z_]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		rows[m[1]] = true
	}
	for _, n := range Names {
		if !rows[n] {
			t.Errorf("docs/configuration.md has no row for %s", n)
		}
		delete(rows, n)
	}
	for n := range rows {
		t.Errorf("docs/configuration.md has a row for %s, which config.Names lacks", n)
	}
}

// TestLoadRangeGuard: the range guard is on by default where SMS are sent,
// off by default in the local pool, and on there when asked for.
func TestLoadRangeGuard(t *testing.T) {
	const localKey = "local-pool-key-0123456789abcdefghijklmnop"
	tests := []struct {
		name  string
		env   map[string]string
		local bool
		want  int
	}{
		{"deployed", deployed, false, ratelimit.DefaultRangeMinAnsweredPercent},
		{"dry run", map[string]string{EnvSAMLocal: "true"}, false, ratelimit.DefaultRangeMinAnsweredPercent},
		{"local pool", nil, true, 0},
		{"local pool, asked for", map[string]string{EnvRangeMinAnsweredPercent: "20"}, true, 20},
		{"deployed, turned off", with(map[string]string{EnvRangeMinAnsweredPercent: "0"}), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			load := func() (Config, error) { return Load(env(tt.env)) }
			if tt.local {
				load = func() (Config, error) { return LoadLocal(env(tt.env), localKey) }
			}
			c, err := load()
			if err != nil || c.Limits.Ranges.MinAnsweredPercent != tt.want {
				t.Errorf("got %d (%v), want %d", c.Limits.Ranges.MinAnsweredPercent, err, tt.want)
			}
		})
	}
}

// TestLoadMessagesThatCannotFit: settings under which even the built-in
// English message (the last fallback) takes two segments fail the cold
// start naming PHONEPASS_SMS_MAX_SEGMENTS, and pass when it allows two.
func TestLoadMessagesThatCannotFit(t *testing.T) {
	vars := map[string]string{EnvAppName: strings.Repeat("A", 40), EnvAndroidAppHash: "FA+9qCX9VSu",
		EnvWebOTPDomain: strings.Repeat("a", 60) + ".example"}
	_, err := Load(env(with(vars)))
	if err == nil || !strings.HasPrefix(err.Error(), EnvSMSMaxSegments+": ") || !strings.Contains(err.Error(), "takes 2 GSM-7 segments") {
		t.Errorf("got error %v, want one naming %s and the count", err, EnvSMSMaxSegments)
	}
	vars[EnvSMSMaxSegments] = "2"
	if _, err := Load(env(with(vars))); err != nil {
		t.Errorf("with two segments allowed: got %v, want no error", err)
	}
}

// TestTimeBudget: the slowest path's worst case with the defaults fits the
// function's timeout, which is inside Cognito's; an SMS timeout a
// millisecond over what the budget leaves is refused with the sum.
func TestTimeBudget(t *testing.T) {
	if w := worstCreate(sms.DefaultTimeout); w > FunctionTimeout || FunctionTimeout >= CognitoTimeout {
		t.Fatalf("worst case with the defaults: got %s in a %s function timeout (Cognito %s), want it to fit", w, FunctionTimeout, CognitoTimeout)
	}
	if MaxSMSTimeout != 3*time.Second {
		t.Errorf("MaxSMSTimeout: got %s, want 3s (4 s - 0.5 s - 0.3 s - 0.2 s)", MaxSMSTimeout)
	}
	if _, err := Load(env(map[string]string{EnvSMSTimeout: "3s", EnvSAMLocal: "true"})); err != nil {
		t.Errorf("3s: got %v, want it accepted", err)
	}
	_, err := Load(env(map[string]string{EnvSMSTimeout: "3001ms", EnvSAMLocal: "true"}))
	if err == nil || !strings.Contains(err.Error(), "worst case of 4.001s") || !strings.Contains(err.Error(), "at most 3s") {
		t.Errorf("3001ms: got %v, want the worst case 4.001s and the bound 3s named", err)
	}
}
