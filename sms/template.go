package sms

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CodePlaceholder is replaced by the code in a message template. A template
// must contain it.
const CodePlaceholder = "{code}"

// AppPlaceholder is replaced by the application name in a message template.
const AppPlaceholder = "{app}"

// MinutesPlaceholder is replaced by the code's lifetime in whole minutes.
const MinutesPlaceholder = "{minutes}"

// DefaultTemplate is the message text used when none is configured.
const DefaultTemplate = "Your sign-in code is {code}. It expires in {minutes} minutes."

// maxTemplateLen keeps a message within a few SMS segments. Lengths are
// counted in characters, as CloudFormation's MaxLength of the template's
// parameters counts them, not in bytes.
const maxTemplateLen = 300

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

// Errors of NewTemplate, one for each of its inputs; the error returned wraps one of them.
var (
	ErrTemplate = errors.New("bad message template")
	ErrAppName  = errors.New("bad app name")
	ErrDomain   = errors.New("bad WebOTP domain")
)

// Template renders the text of a code message.
type Template struct {
	text     string
	appName  string
	domain   string
	validity time.Duration
}

// NewTemplate validates and returns a Template. text must contain
// CodePlaceholder; appName, if not empty, prefixes the message as
// "<appName>: " unless text places it with AppPlaceholder; webOTPDomain, if
// not empty, adds the WebOTP and one-time-code last line "@<domain> #<code>";
// validity fills MinutesPlaceholder.
func NewTemplate(text, appName, webOTPDomain string, validity time.Duration) (Template, error) {
	if text == "" {
		text = DefaultTemplate
	}
	if !strings.Contains(text, CodePlaceholder) {
		return Template{}, fmt.Errorf("%w: it must contain %s", ErrTemplate, CodePlaceholder)
	}
	if utf8.RuneCountInString(text) > maxTemplateLen {
		return Template{}, fmt.Errorf("%w: it is longer than %d characters", ErrTemplate, maxTemplateLen)
	}
	if strings.ContainsAny(appName, "\r\n") || utf8.RuneCountInString(appName) > 40 {
		return Template{}, fmt.Errorf("%w: it must be one line of at most 40 characters", ErrAppName)
	}
	if webOTPDomain != "" && !validHostName(webOTPDomain) {
		return Template{}, fmt.Errorf("%w: %q is not a host name", ErrDomain, webOTPDomain)
	}
	return Template{text: text, appName: appName, domain: webOTPDomain, validity: validity}, nil
}

// Render returns the message for code.
func (t Template) Render(code string) string {
	msg := t.text
	if t.appName != "" && !strings.Contains(msg, AppPlaceholder) {
		msg = t.appName + ": " + msg
	}
	msg = strings.NewReplacer(
		CodePlaceholder, code,
		AppPlaceholder, t.appName,
		MinutesPlaceholder, strconv.Itoa(int((t.validity+time.Minute-1)/time.Minute)),
	).Replace(msg)
	if t.domain != "" {
		msg += "\n\n@" + t.domain + " #" + code
	}
	return msg
}
