package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const pool = "eu-west-2_Xq7LpB3nK"

var at = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return at }

// cloudWatchUnits are the units CloudWatch accepts (MetricDatum's Unit).
var cloudWatchUnits = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
	"Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
	"Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}

// emfLine is one line as the EMF specification reads it.
type emfLine struct {
	timestamp  int64
	namespace  string
	dimensions []string          // the one dimension set
	units      map[string]string // metric name -> unit
	values     map[string]float64
	root       map[string]any
}

// only returns the keys of m, failing t if any is not in allowed.
func only(t *testing.T, what string, m map[string]any, allowed ...string) {
	t.Helper()
	for k := range m {
		if !slices.Contains(allowed, k) {
			t.Errorf("%s has member %q; the specification allows no other than %v", what, k, allowed)
		}
	}
}

// parseEMF checks line against the embedded metric format specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
// and returns what it says.
func parseEMF(t *testing.T, line string) emfLine {
	t.Helper()
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("line %q is not a JSON object: %v", line, err)
	}
	if dec.More() {
		t.Fatalf("line %q has data after the object", line)
	}
	meta, ok := root["_aws"].(map[string]any)
	if !ok {
		t.Fatalf("line %q: no _aws metadata object", line)
	}
	only(t, "_aws", meta, "Timestamp", "CloudWatchMetrics")
	ts, err := meta["Timestamp"].(json.Number).Int64()
	if err != nil {
		t.Fatalf("_aws.Timestamp %v is not a whole number of milliseconds: %v", meta["Timestamp"], err)
	}
	directives, _ := meta["CloudWatchMetrics"].([]any)
	if len(directives) != 1 {
		t.Fatalf("_aws.CloudWatchMetrics: got %v, want one metric directive", meta["CloudWatchMetrics"])
	}
	d, _ := directives[0].(map[string]any)
	only(t, "the metric directive", d, "Namespace", "Dimensions", "Metrics")
	out := emfLine{timestamp: ts, units: map[string]string{}, values: map[string]float64{}, root: root}
	out.namespace, _ = d["Namespace"].(string)
	if out.namespace == "" || len(out.namespace) > 255 {
		t.Errorf("Namespace %v: want 1 to 255 characters", d["Namespace"])
	}
	sets, _ := d["Dimensions"].([]any)
	if len(sets) != 1 {
		t.Fatalf("Dimensions: got %v, want one dimension set", d["Dimensions"])
	}
	set, _ := sets[0].([]any)
	if len(set) == 0 || len(set) > 30 {
		t.Fatalf("dimension set %v: want 1 to 30 dimensions", set)
	}
	for _, k := range set {
		name, _ := k.(string)
		v, ok := root[name].(string)
		if !ok || v == "" || len(v) > 1024 {
			t.Errorf("dimension %v: the root must hold it as a string of 1 to 1024 characters, got %v", k, root[name])
		}
		out.dimensions = append(out.dimensions, name)
	}
	defs, _ := d["Metrics"].([]any)
	if len(defs) == 0 || len(defs) > 100 {
		t.Fatalf("Metrics: got %d definitions, want 1 to 100", len(defs))
	}
	for _, raw := range defs {
		def, _ := raw.(map[string]any)
		only(t, "a metric definition", def, "Name", "Unit", "StorageResolution")
		name, _ := def["Name"].(string)
		unit, _ := def["Unit"].(string)
		if name == "" || len(name) > 255 || !slices.Contains(cloudWatchUnits, unit) {
			t.Errorf("metric definition %v: want a name of 1 to 255 characters and a CloudWatch unit", def)
		}
		num, ok := root[name].(json.Number)
		if !ok {
			t.Fatalf("metric %s: the root holds %v, want a number", name, root[name])
		}
		f, _ := num.Float64()
		if _, dup := out.units[name]; dup {
			t.Errorf("metric %s defined twice", name)
		}
		out.units[name], out.values[name] = unit, f
	}
	return out
}

