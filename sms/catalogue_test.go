package sms

import (
	"strings"
	"testing"
)

// TestCatalogueFitsOneSegment renders every built-in message with a
// 10-digit code, a 20-character app name and a 15-minute lifetime: each
// has its three placeholders and takes one segment.
func TestCatalogueFitsOneSegment(t *testing.T) {
	if len(catalogue) < 25 {
		t.Errorf("got %d languages, want at least 25", len(catalogue))
	}
	for _, want := range []string{"es", "fr", "de", "it", "pt", "pt-BR", "nl", "pl", "sv", "tr", "ru", "uk", "ar", "he", "hi", "id", "ja", "ko", "zh-Hans", "zh-Hant", "th", "vi"} {
		if _, ok := catalogue[want]; !ok {
			t.Errorf("no built-in message in %s", want)
		}
	}
	for lang, text := range catalogue {
		for _, p := range []string{CodePlaceholder, AppPlaceholder, MinutesPlaceholder} {
			if strings.Count(text, p) != 1 {
				t.Errorf("%s: %q has %s %d times, want once", lang, text, p, strings.Count(text, p))
			}
		}
		msg := strings.NewReplacer(CodePlaceholder, "1234567890", AppPlaceholder, strings.Repeat("A", 20), MinutesPlaceholder, "15").Replace(text)
		if enc, n := Segments(msg); n != 1 {
			t.Errorf("%s: %q takes %d %s segments, want 1", lang, msg, n, enc)
		}
	}
}
