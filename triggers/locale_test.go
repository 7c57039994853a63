package triggers_test

import (
	"testing"

	"go.uber.org/zap"
)

// TestSenderGetsTheLocale: the user's locale attribute reaches the Sender
// with the code, and the segments it reports are logged with the send.
func TestSenderGetsTheLocale(t *testing.T) {
	for _, locale := range []string{"pt-BR", "", "not a locale"} {
		t.Run("locale "+locale, func(t *testing.T) {
			f := newFixture(t, nil)
			s := f.startSignIn(t)
			if locale != "" {
				s.attrs["locale"] = locale
			}
			mustStart(t, s)
			f.out.mu.Lock()
			got := f.out.sent[len(f.out.sent)-1].locale
			f.out.mu.Unlock()
			if got != locale {
				t.Errorf("got locale %q at the sender, want %q", got, locale)
			}
			var segments []int64
			for _, e := range f.logs.FilterField(zap.String("triggerSource", "CreateAuthChallenge_Authentication")).All() {
				n, _ := e.ContextMap()["segments"].(int64)
				segments = append(segments, n)
			}
			if len(segments) != 1 || segments[0] != 1 {
				t.Errorf("got segments %v in the Create log lines, want [1]", segments)
			}
		})
	}
}