// lines splits w's output into lines, each ending in a newline.
func lines(t *testing.T, out string) []string {
	t.Helper()
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output %q does not end its line", out)
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func TestWriteLines(t *testing.T) {
	tests := []struct {
		name string
		inv  Invocation
		want map[string]float64
	}{
		{"code sent", Invocation{Sent: true, SendLatency: 123456 * time.Microsecond, Segments: 1},
			map[string]float64{CodesSent: 1, SendLatency: 123.456, SMSSegments: 1}},
		{"code sent, parts unknown", Invocation{Sent: true, SendLatency: 80 * time.Millisecond},
			map[string]float64{CodesSent: 1, SendLatency: 80}},
		{"send failed", Invocation{SendFailed: true, SendLatency: 3 * time.Second},
			map[string]float64{SendFailures: 1, SendLatency: 3000}},
		{"refused by the number's limit", Invocation{Refused: ReasonNumber}, map[string]float64{SendsRefused: 1, SendsRefusedNumber: 1}},
		{"refused by the range guard", Invocation{Refused: ReasonRange}, map[string]float64{SendsRefused: 1, SendsRefusedRange: 1}},
		{"refused by a country budget", Invocation{Refused: ReasonCountry}, map[string]float64{SendsRefused: 1, SendsRefusedCountry: 1}},
		{"refused by the pool", Invocation{Refused: ReasonPool}, map[string]float64{SendsRefused: 1, SendsRefusedPool: 1}},
		{"refused by a lockout", Invocation{Refused: ReasonLockout}, map[string]float64{SendsRefused: 1, SendsRefusedLockout: 1}},
		{"right answer", Invocation{Answer: AnswerRight}, map[string]float64{AnswersRight: 1}},
		{"wrong answer", Invocation{Answer: AnswerWrong}, map[string]float64{AnswersWrong: 1}},
		{"expired answer", Invocation{Answer: AnswerExpired}, map[string]float64{AnswersExpired: 1}},
		{"sent with no answer from SNS", Invocation{Sent: true, SendUncertain: true, SendLatency: 3 * time.Second},
			map[string]float64{CodesSent: 1, SendsUncertain: 1, SendLatency: 3000}},
		{"wrong answer, then a new code", Invocation{Answer: AnswerWrong, Sent: true, Segments: 2, SendLatency: time.Millisecond},
			map[string]float64{AnswersWrong: 1, CodesSent: 1, SMSSegments: 2, SendLatency: 1}},
	}
	units := map[string]string{}
	for _, m := range All() {
		units[m.Name] = m.Unit
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.inv.Pool = pool
			if err := New(&out, clock).Write(tt.inv); err != nil {
				t.Fatal(err)
			}
			ls := lines(t, out.String())
			if len(ls) != 1 {
				t.Fatalf("got %d lines, want 1: %q", len(ls), out.String())
			}
			l := parseEMF(t, ls[0])
			if l.namespace != Namespace || !slices.Equal(l.dimensions, []string{DimensionUserPool}) || l.root[DimensionUserPool] != pool {
				t.Errorf("got namespace %q dimensions %v pool %v, want %q [%s] %q", l.namespace, l.dimensions, l.root[DimensionUserPool], Namespace, DimensionUserPool, pool)
			}
			if l.timestamp != at.UnixMilli() {
				t.Errorf("got Timestamp %d, want %d", l.timestamp, at.UnixMilli())
			}
			if fmt.Sprint(l.values) != fmt.Sprint(tt.want) {
				t.Errorf("got values %v, want %v", l.values, tt.want)
			}
			for name, unit := range l.units {
				if units[name] != unit {
					t.Errorf("metric %s: got unit %s, want %s (All)", name, unit, units[name])
				}
			}
		})
	}
}

func TestWriteNothing(t *testing.T) {
	var out bytes.Buffer
	for _, inv := range []Invocation{{}, {Pool: pool}, {Pool: "not a pool"}} {
		if err := New(&out, clock).Write(inv); err != nil || out.Len() != 0 {
			t.Errorf("Write(%+v): got %v and %q, want nothing written", inv, err, out.String())
		}
	}
}

func TestWriteRefuses(t *testing.T) {
	tests := []struct {
		name string
		inv  Invocation
	}{
		{"sent and refused", Invocation{Sent: true, Refused: ReasonPool}},
		{"sent and failed", Invocation{Sent: true, SendFailed: true}},
		{"uncertain and not sent", Invocation{SendUncertain: true}},
		{"refused and failed", Invocation{Refused: ReasonRange, SendFailed: true}},
		{"unknown reason", Invocation{Refused: "+447700900123"}},
		{"unknown verdict", Invocation{Answer: 7}},
		{"parts of no code", Invocation{Segments: 1}},
		{"too many parts", Invocation{Sent: true, Segments: MaxSegments + 1}},
		{"negative parts", Invocation{Sent: true, Segments: -1}},
		{"latency without a send", Invocation{Answer: AnswerRight, SendLatency: time.Millisecond}},
		{"negative latency", Invocation{Sent: true, SendLatency: -time.Millisecond}},
		{"latency of a code", Invocation{Sent: true, SendLatency: 123456 * time.Second}},
		{"pool is a phone number", Invocation{Sent: true, Pool: "+447700900123"}},
		{"pool is digits", Invocation{Sent: true, Pool: "447700900123"}},
		{"pool is a code", Invocation{Sent: true, Pool: "123456"}},
		{"pool breaks out of its string", Invocation{Sent: true, Pool: `eu-west-2_a","CodesSent":9,"x":"`}},
		{"pool with a newline", Invocation{Sent: true, Pool: "eu-west-2_a\n"}},
		{"pool too long", Invocation{Sent: true, Pool: "eu-west-2_" + strings.Repeat("a", 50)}},
		{"no pool", Invocation{Sent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.inv.Pool == "" && !strings.Contains(tt.name, "pool") {
				tt.inv.Pool = pool
			}
			var out bytes.Buffer
			err := New(&out, clock).Write(tt.inv)
			if err == nil || out.Len() != 0 {
				t.Errorf("got %v and %q, want an error and nothing written", err, out.String())
			}
			if strings.Contains(tt.name, "pool") && !errors.Is(err, ErrPool) {
				t.Errorf("got %v, want ErrPool", err)
			}
		})
	}
}

