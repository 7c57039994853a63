package config

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

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

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
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
	if got := c.SMS.Template.Render("123456"); got != "Your sign-in code is 123456. It expires in 5 minutes." {
		t.Errorf("got default message %q", got)
	}
	if c.RateLimitTable != "" || c.RateLimit != ratelimit.DefaultRules() || c.Triggers.LimiterFailOpen {
		t.Errorf("got table %q rules %+v fail open %v, want none, defaults, false", c.RateLimitTable, c.RateLimit, c.Triggers.LimiterFailOpen)
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		EnvCodeLength: "8", EnvCodeTTL: "2m", EnvMaxAttempts: "5", EnvMaxResends: "0", EnvResendInterval: "1m",
		EnvAllowedCountryCodes: "1, +44", EnvHideUnknownUsers: "true", EnvSMSTemplate: "{app} {code}",
		EnvAppName: "Acme", EnvWebOTPDomain: "acme.example", EnvSMSType: "Promotional", EnvSMSSenderID: "Acme",
		EnvSMSOriginationNumber: "+12065550100", EnvSMSTimeout: "1500ms", EnvLogLevel: "debug",
		EnvSAMLocal: "true", EnvDryRun: "false",
		EnvRateLimitTable: "phonepass-sends", EnvRateLimitPerPhone: "3", EnvRateLimitPhoneWindow: "1h",
		EnvRateLimitPoolPerMinute: "0", EnvRateLimitFailOpen: "true",
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
	if got, want := c.SMS.Template.Render("12345678"), "Acme 12345678\n\n@acme.example #12345678"; got != want {
		t.Errorf("got message %q, want %q", got, want)
	}
	wantRules := ratelimit.Rules{PerPhone: ratelimit.Rule{Limit: 3, Window: time.Hour}, Pool: ratelimit.Rule{Limit: 0, Window: time.Minute}}
	if c.RateLimitTable != "phonepass-sends" || c.RateLimit != wantRules || !c.Triggers.LimiterFailOpen {
		t.Errorf("got table %q rules %+v fail open %v", c.RateLimitTable, c.RateLimit, c.Triggers.LimiterFailOpen)
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
		{"deployed default", nil, false, ""},
		{"sam local default", map[string]string{EnvSAMLocal: "true"}, true, ""},
		{"sam local opt out", map[string]string{EnvSAMLocal: "true", EnvDryRun: "false"}, false, ""},
		{"deployed asks for dry run", map[string]string{EnvDryRun: "true"}, false, EnvDryRun + ": dry run is allowed only under sam local"},
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
		EnvCodeLength:             {"3", "11", "six", "6.0"},
		EnvCodeTTL:                {"10s", "1h", "5", "five minutes"},
		EnvMaxAttempts:            {"0", "11", "-1"},
		EnvMaxResends:             {"-1", "6", "x"},
		EnvResendInterval:         {"-1s", "10m", "30"},
		EnvAllowedCountryCodes:    {"uk", "1,,44", "0044"},
		EnvHideUnknownUsers:       {"yes please"},
		EnvSMSTemplate:            {"no placeholder"},
		EnvAppName:                {strings.Repeat("a", 41)},
		EnvWebOTPDomain:           {"https://x.example"},
		EnvSMSType:                {"transactional", "Marketing"},
		EnvSMSSenderID:            {"TooLongSenderID", "12345"},
		EnvSMSOriginationNumber:   {"2065550100"},
		EnvSMSTimeout:             {"50ms", "3501ms", "4s", "3"},
		EnvDryRun:                 {"maybe"},
		EnvLogLevel:               {"verbose", "fatal"},
		EnvRateLimitTable:         {"a", "bad name!"},
		EnvRateLimitPerPhone:      {"0", "101", "x"},
		EnvRateLimitPhoneWindow:   {"30s", "25h", "15"},
		EnvRateLimitPoolPerMinute: {"-1", "100001"},
		EnvRateLimitFailOpen:      {"sometimes"},
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
