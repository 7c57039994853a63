package sms

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CodePlaceholder is replaced by the code in a message template. A template
// must contain it.
const CodePlaceholder = "{code}"

// AppPlaceholder is replaced by the application name in a message template.
const AppPlaceholder = "{app}"

// MinutesPlaceholder is replaced by the code's lifetime in whole minutes.
const MinutesPlaceholder = "{minutes}"

// appPrefix opens a template that names the app first. With no app name
// it is dropped whole, so that no message starts with ": ".
const appPrefix = AppPlaceholder + ": "

// MaxTemplateLen is the longest template, in characters (as CloudFormation's
// MaxLength counts them, not bytes): one GSM-7 segment's worth, which keeps
// the templates inside Lambda's 4 KB of environment variables.
const MaxTemplateLen = 160

// maxAppNameLen keeps "<app>: " a short prefix.
const maxAppNameLen = 40

// AndroidAppHashLen is the length of the app hash of Android's SMS
// Retriever API: the first 11 characters of a base64 SHA-256.
const AndroidAppHashLen = 11

// Errors of NewMessages, one for each of its inputs; the error returned wraps one of them.
var (
	ErrTemplate    = errors.New("bad message template")
	ErrTemplates   = errors.New("bad message templates")
	ErrAppName     = errors.New("bad app name")
	ErrDomain      = errors.New("bad WebOTP domain")
	ErrAppHash     = errors.New("bad Android app hash")
	ErrMaxSegments = errors.New("too many segments")
)

// checkTemplate reports what is wrong with one template, or nil.
func checkTemplate(text string) error {
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		return errors.New("it is not UTF-8")
	case !strings.Contains(text, CodePlaceholder):
		return fmt.Errorf("it must contain %s", CodePlaceholder)
	case n > MaxTemplateLen:
		return fmt.Errorf("it has %d characters, more than %d", n, MaxTemplateLen)
	}
	return nil
}

// checkAppName reports what is wrong with an app name, or nil.
func checkAppName(s string) error {
	if strings.ContainsAny(s, "\r\n") || utf8.RuneCountInString(s) > maxAppNameLen {
		return fmt.Errorf("%w: it must be one line of at most %d characters", ErrAppName, maxAppNameLen)
	}
	return nil
}

// checkAppHash reports what is wrong with an SMS Retriever app hash, or
// nil: 11 characters of the base64 alphabet, all in GSM-7.
func checkAppHash(s string) error {
	if len(s) != AndroidAppHashLen {
		return fmt.Errorf("%w: %q has %d characters, want %d", ErrAppHash, s, len(s), AndroidAppHashLen)
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return fmt.Errorf("%w: %q has %q, want base64 letters, digits, + and / only", ErrAppHash, s, c)
		}
	}
	return nil
}

// validHostName reports whether s is a host name of two or more labels for
// the WebOTP last line: each label 1 to 63 letters, digits or inner hyphens.
// (The equivalent regexp, with its {0,61} counts, is slow to compile at every
// cold start.)
func validHostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// fill renders one template: the app name in front ("<app>: ") unless the
// template places it, or dropped with its prefix when there is none; then
// the autofill lines after a blank line. The Android app hash goes before
// the WebOTP line, which the WebOTP specification requires to be last;
// the SMS Retriever API only needs the hash somewhere in the message.
func (m *Messages) fill(text, code string) string {
	switch {
	case m.s.AppName == "":
		text = strings.TrimPrefix(text, appPrefix)
	case !strings.Contains(text, AppPlaceholder):
		text = appPrefix + text
	}
	msg := strings.NewReplacer(CodePlaceholder, code, AppPlaceholder, m.s.AppName, MinutesPlaceholder, m.minutes).Replace(text)
	var tail []string
	if m.s.AndroidAppHash != "" {
		tail = append(tail, m.s.AndroidAppHash)
	}
	if m.s.WebOTPDomain != "" {
		tail = append(tail, "@"+m.s.WebOTPDomain+" #"+code)
	}
	if len(tail) > 0 {
		msg += "\n\n" + strings.Join(tail, "\n")
	}
	return msg
}
