// Command phonepass-bench measures phonepass against its performance
// budget and prints a Markdown table, which it also writes to a file:
//
//	make bench
//
// builds the deployed arm64 bootstrap (for its size), one for this machine
// (to run) and a do-nothing aws-lambda-go function with the same flags
// (internal/bench/nothing, the cold-start baseline), then runs this command
// from the repository root. It runs the Go benchmarks of the warm triggers
// and of the cold-start set-up, starts the bootstrap and the baseline cold
// many times, in turn, through a Lambda Runtime API server, traces the
// bootstrap's package initialization, runs sign-ins on the bootstrap with
// moto's SNS and DynamoDB behind a proxy that adds latency to every call
// (the production path, beside a bootstrap built from an earlier commit),
// counts RS256 signatures per second and runs complete sign-ins against the
// local pool on loopback.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/internal/bench"
	"github.com/phonepass/phonepass/internal/motoserver"
)

// goBenchPackages hold the Go benchmarks the table reports.
var goBenchPackages = []string{"./triggers/", "./internal/bench/"}

// Budgets from issue 6.
const (
	budgetTrigger     = 30 * time.Microsecond
	budgetSignIn      = 150 * time.Microsecond
	budgetAllocs      = 10 // "a handful"
	budgetColdStart   = 20 * time.Millisecond
	budgetBinary      = 10_000_000
	budgetRSS         = 30_000_000
	budgetSignInsPerS = 500
	budgetP99         = 50 * time.Millisecond
	budgetMotoRatio   = 2.0 // issue 11: the local pool signs in at least twice as fast as moto
)

// Budgets from issue 20: the time 10 ms more per AWS call adds to a step of
// the production path, one DynamoDB round trip and one SNS Publish for
// CreateAuthChallenge, one DynamoDB round trip for each answer, each with 2
// ms for the rest.
var budgetPathAdded = map[string]time.Duration{
	bench.StepCreate: 22 * time.Millisecond,
	bench.StepWrong:  12 * time.Millisecond,
	bench.StepRight:  12 * time.Millisecond,
}

