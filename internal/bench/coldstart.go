package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/phonepass/phonepass/internal/runtimeapi"
	"github.com/phonepass/phonepass/internal/sampleevents"
)

// LambdaEnv is the environment a cold start gets: what Lambda sets for a
// provided.al2023 function of 128 MB (dummy credentials), plus the send
// limiter's table and the code key as the SAM template sets them, so that setup builds the SNS
// and the DynamoDB clients as in a deployment. Nothing is inherited from
// the calling process; AWS_LAMBDA_RUNTIME_API is added per run.
func LambdaEnv() []string {
	return []string{
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"_HANDLER=bootstrap",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=bench",
		"AWS_SECRET_ACCESS_KEY=bench",
		"AWS_SESSION_TOKEN=bench",
		"AWS_LAMBDA_FUNCTION_NAME=phonepass",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/phonepass",
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/15/[$LATEST]bench",
		"PHONEPASS_RATE_LIMIT_TABLE=phonepass-sends",
		// As the template hands it over from Secrets Manager: 64 characters
		// in the environment, nothing to call at the cold start.
		"PHONEPASS_CODE_KEY=uRVqBTZJZJRRbus84XvFsAuSc4zId3DUCTRep4f2j3zaVnDKjq56LtRT3wNTnWuR",
	}
}

// FirstEvent returns the event of every cold start: a sign-in's first
// DefineAuthChallenge (events/define-start.json), which needs no network.
func FirstEvent() ([]byte, error) {
	evs, err := sampleevents.Generate(sampleevents.SampleTime)
	if err != nil {
		return nil, fmt.Errorf("sample events: %w", err)
	}
	for _, e := range evs {
		if e.File == "define-start.json" {
			return []byte(e.JSON), nil
		}
	}
	return nil, errors.New("sample events: no define-start.json")
}

// ColdRun is what one cold start of the bootstrap measured.
type ColdRun struct {
	// Exec is the time os/exec took to start the process (fork and exec).
	Exec time.Duration
	// FirstResponse is from just before the process was started to the
	// Runtime API server holding the first invocation's answer.
	FirstResponse time.Duration
	// Warm is the round trip of a second invocation of the same event
	// through the Runtime API, once the process is warm.
	Warm time.Duration
	// PeakRSS is the process's peak resident set (VmHWM) read from
	// /proc/<pid>/status right after the first response, in bytes.
	PeakRSS int64
	// MaxRSS is the peak resident set the kernel reports for the process
	// once it has exited (getrusage), in bytes; it covers the warm
	// invocation too.
	MaxRSS int64
}

// ColdStart starts the bootstrap at path, cold, runs times (each a new
// process against a new runtimeapi.Server), and returns each run. Every run
// must answer event without an error; the process is killed after its
// second invocation.
func ColdStart(ctx context.Context, path string, env []string, event []byte, runs int) ([]ColdRun, error) {
	out, err := ColdStartEach(ctx, []string{path}, env, event, runs)
	return out[0], err
}

// ColdStartEach is ColdStart for several binaries in turn: runs rounds, each
// starting every binary of paths once, in order, so that all of them meet
// the same moments of a busy machine and the ratio of their medians holds
// within one run. It returns the runs of paths[i] at index i; an error names
// the binary and the round that failed.
func ColdStartEach(ctx context.Context, paths []string, env []string, event []byte, runs int) ([][]ColdRun, error) {
	out := make([][]ColdRun, len(paths))
	for i := range runs {
		for k, path := range paths {
			r, err := coldRun(ctx, path, env, event)
			if err != nil {
				return out, fmt.Errorf("cold start %d of %s: %w", i+1, path, err)
			}
			out[k] = append(out[k], r)
		}
	}
	return out, nil
}

