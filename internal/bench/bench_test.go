package bench_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/bench"
	"github.com/phonepass/phonepass/internal/motoserver"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		var out []time.Duration
		for _, v := range vs {
			out = append(out, time.Duration(v)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even is the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p1 of 100", ms(hundred...), 1, time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := bench.Percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	s := bench.Summarize([]time.Duration{5, 1, 4, 2, 3})
	want := bench.Summary{N: 5, Min: 1, P50: 3, P90: 5, P99: 5, Max: 5, Mean: 3}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
	if got := bench.Summarize(nil); got != (bench.Summary{}) {
		t.Errorf("empty: got %+v, want the zero Summary", got)
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/phonepass/phonepass/triggers
cpu: AMD EPYC
BenchmarkTrigger/PreSignUp-2         	   56600	     21620 ns/op	    2369 B/op	      38 allocs/op
BenchmarkTrigger/PreSignUp-2         	   56600	     11000 ns/op	    2369 B/op	      38 allocs/op
BenchmarkTrigger/PreSignUp-2         	   56600	     15000 ns/op	    2369 B/op	      38 allocs/op
BenchmarkSignIn/log=json-2           	   13622	     90343.5 ns/op	   16742 B/op	     286 allocs/op
    bench_test.go:12: a log line
BenchmarkNoMem                       	     100	       250 ns/op
PASS
ok  	github.com/phonepass/phonepass/triggers	18.645s
`
	got, err := bench.ParseGoBench(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.GoBench{
		{Name: "BenchmarkTrigger/PreSignUp", Runs: 3, NsPerOp: 15000, BytesPerOp: 2369, AllocsPerOp: 38, NsRuns: []float64{21620, 11000, 15000}},
		{Name: "BenchmarkSignIn/log=json", Runs: 1, NsPerOp: 90343.5, BytesPerOp: 16742, AllocsPerOp: 286, NsRuns: []float64{90343.5}},
		{Name: "BenchmarkNoMem", Runs: 1, NsPerOp: 250, NsRuns: []float64{250}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d benchmarks %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Runs != w.Runs || g.NsPerOp != w.NsPerOp || g.BytesPerOp != w.BytesPerOp || g.AllocsPerOp != w.AllocsPerOp || !slices.Equal(g.NsRuns, w.NsRuns) {
			t.Errorf("benchmark %d: got %+v, want %+v", i, g, w)
		}
	}
	if _, err := bench.ParseGoBench(strings.NewReader("BenchmarkX-2 10 abc ns/op\n")); err == nil {
		t.Error("unreadable ns/op: got no error, want one")
	}
}

func TestParseInitTrace(t *testing.T) {
	stderr := `init internal/bytealg @0.007 ms, 0 ms clock, 0 bytes, 0 allocs
init runtime @0.036 ms, 0.055 ms clock, 0 bytes, 0 allocs
some other line
init github.com/phonepass/phonepass/config @6.1 ms, 0.57 ms clock, 81234 bytes, 1023 allocs
`
	tr, err := bench.ParseInitTrace(stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Packages) != 3 || tr.Allocs != 1023 || tr.Bytes != 81234 {
		t.Errorf("got %d packages, %d allocs, %d bytes; want 3, 1023, 81234", len(tr.Packages), tr.Allocs, tr.Bytes)
	}
	if want := 625 * time.Microsecond; tr.Total != want {
		t.Errorf("got total %s, want %s", tr.Total, want)
	}
	if want := 6670 * time.Microsecond; tr.End != want {
		t.Errorf("got end %s, want %s", tr.End, want)
	}
	if top := tr.Top(1); len(top) != 1 || top[0].Package != "github.com/phonepass/phonepass/config" {
		t.Errorf("got top %+v, want the config package", top)
	}
	if _, err := bench.ParseInitTrace("no trace here\n"); err == nil {
		t.Error("no init lines: got no error, want one")
	}
}

func TestColdStart(t *testing.T) {
	bin := testenv.BuildBootstrap(t)
	event, err := bench.FirstEvent()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("answers and is measured", func(t *testing.T) {
		runs, err := bench.ColdStart(ctx, bin, bench.LambdaEnv(), event, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 2 {
			t.Fatalf("got %d runs, want 2", len(runs))
		}
		for i, r := range runs {
			if r.Exec <= 0 || r.FirstResponse <= r.Exec || r.Warm <= 0 {
				t.Errorf("run %d: got exec %s, first response %s, warm %s; want all positive, first response after exec", i, r.Exec, r.FirstResponse, r.Warm)
			}
			// A Go process holds at least its runtime; the kernel's peak
			// after exit covers at least the peak read before.
			if r.PeakRSS < 1<<20 || r.MaxRSS < r.PeakRSS {
				t.Errorf("run %d: got VmHWM %d and maxrss %d bytes, want at least 1 MiB and maxrss ≥ VmHWM", i, r.PeakRSS, r.MaxRSS)
			}
		}
	})

	t.Run("bad config fails the run", func(t *testing.T) {
		env := append(bench.LambdaEnv(), "PHONEPASS_MAX_ATTEMPTS=0")
		_, err := bench.ColdStart(ctx, bin, env, event, 1)
		if err == nil || !strings.Contains(err.Error(), "PHONEPASS_MAX_ATTEMPTS") {
			t.Errorf("got %v, want an error that names PHONEPASS_MAX_ATTEMPTS", err)
		}
	})

	t.Run("in turn with the do-nothing baseline", func(t *testing.T) {
		each, err := bench.ColdStartEach(ctx, []string{bin, buildNothing(t)}, bench.LambdaEnv(), event, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(each) != 2 || len(each[0]) != 2 || len(each[1]) != 2 {
			t.Fatalf("got runs %v, want 2 of each binary", each)
		}
		for _, r := range each[1] {
			if r.FirstResponse <= r.Exec || r.PeakRSS < 1<<20 {
				t.Errorf("baseline: got %+v, want a first response after exec and a peak RSS of at least 1 MiB", r)
			}
		}
	})

	t.Run("init trace", func(t *testing.T) {
		tr, err := bench.TraceInit(ctx, bin, bench.LambdaEnv(), event)
		if err != nil {
			t.Fatal(err)
		}
		// The trace lists only packages with init work: the runtime, and the
		// SDK's service packages that the function links.
		names := map[string]bool{}
		for _, p := range tr.Packages {
			names[p.Package] = true
		}
		for _, want := range []string{"runtime", "github.com/aws/aws-sdk-go-v2/service/sns/internal/endpoints"} {
			if !names[want] {
				t.Errorf("init trace of %d packages has no %s", len(tr.Packages), want)
			}
		}
	})

	t.Run("binary", func(t *testing.T) {
		b, err := bench.InspectBinary(bin)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"amd64": "EM_X86_64", "arm64": "EM_AARCH64"}[runtime.GOARCH]
		if b.Size < 1<<20 || !b.Stripped || (want != "" && b.Arch != want) {
			t.Errorf("got %+v, want a stripped %s binary of at least 1 MiB", b, want)
		}
		text := filepath.Join(t.TempDir(), "text")
		if err := os.WriteFile(text, []byte("not a binary"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := bench.InspectBinary(text); err == nil {
			t.Error("a text file: got no error, want one")
		}
	})
}

// buildNothing builds the do-nothing baseline (./nothing) for this machine
// as `make bench-host` does, into a temporary directory.
func buildNothing(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nothing")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "./nothing")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=") // no -race: it needs cgo
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./nothing: %v\n%s", err, b)
	}
	return out
}

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestRunLoad(t *testing.T) {
	ctx := context.Background()
	high := env(map[string]string{"PHONEPASS_RATE_LIMIT_PER_PHONE": "100", "PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE": "0", "PHONEPASS_RANGE_MIN_ANSWERED_PERCENT": "0"})

	t.Run("complete sign-ins", func(t *testing.T) {
		r, err := bench.RunLoad(ctx, bench.LoadOptions{Clients: 3, Users: 6, Duration: 20 * time.Second, MaxSignIns: 30, Warmup: 3, Env: high})
		if err != nil {
			t.Fatal(err)
		}
		if r.Errors != 0 {
			t.Fatalf("got %d failed sign-ins, first: %v; want none", r.Errors, r.FirstError)
		}
		if r.SignIns != 30 || r.Latency.N != 30 || r.PerSecond <= 0 || r.Latency.P99 < r.Latency.P50 {
			t.Errorf("got %d sign-ins, %d latencies, %.1f/s, p50 %s p99 %s; want 30, 30, positive, p99 ≥ p50",
				r.SignIns, r.Latency.N, r.PerSecond, r.Latency.P50, r.Latency.P99)
		}
	})

	t.Run("default limits are too low for the count", func(t *testing.T) {
		_, err := bench.RunLoad(ctx, bench.LoadOptions{Clients: 1, Users: 2, Duration: time.Second, MaxSignIns: 20, Env: nil})
		if err == nil || !strings.Contains(err.Error(), "PHONEPASS_RATE_LIMIT_PER_PHONE") {
			t.Errorf("got %v, want an error that says to raise PHONEPASS_RATE_LIMIT_PER_PHONE", err)
		}
	})

	t.Run("the pool limit is enforced", func(t *testing.T) {
		// The pool-wide limit is the local pool's own: with 3 codes a
		// minute, the fourth sign-in fails, so the limiter is really wired.
		lim := env(map[string]string{"PHONEPASS_RATE_LIMIT_PER_PHONE": "100", "PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE": "3"})
		r, err := bench.RunLoad(ctx, bench.LoadOptions{Clients: 1, Users: 1, Duration: 20 * time.Second, MaxSignIns: 4, Env: lim})
		if err != nil {
			t.Fatal(err)
		}
		if r.SignIns != 3 || r.Errors != 1 || r.FirstError == nil || !strings.Contains(r.FirstError.Error(), "sign-in codes are temporarily unavailable") {
			t.Errorf("got %d sign-ins, %d errors (%v); want 3 and 1 that says codes are temporarily unavailable", r.SignIns, r.Errors, r.FirstError)
		}
	})

	for _, tc := range []struct {
		name string
		opts bench.LoadOptions
	}{
		{"no clients", bench.LoadOptions{Clients: 0, Users: 1, Duration: time.Second, MaxSignIns: 1}},
		{"fewer users than clients", bench.LoadOptions{Clients: 4, Users: 2, Duration: time.Second, MaxSignIns: 1}},
		{"too many users", bench.LoadOptions{Clients: 1, Users: bench.MaxUsers + 1, Duration: time.Second, MaxSignIns: 1}},
		{"no time", bench.LoadOptions{Clients: 1, Users: 1, MaxSignIns: 1}},
		{"no count", bench.LoadOptions{Clients: 1, Users: 1, Duration: time.Second}},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			if _, err := bench.RunLoad(ctx, tc.opts); err == nil {
				t.Errorf("got no error for %+v, want one", tc.opts)
			}
		})
	}

	t.Run("ctx ended", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := bench.RunLoad(cctx, bench.LoadOptions{Clients: 1, Users: 1, Duration: time.Second, MaxSignIns: 1, Env: high})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func TestMeasureRS256(t *testing.T) {
	r, err := bench.MeasureRS256(30*time.Millisecond, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Signatures < 1 || r.Workers != 2 || r.PerSecond <= 0 {
		t.Errorf("got %+v, want signatures counted by 2 workers", r)
	}
	if _, err := bench.MeasureRS256(time.Second, 0); err == nil {
		t.Error("no workers: got no error, want one")
	}
}

func TestRunMotoLoad(t *testing.T) {
	r, err := bench.RunMotoLoad(context.Background(), bench.LoadOptions{Clients: 2, Users: 4, Duration: 20 * time.Second, MaxSignIns: 10, Warmup: 2})
	if errors.Is(err, motoserver.ErrMissing) {
		testenv.Missing(t, "moto", venv.Install)
	}
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 0 || r.SignIns != 10 || r.PerSecond <= 0 || r.Version == "" {
		t.Errorf("got %d sign-ins, %d errors (%v), %.1f/s, moto %q; want 10 with tokens, none failed, and moto's version", r.SignIns, r.Errors, r.FirstError, r.PerSecond, r.Version)
	}
}
