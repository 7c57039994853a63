package bench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GoBench is one benchmark of `go test -bench -benchmem` output, over the
// runs of -count: the median of each figure.
type GoBench struct {
	// Name is the benchmark's name without the -GOMAXPROCS suffix, such as
	// "BenchmarkSignIn/log=json".
	Name string
	// Runs is the number of result lines for Name.
	Runs int
	// NsPerOp, BytesPerOp and AllocsPerOp are medians over the runs.
	NsPerOp, BytesPerOp, AllocsPerOp float64
	// NsRuns holds each run's ns/op, in order.
	NsRuns []float64
}

// ParseGoBench reads `go test -bench` output and returns each benchmark's
// medians, in order of first appearance. Lines that are not results (goos:,
// PASS, ok, logs) are skipped; a result line it cannot read is an error.
func ParseGoBench(r io.Reader) ([]GoBench, error) {
	type acc struct {
		ns, bytes, allocs []float64
	}
	var order []string
	by := map[string]*acc{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		a := by[name]
		if a == nil {
			a = &acc{}
			by[name] = a
			order = append(order, name)
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("benchmark %s: ns/op %q: %w", name, f[2], err)
		}
		a.ns = append(a.ns, ns)
		for i := 4; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "B/op":
				a.bytes = append(a.bytes, v)
			case "allocs/op":
				a.allocs = append(a.allocs, v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	out := make([]GoBench, 0, len(order))
	for _, name := range order {
		a := by[name]
		out = append(out, GoBench{
			Name: name, Runs: len(a.ns), NsRuns: a.ns,
			NsPerOp: MedianFloat(a.ns), BytesPerOp: MedianFloat(a.bytes), AllocsPerOp: MedianFloat(a.allocs),
		})
	}
	return out, nil
}