type options struct {
	arm64, host, nothing, out         string
	cpuprofile                        string
	count                             int
	benchtime                         string
	runs                              int
	clients, users, maxSignIns, warm  int
	duration, rsDuration              time.Duration
	skipGo, skipCold, skipLoad, quick bool
	skipMoto, skipPath                bool
	pathRounds                        int
	pathLatency                       time.Duration
	before, beforeRev                 string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "phonepass-bench: %v\n", err)
		os.Exit(1)
	}
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("phonepass-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.arm64, "arm64", "build/bootstrap", "the deployed arm64 bootstrap (make build), for its size")
	fs.StringVar(&o.host, "host", "bench/out/bootstrap", "a bootstrap built for this machine with the same flags, to run")
	fs.StringVar(&o.nothing, "nothing", "bench/out/nothing", "a do-nothing aws-lambda-go function built like -host (internal/bench/nothing), the cold-start baseline; empty for none")
	fs.StringVar(&o.out, "out", "bench/out/results.md", "file to write the results to")
	fs.IntVar(&o.count, "count", 5, "runs of each Go benchmark (go test -count); the median is reported")
	fs.StringVar(&o.benchtime, "benchtime", "1s", "go test -benchtime")
	fs.IntVar(&o.runs, "runs", 50, "cold starts of the bootstrap, and as many of the baseline")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients of the load run")
	fs.IntVar(&o.users, "users", 1000, "phone numbers signed up for the load run")
	fs.IntVar(&o.maxSignIns, "max-signins", 20000, "bound on the sign-ins of the load run")
	fs.IntVar(&o.warm, "warmup", 500, "sign-ins before the load run is measured")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "bound on the time of the load run")
	fs.DurationVar(&o.rsDuration, "rs256-duration", 2*time.Second, "time to count RS256 signatures for, each of one core and all cores")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the load run (local pool and clients) to this file")
	fs.BoolVar(&o.skipGo, "skip-go", false, "skip the Go benchmarks")
	fs.BoolVar(&o.skipCold, "skip-cold", false, "skip the binary size and cold starts")
	fs.BoolVar(&o.skipLoad, "skip-load", false, "skip the RS256 count and the load runs")
	fs.BoolVar(&o.skipMoto, "skip-moto", false, "skip the load run against moto's Cognito (python -m moto.server, from .venv) that follows the local pool's")
	fs.BoolVar(&o.skipPath, "skip-path", false, "skip the production path: sign-ins on -host with moto's SNS and DynamoDB behind a latency-adding proxy")
	fs.IntVar(&o.pathRounds, "path-rounds", 20, "sign-ins of the production path timed with the added latency, and as many without")
	fs.DurationVar(&o.pathLatency, "path-latency", 10*time.Millisecond, "latency the proxy adds to every AWS call of the production path")
	fs.StringVar(&o.before, "before", "", "a bootstrap built like -host from an earlier commit, run on the production path in turn with -host; empty for none")
	fs.StringVar(&o.beforeRev, "before-rev", "", "the commit -before was built from, to name it in the results")
	fs.BoolVar(&o.quick, "quick", false, "a fast, rough run: -count 1 -benchtime 2000x -runs 5 -duration 2s -max-signins 1000 -warmup 50 -rs256-duration 200ms -path-rounds 5")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.quick {
		o.count, o.benchtime, o.runs, o.duration, o.maxSignIns, o.warm, o.rsDuration = 1, "2000x", 5, 2*time.Second, 1000, 50, 200*time.Millisecond
		o.pathRounds = 5
	}
	if o.count < 1 || o.runs < 1 || o.runs > 1000 {
		return o, fmt.Errorf("-count %d and -runs %d must be at least 1 (runs at most 1000)", o.count, o.runs)
	}
	// 1000 rounds are 2000 numbers, inside the run's block of 100,000.
	if o.pathRounds < 1 || o.pathRounds > 1000 || o.pathLatency <= 0 {
		return o, fmt.Errorf("-path-rounds %d must be 1 to 1000 and -path-latency %s positive", o.pathRounds, o.pathLatency)
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "phonepass-bench: "+format+"\n", a...) }
	started := time.Now()
	load0 := loadAvg()
	var rows []bench.Row
	var notes []string

	if !o.skipGo {
		progress("Go benchmarks: go test -run=NONE -bench=. -benchmem -count=%d -benchtime=%s %s", o.count, o.benchtime, strings.Join(goBenchPackages, " "))
		bs, err := goBench(ctx, o.count, o.benchtime)
		if err != nil {
			return err
		}
		rows = append(rows, goRows(bs)...)
	}
	if !o.skipCold {
		progress("binary size of %s", o.arm64)
		r, err := binaryRow(o.arm64)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		if o.nothing != "" {
			progress("%d cold starts each of %s and %s, in turn", o.runs, o.host, o.nothing)
		} else {
			progress("%d cold starts of %s", o.runs, o.host)
		}
		cr, n, err := coldRows(ctx, o.host, o.nothing, o.runs)
		if err != nil {
			return err
		}
		rows = append(rows, cr...)
		notes = append(notes, n...)
	}
	if !o.skipPath {
		progress("production path: %d sign-ins with %s more per AWS call and %d without, in turn, through a proxy in front of moto", o.pathRounds, o.pathLatency, o.pathRounds)
		pr, n, err := pathRows(ctx, o)
		if err != nil {
			return err
		}
		rows = append(rows, pr...)
		notes = append(notes, n...)
	}
	if !o.skipLoad {
		progress("RS256 signatures, %s on one core and %s on all", o.rsDuration, o.rsDuration)
		progress("load run: %d clients, %d users, at most %d sign-ins or %s", o.clients, o.users, o.maxSignIns, o.duration)
		if !o.skipMoto {
			progress("then the same against moto's Cognito, USER_PASSWORD_AUTH")
		}
		lr, n, err := loadRows(ctx, o)
		if err != nil {
			return err
		}
		rows = append(rows, lr...)
		notes = append(notes, n...)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# phonepass benchmark results\n\n")
	fmt.Fprintf(&b, "Run %s, %s in all. %s\n\n", started.UTC().Format("2006-01-02 15:04 UTC"), time.Since(started).Round(time.Second), machine())
	fmt.Fprintf(&b, "Load average (1, 5, 15 min) at start: %s; at end: %s.\n\n", load0, loadAvg())
	b.WriteString(bench.Markdown(rows))
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString("- " + n + "\n")
		}
	}
	fmt.Fprint(stdout, b.String())
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		progress("wrote %s", o.out)
	}
	return nil
}

