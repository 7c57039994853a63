package bench

import (
	"fmt"
	"strings"
	"time"
)

// Row is one line of the results table.
type Row struct {
	// What names the measurement.
	What string
	// Value is the measured figure, formatted.
	Value string
	// Detail adds spread, allocations or a ratio; may be empty.
	Detail string
	// Budget is the budget, formatted; empty for a figure without one.
	Budget string
	// Verdict is "within", "over" or empty when there is no budget.
	Verdict string
}

// Verdict returns "within" if ok, else "over".
func Verdict(ok bool) string {
	if ok {
		return "within"
	}
	return "over"
}

// Markdown renders rows as a Markdown table.
func Markdown(rows []Row) string {
	var b strings.Builder
	b.WriteString("| measurement | value | detail | budget | verdict |\n|---|---:|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", esc(r.What), esc(r.Value), esc(r.Detail), esc(r.Budget), esc(r.Verdict))
	}
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// FormatDuration prints d with three significant figures in a unit that
// suits it: ns, µs, ms or s.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < time.Millisecond:
		return sig3(float64(d)/1e3) + " µs"
	case d < time.Second:
		return sig3(float64(d)/1e6) + " ms"
	default:
		return sig3(float64(d)/1e9) + " s"
	}
}

func sig3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// FormatMB prints a byte count in megabytes (10^6 bytes) and mebibytes.
func FormatMB(n int64) string {
	return fmt.Sprintf("%.2f MB (%.2f MiB)", float64(n)/1e6, float64(n)/(1<<20))
}
