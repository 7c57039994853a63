package metrics

import (
	"testing"

	"github.com/phonepass/phonepass/ratelimit"
)

// *ratelimit.Refused is a Refusal: the triggers pass it to ReasonFor.
var _ Refusal = (*ratelimit.Refused)(nil)

// refusal is a Refusal that says what it is told.
type refusal struct{ pool, rng, country, answers bool }

func (r refusal) PoolWide() bool     { return r.pool }
func (r refusal) RangeWide() bool    { return r.rng }
func (r refusal) CountryWide() bool  { return r.country }
func (r refusal) WrongAnswers() bool { return r.answers }

func TestReasonFor(t *testing.T) {
	tests := []struct {
		r    refusal
		want Reason
	}{
		{refusal{}, ReasonNumber},
		{refusal{pool: true}, ReasonPool},
		{refusal{rng: true}, ReasonRange},
		{refusal{country: true}, ReasonCountry},
		{refusal{answers: true}, ReasonLockout},
	}
	for _, tt := range tests {
		if got := ReasonFor(tt.r); got != tt.want {
			t.Errorf("ReasonFor(%+v): got %q, want %q", tt.r, got, tt.want)
		}
		if _, ok := tt.want.metric(); !ok {
			t.Errorf("reason %q has no metric", tt.want)
		}
	}
}
