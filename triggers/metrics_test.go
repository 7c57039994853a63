package triggers_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/capture"
	"github.com/phonepass/phonepass/metrics"
	"github.com/phonepass/phonepass/triggers"
)

// metricValues reads the EMF lines written so far: the metrics of each, by name.
func metricValues(t *testing.T, l *capture.Output) []map[string]float64 {
	t.Helper()
	var out []map[string]float64
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		vals := map[string]float64{}
		for k, v := range rec {
			if f, ok := v.(float64); ok {
				vals[k] = f
			}
		}
		out = append(out, vals)
	}
	return out
}

// TestMetricsOfASignIn: a sign-in's invocations write the EMF lines of what
// they did (a code sent, a wrong and a right answer, a refused send, a failed
// one) and nothing of the number or the code.
func TestMetricsOfASignIn(t *testing.T) {
	buf := &capture.Output{}
	l := &fakeLimiter{}
	f := newFixtureWith(t, nil, triggers.WithLimiter(l), triggers.WithMetrics(metrics.New(buf, nil)))
	s := f.startSignIn(t)
	mustStart(t, s)
	code := f.out.last(t)
	s.answer(wrongCode(code), nil)
	if res, _ := s.answer(code, nil); res != resTokens {
		t.Fatalf("got %v, want tokens", res)
	}
	l.take = func(string) error { return refusal{wait: time.Hour, ranges: true} }
	if _, err := f.startSignIn(t).start(); err == nil {
		t.Fatal("the range guard's refusal: got a code")
	}
	l.take = nil
	f.out.err = errors.New("throttled")
	if _, err := f.startSignIn(t).start(); err == nil {
		t.Fatal("a failed send: got a code")
	}

	lines := metricValues(t, buf)
	want := []map[string]float64{
		{metrics.CodesSent: 1},
		{metrics.AnswersWrong: 1},
		{metrics.AnswersRight: 1},
		{metrics.SendsRefused: 1, metrics.SendsRefusedRange: 1},
		{metrics.SendFailures: 1},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d metric lines %v, want %d", len(lines), lines, len(want))
	}
	for i, w := range want {
		for name, v := range w {
			if lines[i][name] != v {
				t.Errorf("line %d: %s = %v, want %v (line %v)", i+1, name, lines[i][name], v, lines[i])
			}
		}
	}
	text := buf.String()
	if strings.Contains(text, testPhone[1:]) || strings.Contains(text, testPhone[5:]) || strings.Contains(text, code) || strings.Contains(text, "v2.") {
		t.Errorf("metric lines hold the number, the code or a digest:\n%s", text)
	}
}

// TestUnlockRange: the administrator's event lifts the range guard of the
// number's range.
func TestUnlockRange(t *testing.T) {
	l := &fakeLimiter{}
	f := newFixtureWith(t, nil, triggers.WithLimiter(l))
	out, err := f.h.Invoke(t.Context(), []byte(`{"triggerSource":"PhonepassAdmin_UnlockRange","phone":"`+testPhone+`"}`))
	if err != nil || !strings.Contains(string(out), `"unlocked":true`) || len(l.rangesCleared) != 1 || l.rangesCleared[0] != testPhone || len(l.cleared) != 0 {
		t.Errorf("got %s, %v, ranges cleared %v, numbers cleared %v; want the range of %s cleared, nothing else", out, err, l.rangesCleared, l.cleared, testPhone)
	}
}