func coldRun(ctx context.Context, path string, env []string, event []byte) (ColdRun, error) {
	var r ColdRun
	srv, err := runtimeapi.New(runtimeapi.WithTimeout(5 * time.Second))
	if err != nil {
		return r, err
	}
	defer srv.Close()
	cmd := exec.Command(path)
	cmd.Env = append(slices.Clone(env), runtimeapi.EnvRuntimeAPI+"="+srv.Addr())
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{b: &stderr, max: 64 << 10}
	// Standard output (the log lines) goes to the null device.

	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", path, err)
	}
	r.Exec = time.Since(t0)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, lerr, err := srv.Invoke(ictx, event)
	r.FirstResponse = time.Since(t0)
	if err == nil && lerr != nil {
		err = lerr
	}
	if err != nil {
		stop()
		return r, fmt.Errorf("first invocation: %w; standard error: %s", err, tail(stderr.String(), 512))
	}
	r.PeakRSS, err = procStatusBytes(cmd.Process.Pid, "VmHWM")
	if err != nil {
		stop()
		return r, err
	}
	t1 := time.Now()
	_, lerr, err = srv.Invoke(ictx, event)
	r.Warm = time.Since(t1)
	if err == nil && lerr != nil {
		err = lerr
	}
	stop()
	if err != nil {
		return r, fmt.Errorf("second invocation: %w", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return r, nil
}

// procStatusBytes reads a "<field>: <n> kB" line of /proc/<pid>/status.
func procStatusBytes(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read process status: %w", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("process status: cannot read %q", line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("process status %s: %w", field, err)
		}
		return n * 1024, nil
	}
	return 0, fmt.Errorf("process status has no %s", field)
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

// Write keeps what fits under max and reports all of p written, so that the
// child process never blocks on a full pipe.
func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

// PackageInit is the run-time initialization of one Go package, as
// GODEBUG=inittrace=1 reports it.
type PackageInit struct {
	// Package is the import path.
	Package string
	// At is when its init started, from the start of the Go runtime.
	At time.Duration
	// Clock is the wall time its init took.
	Clock time.Duration
	// Bytes and Allocs are what its init allocated.
	Bytes, Allocs int64
}

// InitTrace is the package initialization of one cold start.
type InitTrace struct {
	// Packages lists every package init, in the order they ran.
	Packages []PackageInit
	// Total is the sum of the inits' clock times.
	Total time.Duration
	// Bytes and Allocs are summed over all packages.
	Bytes, Allocs int64
	// End is when the last init ended, from the start of the Go runtime:
	// main starts then.
	End time.Duration
}

// Top returns the n packages whose init took longest, longest first.
func (t InitTrace) Top(n int) []PackageInit {
	s := slices.Clone(t.Packages)
	slices.SortStableFunc(s, func(a, b PackageInit) int { return int(b.Clock - a.Clock) })
	return s[:min(n, len(s))]
}

var initLine = regexp.MustCompile(`^init (\S+) @([0-9.]+) ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// ParseInitTrace reads the "init ..." lines GODEBUG=inittrace=1 writes to
// standard error; other lines are skipped.
func ParseInitTrace(stderr string) (InitTrace, error) {
	var t InitTrace
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		m := initLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		at, err1 := strconv.ParseFloat(m[2], 64)
		clock, err2 := strconv.ParseFloat(m[3], 64)
		bytes, err3 := strconv.ParseInt(m[4], 10, 64)
		allocs, err4 := strconv.ParseInt(m[5], 10, 64)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return t, fmt.Errorf("init trace line %q: %w", sc.Text(), err)
		}
		p := PackageInit{Package: m[1], At: ms(at), Clock: ms(clock), Bytes: bytes, Allocs: allocs}
		t.Packages = append(t.Packages, p)
		t.Total += p.Clock
		t.Bytes += bytes
		t.Allocs += allocs
		t.End = max(t.End, p.At+p.Clock)
	}
	if len(t.Packages) == 0 {
		return t, errors.New("no init trace lines: was GODEBUG=inittrace=1 set?")
	}
	return t, nil
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// TraceInit runs the bootstrap once with GODEBUG=inittrace=1 until its
// first response and returns its package initialization.
func TraceInit(ctx context.Context, path string, env []string, event []byte) (InitTrace, error) {
	srv, err := runtimeapi.New(runtimeapi.WithTimeout(5 * time.Second))
	if err != nil {
		return InitTrace{}, err
	}
	defer srv.Close()
	p, err := srv.Start(ctx, path, append(slices.Clone(env), "GODEBUG=inittrace=1"))
	if err != nil {
		return InitTrace{}, err
	}
	defer p.Stop()
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, lerr, err := srv.Invoke(ictx, event)
	if err == nil && lerr != nil {
		err = lerr
	}
	if err != nil {
		return InitTrace{}, fmt.Errorf("first invocation: %w", err)
	}
	return ParseInitTrace(p.Stderr().String())
}
