package bench

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/faultproxy"
	"github.com/phonepass/phonepass/internal/motoserver"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

// TestRunCriticalPath checks that the production-path run measures what it
// says: every step's calls are the ones the function makes, for each of two
// bootstraps run in turn, and the slow sign-ins really waited the latency
// once per call on the path. It asserts
// no timing beyond that floor.
func TestRunCriticalPath(t *testing.T) {
	bin := testenv.BuildBootstrap(t)
	const latency = 20 * time.Millisecond
	res, err := RunCriticalPath(context.Background(), PathOptions{Bootstraps: []string{bin, bin}, Rounds: 2, Latency: latency})
	if errors.Is(err, motoserver.ErrMissing) {
		testenv.Missing(t, "moto", venv.Install)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		StepCreate: {"dynamodb TransactWriteItems", "sns Publish"},
		StepWrong:  {"dynamodb UpdateItem"},
		StepRight:  {"dynamodb TransactWriteItems"},
	}
	if len(res.Steps) != 2 || len(res.Steps[0]) != len(Steps) || len(res.Steps[1]) != len(Steps) {
		t.Fatalf("got steps %v, want the %d of each of two bootstraps", res.Steps, len(Steps))
	}
	for i, s := range append(res.Steps[0], res.Steps[1]...) {
		i %= len(Steps)
		if s.Step != Steps[i] {
			t.Errorf("step %d: got %q, want %q", i, s.Step, Steps[i])
		}
		if !slices.Equal(s.Calls, want[s.Step]) {
			t.Errorf("%s: got calls %v, want %v", s.Step, s.Calls, want[s.Step])
		}
		if s.Critical != len(s.Calls) {
			t.Errorf("%s: got %d calls on the critical path, want all %d (they run one after another)", s.Step, s.Critical, len(s.Calls))
		}
		if floor := time.Duration(s.Critical) * latency; s.Slow.Min < floor {
			t.Errorf("%s: got a slow invocation of %s, want at least %s (%d calls × %s): the latency is not on the path", s.Step, s.Slow.Min, floor, s.Critical, latency)
		}
		if floor := time.Duration(s.Critical) * latency; s.SlowNet.Min < floor {
			t.Errorf("%s: got a slow invocation of %s net of moto's time, want at least %s: moto's time is taken out with the latency", s.Step, s.SlowNet.Min, floor)
		}
		if s.FastNet.Min <= 0 || s.FastNet.P50 > s.Fast.P50 || s.Moto() <= 0 {
			t.Errorf("%s: got %s net of moto's time within %s, moto's own %s; want a positive part of the whole", s.Step, s.FastNet.P50, s.Fast.P50, s.Moto())
		}
		if s.Fast.N != 2 || s.Slow.N != 2 {
			t.Errorf("%s: got %d fast and %d slow invocations, want 2 of each", s.Step, s.Fast.N, s.Slow.N)
		}
	}
}

func TestCritical(t *testing.T) {
	at := func(ms int) time.Time { return time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond) }
	call := func(start, took int) faultproxy.Call {
		return faultproxy.Call{Start: at(start), Duration: time.Duration(took) * time.Millisecond}
	}
	for _, tc := range []struct {
		name  string
		calls []faultproxy.Call
		want  int
	}{
		{"none", nil, 0},
		{"one", []faultproxy.Call{call(0, 10)}, 1},
		{"one after another", []faultproxy.Call{call(0, 10), call(10, 10), call(25, 5)}, 3},
		{"two at once", []faultproxy.Call{call(0, 10), call(2, 10)}, 1},
		{"two at once, then one", []faultproxy.Call{call(0, 10), call(2, 10), call(12, 3)}, 2},
		{"out of order", []faultproxy.Call{call(20, 5), call(0, 10)}, 2},
		{"a long one beside two short ones", []faultproxy.Call{call(0, 30), call(1, 5), call(10, 5)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := critical(tc.calls); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}