// goBench runs the Go benchmarks and parses their output.
func goBench(ctx context.Context, count int, benchtime string) ([]bench.GoBench, error) {
	args := append([]string{"test", "-run=NONE", "-bench=.", "-benchmem",
		"-count=" + strconv.Itoa(count), "-benchtime=" + benchtime}, goBenchPackages...)
	cmd := exec.CommandContext(ctx, "go", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s%s", err, out.String(), errb.String())
	}
	return bench.ParseGoBench(&out)
}

func goRows(bs []bench.GoBench) []bench.Row {
	var rows []bench.Row
	for _, g := range bs {
		name := strings.TrimPrefix(g.Name, "Benchmark")
		d := time.Duration(g.NsPerOp)
		spread := fmt.Sprintf("median of %d; %.0f B, %.0f allocs per op", g.Runs, g.BytesPerOp, g.AllocsPerOp)
		if g.Runs > 1 {
			lo, hi := minMax(g.NsRuns)
			spread = fmt.Sprintf("median of %d (%s to %s); %.0f B, %.0f allocs per op", g.Runs,
				bench.FormatDuration(time.Duration(lo)), bench.FormatDuration(time.Duration(hi)), g.BytesPerOp, g.AllocsPerOp)
		}
		r := bench.Row{What: "warm " + name, Value: bench.FormatDuration(d), Detail: spread}
		switch {
		case strings.HasPrefix(name, "Trigger/"):
			r.What = "warm trigger " + strings.TrimPrefix(name, "Trigger/")
			r.Budget = fmt.Sprintf("< %s, ≤ %d allocs", bench.FormatDuration(budgetTrigger), budgetAllocs)
			r.Verdict = bench.Verdict(d < budgetTrigger && g.AllocsPerOp <= budgetAllocs)
			if d < budgetTrigger && g.AllocsPerOp > budgetAllocs {
				r.Verdict = "within time, over allocs"
			}
		case strings.HasPrefix(name, "SignIn/"):
			r.What = "whole sign-in, 4 invocations, " + strings.TrimPrefix(name, "SignIn/")
			r.Budget = "< " + bench.FormatDuration(budgetSignIn)
			r.Verdict = bench.Verdict(d < budgetSignIn)
		case strings.HasPrefix(name, "Setup/"):
			r.What = "init piece " + strings.TrimPrefix(name, "Setup/") + " (warm, in-process)"
		}
		rows = append(rows, r)
	}
	return rows
}

