package metrics

import "testing"

// TestEveryReasonHasAMetric: each reason a send can be refused for is
// counted in a metric of its own.
func TestEveryReasonHasAMetric(t *testing.T) {
	seen := map[string]Reason{}
	for _, r := range []Reason{ReasonNumber, ReasonPool, ReasonRange, ReasonCountry, ReasonLockout} {
		m, ok := r.metric()
		if !ok {
			t.Errorf("reason %q: got no metric, want one", r)
			continue
		}
		if other, dup := seen[m]; dup {
			t.Errorf("reasons %q and %q: got one metric %q, want one each", other, r, m)
		}
		seen[m] = r
	}
}