// TestNoNumberCodeOrDigest writes many random invocations and checks that
// every string of every line is a name of this package or the pool's ID,
// and every number a count, a part count, a latency or the time: nothing
// else (no phone number, code or digest) can reach a line.
func TestNoNumberCodeOrDigest(t *testing.T) {
	allowed := []string{Namespace, DimensionUserPool, UnitCount, UnitMilliseconds, "_aws", "Timestamp",
		"CloudWatchMetrics", "Namespace", "Dimensions", "Metrics", "Name", "Unit", pool}
	for _, m := range All() {
		allowed = append(allowed, m.Name)
	}
	reasons := []Reason{ReasonNone, ReasonNumber, ReasonRange, ReasonCountry, ReasonPool, ReasonLockout}
	var out bytes.Buffer
	w := New(&out, clock)
	rng := rand.New(rand.NewPCG(1, 2))
	written := 0
	for range 5000 {
		inv := Invocation{Pool: pool, Answer: AnswerResult(rng.IntN(4))}
		switch rng.IntN(4) {
		case 0:
			inv.Sent, inv.Segments = true, rng.IntN(MaxSegments+1)
		case 1:
			inv.SendFailed = true
		case 2:
			inv.Refused = reasons[rng.IntN(len(reasons))]
		}
		if inv.Sent || inv.SendFailed {
			inv.SendLatency = time.Duration(rng.Int64N(int64(5 * time.Second)))
		}
		if rng.IntN(10) == 0 { // now and then, something that cannot happen
			inv.Segments = rng.IntN(2 * MaxSegments)
		}
		if w.Write(inv) == nil && inv.validate() == nil {
			written++
		}
	}
	if written < 3000 {
		t.Fatalf("only %d valid random invocations; the test proves little", written)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if !slices.Contains(allowed, k) {
					t.Fatalf("key %q is not a name of the package", k)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if !slices.Contains(allowed, x) {
				t.Fatalf("string %q is not a name of the package or the pool", x)
			}
		case json.Number:
			f, _ := x.Float64()
			if f != float64(at.UnixMilli()) && (f < 0 || f > float64(MaxSendLatency.Milliseconds())) {
				t.Fatalf("number %s is neither the time nor a count or latency", x)
			}
		default:
			t.Fatalf("unexpected value %v", v)
		}
	}
	for _, l := range lines(t, out.String()) {
		if strings.Contains(l, "+") {
			t.Fatalf("line %q holds a +", l)
		}
		walk(parseEMF(t, l).root)
	}
}

// TestWriteConcurrently writes from many goroutines at once: every line is
// whole.
func TestWriteConcurrently(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, nil)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if err := w.Write(Invocation{Pool: pool, Sent: true, Segments: 1 + i%3}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	ls := lines(t, out.String())
	if len(ls) != 1000 {
		t.Fatalf("got %d lines, want 1000", len(ls))
	}
	for _, l := range ls {
		if parseEMF(t, l).values[CodesSent] != 1 {
			t.Fatalf("line %q: want one code sent", l)
		}
	}
}

// failing is an io.Writer that always fails.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestWriteReportsOutputErrors(t *testing.T) {
	if err := New(failing{}, clock).Write(Invocation{Pool: pool, Sent: true}); err == nil || !strings.Contains(err.Error(), "stdout closed") {
		t.Errorf("got %v, want the output's error", err)
	}
}

func TestAllMatchesConstants(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range All() {
		if seen[m.Name] || !slices.Contains(cloudWatchUnits, m.Unit) {
			t.Errorf("metric %v repeated or with a unit CloudWatch does not know", m)
		}
		seen[m.Name] = true
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile(`(?m)^//\t(\w+) +(\w+) `).FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1]+" "+m[2])
	}
	var all []string
	for _, m := range All() {
		all = append(all, m.Name+" "+m.Unit)
	}
	if !slices.Equal(all, documented) {
		t.Errorf("got metrics %v, want those of the package documentation %v, in its order", all, documented)
	}
}

func BenchmarkWrite(b *testing.B) {
	w := New(&bytes.Buffer{}, clock)
	inv := Invocation{Pool: pool, Sent: true, SendLatency: 120 * time.Millisecond, Segments: 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.out.(*bytes.Buffer).Reset()
		if err := w.Write(inv); err != nil {
			b.Fatal(err)
		}
	}
}