func minMax(vs []float64) (lo, hi float64) {
	lo, hi = vs[0], vs[0]
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func binaryRow(path string) (bench.Row, error) {
	b, err := bench.InspectBinary(path)
	if err != nil {
		return bench.Row{}, fmt.Errorf("%w (run make build first)", err)
	}
	detail := b.Arch
	if b.Stripped {
		detail += ", stripped"
	} else {
		detail += ", NOT stripped"
	}
	return bench.Row{What: "bootstrap size (" + path + ")", Value: bench.FormatMB(b.Size), Detail: detail,
		Budget: "< " + bench.FormatMB(budgetBinary), Verdict: bench.Verdict(b.Size < budgetBinary && b.Arch == "EM_AARCH64")}, nil
}

// coldRows starts the bootstrap at path cold, runs times, and, unless
// nothing is empty, the do-nothing baseline at nothing as often, in turn
// with it, under the same harness and environment.
func coldRows(ctx context.Context, path, nothing string, runs int) ([]bench.Row, []string, error) {
	paths := []string{path}
	if nothing != "" {
		paths = append(paths, nothing)
	}
	for _, p := range paths {
		if _, err := bench.InspectBinary(p); err != nil {
			return nil, nil, fmt.Errorf("%w (make bench builds it)", err)
		}
	}
	event, err := bench.FirstEvent()
	if err != nil {
		return nil, nil, err
	}
	env := bench.LambdaEnv()
	// One start of each not counted: page cache, file system.
	if _, err := bench.ColdStartEach(ctx, paths, env, event, 1); err != nil {
		return nil, nil, err
	}
	each, err := bench.ColdStartEach(ctx, paths, env, event, runs)
	if err != nil {
		return nil, nil, err
	}
	rs := each[0]
	var first, warm, exec []time.Duration
	var hwm, maxrss int64
	var hwms []float64
	for _, r := range rs {
		first, warm, exec = append(first, r.FirstResponse), append(warm, r.Warm), append(exec, r.Exec)
		hwm, maxrss = max(hwm, r.PeakRSS), max(maxrss, r.MaxRSS)
		hwms = append(hwms, float64(r.PeakRSS))
	}
	fs, ws, es := bench.Summarize(first), bench.Summarize(warm), bench.Summarize(exec)
	init := fs.P50 - ws.P50
	tr, err := bench.TraceInit(ctx, path, env, event)
	if err != nil {
		return nil, nil, err
	}
	var top []string
	for _, p := range tr.Top(5) {
		top = append(top, fmt.Sprintf("%s %s", p.Package, bench.FormatDuration(p.Clock)))
	}
	rows := []bench.Row{
		{What: "cold start: process start to first response", Value: bench.FormatDuration(fs.P50),
			Detail: fmt.Sprintf("median of %d; min %s, p90 %s, max %s", fs.N, bench.FormatDuration(fs.Min), bench.FormatDuration(fs.P90), bench.FormatDuration(fs.Max)),
			Budget: "median < " + bench.FormatDuration(budgetColdStart), Verdict: bench.Verdict(fs.P50 < budgetColdStart)},
		{What: "  of which: fork and exec", Value: bench.FormatDuration(es.P50), Detail: "median; os/exec Start"},
		{What: "  of which: init (cold first response − warm invocation)", Value: bench.FormatDuration(init),
			Detail: fmt.Sprintf("%.0f%% of the cold start", 100*float64(init)/float64(fs.P50))},
		{What: "  of which: Go package init (GODEBUG=inittrace=1)", Value: bench.FormatDuration(tr.Total),
			Detail: fmt.Sprintf("%d packages, %d allocs, %.1f kB; main starts at %s; slowest: %s", len(tr.Packages), tr.Allocs, float64(tr.Bytes)/1e3, bench.FormatDuration(tr.End), strings.Join(top, ", "))},
		{What: "warm invocation through the Runtime API", Value: bench.FormatDuration(ws.P50),
			Detail: fmt.Sprintf("median of %d; min %s, max %s; HTTP round trip included", ws.N, bench.FormatDuration(ws.Min), bench.FormatDuration(ws.Max))},
		{What: "peak RSS of a cold invocation (VmHWM at first response)", Value: bench.FormatMB(hwm),
			Detail: fmt.Sprintf("largest of %d; median %s; after a second invocation (getrusage maxrss) %s", len(rs), bench.FormatMB(int64(bench.MedianFloat(hwms))), bench.FormatMB(maxrss)),
			Budget: "< " + bench.FormatMB(budgetRSS), Verdict: bench.Verdict(hwm < budgetRSS)},
	}
	notes := []string{fmt.Sprintf("Cold starts run %s (built for %s/%s with the flags of make build) under a Lambda-like environment: dummy credentials, region, PHONEPASS_RATE_LIMIT_TABLE set, so that setup builds the SNS and DynamoDB clients; the first event is events/define-start.json.", path, runtime.GOOS, runtime.GOARCH)}
	if nothing != "" {
		// After the rows of the bootstrap's cold start and its parts.
		rows = slices.Insert(rows, 4, baselineRows(fs, each[1])...)
		notes = append(notes, fmt.Sprintf("The baseline %s is internal/bench/nothing, an aws-lambda-go function that answers each event with the event, built with the same flags; it starts cold under the same harness, environment and event, in turn with the bootstrap (one of each, %d times), so the ratio of the medians is taken within one run.", nothing, runs))
	}
	return rows, notes, nil
}

// baselineRows reports the cold starts of the do-nothing function beside
// the bootstrap's (summarized in boot).
func baselineRows(boot bench.Summary, rs []bench.ColdRun) []bench.Row {
	var first []time.Duration
	var hwms []float64
	for _, r := range rs {
		first = append(first, r.FirstResponse)
		hwms = append(hwms, float64(r.PeakRSS))
	}
	bs := bench.Summarize(first)
	return []bench.Row{
		{What: "cold start of a do-nothing aws-lambda-go function (baseline)", Value: bench.FormatDuration(bs.P50),
			Detail: fmt.Sprintf("median of %d, in turn with the bootstrap's; min %s, p90 %s, max %s; peak RSS median %s", bs.N, bench.FormatDuration(bs.Min), bench.FormatDuration(bs.P90), bench.FormatDuration(bs.Max), bench.FormatMB(int64(bench.MedianFloat(hwms))))},
		{What: "cold start ratio, phonepass / do-nothing function", Value: fmt.Sprintf("%.2f×", float64(boot.P50)/float64(bs.P50)),
			Detail: fmt.Sprintf("medians %s / %s, same run", bench.FormatDuration(boot.P50), bench.FormatDuration(bs.P50))},
	}
}

func loadRows(ctx context.Context, o options) ([]bench.Row, []string, error) {
	one, err := bench.MeasureRS256(o.rsDuration, 1)
	if err != nil {
		return nil, nil, err
	}
	all, err := bench.MeasureRS256(o.rsDuration, runtime.NumCPU())
	if err != nil {
		return nil, nil, err
	}
	lr, err := localLoad(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	bound := all.PerSecond / 2
	rows := []bench.Row{
		{What: "RS256 JWT signatures per second, 1 core", Value: fmt.Sprintf("%.0f /s", one.PerSecond),
			Detail: fmt.Sprintf("%d in %s; as the local pool signs: go-jose, crypto/rsa, a 2048-bit key", one.Signatures, bench.FormatDuration(one.Elapsed))},
		{What: fmt.Sprintf("RS256 JWT signatures per second, %d cores", all.Workers), Value: fmt.Sprintf("%.0f /s", all.PerSecond),
			Detail: fmt.Sprintf("bound on sign-ins (2 signatures each): %.0f /s", bound)},
		{What: "local pool: complete sign-ins per second", Value: fmt.Sprintf("%.0f /s", lr.PerSecond),
			Detail: fmt.Sprintf("%d sign-ins in %s, %d clients; %.0f%% of the RS256 bound; CPU %s per sign-in (load generator included)", lr.SignIns, bench.FormatDuration(lr.Elapsed), o.clients, 100*lr.PerSecond/bound, bench.FormatDuration(lr.CPUPerSignIn)),
			Budget: fmt.Sprintf("≥ %d /s", budgetSignInsPerS), Verdict: bench.Verdict(lr.PerSecond >= budgetSignInsPerS)},
		{What: "local pool: sign-in latency p50", Value: bench.FormatDuration(lr.Latency.P50), Detail: fmt.Sprintf("p90 %s, max %s", bench.FormatDuration(lr.Latency.P90), bench.FormatDuration(lr.Latency.Max))},
		{What: "local pool: sign-in latency p99", Value: bench.FormatDuration(lr.Latency.P99), Budget: "< " + bench.FormatDuration(budgetP99), Verdict: bench.Verdict(lr.Latency.P99 < budgetP99)},
	}
	notes := []string{fmt.Sprintf("The load run starts the local pool in-process (as cmd/localpool wires it: triggers in-process, Outbox, in-memory send limiter with PHONEPASS_RATE_LIMIT_PER_PHONE=100, PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE=0 and the range guard off, PHONEPASS_RANGE_MIN_ANSWERED_PERCENT=0, in-memory store) on a loopback port; its %d clients speak Cognito's JSON protocol over HTTP in the same process and share the same %d cores. A sign-in is InitiateAuth (CUSTOM_AUTH), the code read from the outbox, RespondToAuthChallenge, tokens; each of %d users signed up first.", o.clients, runtime.NumCPU(), o.users)}
	if !o.skipMoto {
		mr, n, err := motoRows(ctx, o, lr)
		if err != nil {
			return nil, nil, err
		}
		rows, notes = append(rows, mr...), append(notes, n...)
	}
	return rows, notes, nil
}

// localLoad runs the load against the local pool, under the CPU profiler
// if asked.
func localLoad(ctx context.Context, o options) (bench.LoadResult, error) {
	env := map[string]string{
		"PHONEPASS_RATE_LIMIT_PER_PHONE":       "100",
		"PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE": "0",
		// A thousand numbers of one range at once is what the range guard
		// is there to stop.
		"PHONEPASS_RANGE_MIN_ANSWERED_PERCENT": "0",
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return bench.LoadResult{}, fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return bench.LoadResult{}, fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	lr, err := bench.RunLoad(ctx, o.loadOptions(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	if err == nil && lr.Errors > 0 {
		err = fmt.Errorf("load run: %d of %d sign-ins failed; first: %w", lr.Errors, lr.Errors+lr.SignIns, lr.FirstError)
	}
	return lr, err
}

func (o options) loadOptions(env func(string) (string, bool)) bench.LoadOptions {
	return bench.LoadOptions{Clients: o.clients, Users: o.users, Duration: o.duration, MaxSignIns: o.maxSignIns, Warmup: o.warm, Env: env}
}

// motoRows runs the same load, with the same bounds, against moto's Cognito
// (USER_PASSWORD_AUTH sign-ins) right after the local pool's, lr, and
// reports it beside lr with the ratio. Without the virtual environment's moto it reports
// that instead.
func motoRows(ctx context.Context, o options, lr bench.LoadResult) ([]bench.Row, []string, error) {
	mr, err := bench.RunMotoLoad(ctx, o.loadOptions(nil))
	if errors.Is(err, motoserver.ErrMissing) {
		return []bench.Row{{What: "moto's Cognito: sign-ins per second", Value: "not run", Detail: err.Error()}}, nil, nil
	}
	if err == nil && mr.Errors > 0 {
		err = fmt.Errorf("%d of %d sign-ins failed; first: %w", mr.Errors, mr.Errors+mr.SignIns, mr.FirstError)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("moto load run: %w", err)
	}
	ratio := lr.PerSecond / mr.PerSecond
	rows := []bench.Row{
		{What: "moto " + mr.Version + " Cognito: USER_PASSWORD_AUTH sign-ins per second", Value: fmt.Sprintf("%.0f /s", mr.PerSecond),
			Detail: fmt.Sprintf("%d sign-ins in %s, %d clients; p50 %s, p99 %s; CPU per sign-in %s in moto's process, %s in the clients'", mr.SignIns, bench.FormatDuration(mr.Elapsed), o.clients, bench.FormatDuration(mr.Latency.P50), bench.FormatDuration(mr.Latency.P99), bench.FormatDuration(mr.ServerCPUPerSignIn), bench.FormatDuration(mr.CPUPerSignIn))},
		{What: "local pool / moto, complete sign-ins per second", Value: fmt.Sprintf("%.2f×", ratio),
			Detail: fmt.Sprintf("%.0f /s (CUSTOM_AUTH: 2 calls, 4 trigger invocations) / %.0f /s (USER_PASSWORD_AUTH: 1 call), same run", lr.PerSecond, mr.PerSecond),
			Budget: fmt.Sprintf("≥ %.0f×", budgetMotoRatio), Verdict: bench.Verdict(ratio >= budgetMotoRatio)},
	}
	if mr.ServerCPUPerSignIn > 0 {
		moto := mr.ServerCPUPerSignIn + mr.CPUPerSignIn
		rows = append(rows, bench.Row{What: "moto / local pool, CPU per sign-in, clients included", Value: fmt.Sprintf("%.2f×", float64(moto)/float64(lr.CPUPerSignIn)),
			Detail: fmt.Sprintf("%s / %s: what other work on the machine changes least; moto runs on one core at a time (Python's GIL), the pool on all", bench.FormatDuration(moto), bench.FormatDuration(lr.CPUPerSignIn))})
	}
	notes := []string{fmt.Sprintf("Right after the local pool's load run, the same %d clients (the same Go client code) ran against moto %s's Cognito, started as its users start it (python -m moto.server: werkzeug's threaded server, request log read and dropped) in its own process on the same %d cores, with the same bounds (%s or %d sign-ins, %d not counted first): a user pool and an app client with ALLOW_USER_PASSWORD_AUTH, %d users made with AdminCreateUser and AdminSetUserPassword (permanent), then each sign-in one InitiateAuth USER_PASSWORD_AUTH answered with tokens. Both sign an ID and an access token with RS256 per sign-in; moto through Python's cryptography (OpenSSL).", o.clients, mr.Version, runtime.NumCPU(), o.duration, o.maxSignIns, o.warm, o.users)}
	return rows, notes, nil
}

// pathRows runs the production path and reports, per step, the AWS calls
// on its critical path and the time the latency added, beside the same of
// the -before bootstrap, measured in turn with it. Without the virtual
// environment's moto it reports that instead.
func pathRows(ctx context.Context, o options) ([]bench.Row, []string, error) {
	bins := []string{o.host}
	if o.before != "" {
		bins = append(bins, o.before)
	}
	for _, b := range bins {
		if _, err := bench.InspectBinary(b); err != nil {
			return nil, nil, fmt.Errorf("%w (make bench builds it)", err)
		}
	}
	res, err := bench.RunCriticalPath(ctx, bench.PathOptions{Bootstraps: bins, Rounds: o.pathRounds, Latency: o.pathLatency})
	if errors.Is(err, motoserver.ErrMissing) {
		return []bench.Row{{What: "production path", Value: "not run", Detail: err.Error()}}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("production path: %w", err)
	}
	rev := o.beforeRev
	if rev == "" {
		rev = o.before
	}
	var rows []bench.Row
	for i, s := range res.Steps[0] {
		added := s.Added()
		r := bench.Row{
			What:  fmt.Sprintf("production path: %s, time added by %s more per AWS call", s.Step, bench.FormatDuration(o.pathLatency)),
			Value: bench.FormatDuration(added),
			Detail: fmt.Sprintf("%s: %s; medians net of moto's own time %s with, %s without (%d of each), raw %s and %s (moto's own time, median %s, varies far more than the latency)",
				pathCalls(s), strings.Join(s.Calls, " → "), bench.FormatDuration(s.SlowNet.P50), bench.FormatDuration(s.FastNet.P50), s.Slow.N,
				bench.FormatDuration(s.Slow.P50), bench.FormatDuration(s.Fast.P50), bench.FormatDuration(s.Moto())),
		}
		if len(res.Steps) > 1 {
			b := res.Steps[1][i]
			r.Detail += fmt.Sprintf("; before (%s, same run): %s, %s added, so %.2f× now", rev, pathCalls(b), bench.FormatDuration(b.Added()), float64(added)/float64(b.Added()))
		}
		// The budgets are for 10 ms a call; other latencies scale them.
		if b, ok := budgetPathAdded[s.Step]; ok {
			b = b * o.pathLatency / (10 * time.Millisecond)
			r.Budget, r.Verdict = "≤ "+bench.FormatDuration(b), bench.Verdict(added <= b)
		}
		rows = append(rows, r)
	}
	who := o.host
	if o.before != "" {
		who = fmt.Sprintf("%s and, in turn with it, %s (built the same way from %s)", o.host, o.before, rev)
	}
	notes := []string{fmt.Sprintf("The production path runs %s under a Lambda Runtime API server (internal/runtimeapi) with the deployed defaults, each with its own table, SNS and DynamoDB from moto %s (one request at a time) behind internal/faultproxy, which records each call and adds the latency to every one in the slow sign-ins. The time added is the difference of the medians of each invocation's time less moto's own (each call's time at the proxy less the latency it waited there), because moto's own time, tens of milliseconds of Python, varies more than the 10 ms measured. The pool ceiling is raised to 6000 a minute so that the run stays under it (its counter stays in each send's transaction). Each round is, for each function in turn, two sign-ins on new numbers, without and with the latency: CreateAuthChallenge, a wrong answer, the right answer (the code read from moto's SNS); two rounds run first, not counted.", who, res.Version)}
	return rows, notes, nil
}

// pathCalls says how many calls a step made and how many of them ran one
// after another.
func pathCalls(s bench.PathStep) string {
	return fmt.Sprintf("%s, %d one after another", calls(len(s.Calls)), s.Critical)
}

// calls says "1 call" or "n calls".
func calls(n int) string {
	if n == 1 {
		return "1 call"
	}
	return fmt.Sprintf("%d calls", n)
}

// machine describes this computer in one sentence.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(v); len(f) == 2 {
					if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
						mem = fmt.Sprintf(", %.0f GiB memory", kb/(1<<20))
					}
				}
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("Machine: %s, %d logical CPUs%s%s, %s %s/%s.", cpu, runtime.NumCPU(), mem, kernel, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}
