package sms

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Settings are what shapes every code message.
type Settings struct {
	// Default replaces the built-in message in DefaultLanguage; empty keeps it.
	Default string
	// Templates adds languages or replaces built-in ones, by BCP 47 tag
	// (see ParseTemplates).
	Templates map[string]string
	// AppName, if not empty, opens the message as "<AppName>: " unless the
	// template places AppPlaceholder: at most 40 characters on one line.
	AppName string
	// WebOTPDomain, if not empty, adds the WebOTP last line
	// "@<domain> #<code>", with which browsers fill the code in.
	WebOTPDomain string
	// AndroidAppHash, if not empty, adds the 11-character hash with which
	// Android's SMS Retriever API hands the message to the app.
	AndroidAppHash string
	// Validity fills MinutesPlaceholder, rounded up to whole minutes.
	Validity time.Duration
	// CodeDigits is the length of every code.
	CodeDigits int
	// MaxSegments is the most SMS segments a message may take; 0 means 1.
	MaxSegments int
}

// MaxMaxSegments bounds Settings.MaxSegments: a MaxTemplateLen template of
// UCS-2 with every autofill line fits in it.
const MaxMaxSegments = 10

// Message is one rendered code message.
type Message struct {
	// Text is what the phone shows.
	Text string
	// Language is the tag of the template used.
	Language string
	// Encoding is how the text travels.
	Encoding Encoding
	// Segments is how many SMS it takes, each billed.
	Segments int
}

// Messages renders code messages, each in its recipient's language and
// none longer than the segments allowed. It is safe for concurrent use.
type Messages struct {
	s       Settings
	minutes string
	texts   map[string]string // by tag, each within s.MaxSegments
	left    []string          // built-in languages too long with these settings
}

// NewMessages validates s and returns its Messages. Every template, built
// in or not, is measured with a code of s.CodeDigits digits, the app name
// and the autofill lines: a template of s that takes more than
// s.MaxSegments segments is an error naming its language and count; a
// built-in one is left out (see Left), and its users get the next language
// that fits, at the last DefaultLanguage, which must fit.
func NewMessages(s Settings) (*Messages, error) {
	if s.MaxSegments == 0 {
		s.MaxSegments = 1
	}
	switch {
	case s.MaxSegments < 1 || s.MaxSegments > MaxMaxSegments:
		return nil, fmt.Errorf("%w: %d is not in 1..%d", ErrMaxSegments, s.MaxSegments, MaxMaxSegments)
	case s.CodeDigits < 1 || s.CodeDigits > 20:
		return nil, fmt.Errorf("code length %d is not in 1..20", s.CodeDigits)
	case s.WebOTPDomain != "" && !validHostName(s.WebOTPDomain):
		return nil, fmt.Errorf("%w: %q is not a host name", ErrDomain, s.WebOTPDomain)
	}
	if err := checkAppName(s.AppName); err != nil {
		return nil, err
	}
	if s.AndroidAppHash != "" {
		if err := checkAppHash(s.AndroidAppHash); err != nil {
			return nil, err
		}
	}
	m := &Messages{s: s, minutes: strconv.Itoa(int((s.Validity + time.Minute - 1) / time.Minute)), texts: map[string]string{}}
	for _, tag := range slices.Sorted(maps.Keys(catalogue)) {
		if _, n := m.measure(catalogue[tag]); n <= s.MaxSegments {
			m.texts[tag] = catalogue[tag]
		} else if s.Templates[tag] == "" && !(tag == DefaultLanguage && s.Default != "") {
			m.left = append(m.left, tag)
		}
	}
	if s.Default != "" {
		if err := m.add(DefaultLanguage, s.Default); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrTemplate, err)
		}
	}
	for _, tag := range slices.Sorted(maps.Keys(s.Templates)) {
		canon, ok := canonicalTag(tag)
		if !ok || canon != tag {
			return nil, fmt.Errorf("%w: %q is not a language tag as ParseTemplates returns them", ErrTemplates, tag)
		}
		if err := m.add(tag, s.Templates[tag]); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrTemplates, tag, err)
		}
	}
	if _, ok := m.texts[DefaultLanguage]; !ok {
		enc, n := m.measure(catalogue[DefaultLanguage])
		return nil, fmt.Errorf("%w: the built-in %s message, which every user without a language of their own gets, takes %d %s segments with this app name and these autofill lines, more than %d",
			ErrMaxSegments, DefaultLanguage, n, enc, s.MaxSegments)
	}
	return m, nil
}

// add validates and measures text and makes it the template of tag.
func (m *Messages) add(tag, text string) error {
	if err := checkTemplate(text); err != nil {
		return err
	}
	if enc, n := m.measure(text); n > m.s.MaxSegments {
		return fmt.Errorf("%w: it takes %d %s segments, more than %d, with a %d-digit code, this app name and these autofill lines",
			ErrMaxSegments, n, enc, m.s.MaxSegments, m.s.CodeDigits)
	}
	m.texts[tag] = text
	return nil
}

// measure returns the encoding and segments of text's messages: the same
// for every code, since every code has CodeDigits digits.
func (m *Messages) measure(text string) (Encoding, int) {
	return Segments(m.fill(text, strings.Repeat("0", m.s.CodeDigits)))
}

// Render returns the message of code for the phone number, in the language
// of locale (the user's locale attribute, possibly empty) or else of the
// number's country (see Language).
func (m *Messages) Render(locale, number, code string) Message {
	tag := Language(locale, number, m.has)
	text := m.fill(m.texts[tag], code)
	enc, n := Segments(text)
	return Message{Text: text, Language: tag, Encoding: enc, Segments: n}
}

// has reports whether m speaks tag.
func (m *Messages) has(tag string) bool {
	_, ok := m.texts[tag]
	return ok
}

// Left returns the built-in languages that the settings leave out, sorted:
// with the app name and the autofill lines, they take more segments than
// allowed. Their users get the next language that fits.
func (m *Messages) Left() []string {
	return slices.Clone(m.left)
}

// ParseTemplates reads a JSON object of language tag to template, such as
// {"de": "{app}: Code {code}", "pt-BR": "..."}, as PHONEPASS_SMS_TEMPLATES
// holds it. Tags are BCP 47 ("pt-BR") or POSIX ("pt_BR") and come back in
// the canonical form Language gives (pt-BR; zh is zh-Hans). A tag given
// twice, in any form, is an error; so is a value that is not a string.
// The templates themselves are checked by NewMessages.
func ParseTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: want a JSON object of language tag to template", ErrTemplates)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrTemplates, err)
		}
		key, _ := tok.(string)
		tag, ok := canonicalTag(key)
		if !ok {
			return nil, fmt.Errorf("%w: %q is not a language tag such as de, pt-BR or zh-Hant", ErrTemplates, key)
		}
		var text string
		if err := dec.Decode(&text); err != nil {
			return nil, fmt.Errorf("%w: %s: want a string: %w", ErrTemplates, key, err)
		}
		if _, dup := out[tag]; dup {
			return nil, fmt.Errorf("%w: %s is given twice", ErrTemplates, tag)
		}
		out[tag] = text
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTemplates, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: text after the JSON object", ErrTemplates)
	}
	return out, nil
}
