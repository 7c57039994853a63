package metrics

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Writer writes one EMF line per invocation to an io.Writer (the Lambda
// function's standard output, which CloudWatch Logs reads). It is safe for
// concurrent use: each line is one Write call, whole.
type Writer struct {
	mu  sync.Mutex
	out io.Writer
	now func() time.Time
	buf []byte
}

// New returns a Writer to out, timestamping lines with now (time.Now if nil).
func New(out io.Writer, now func() time.Time) *Writer {
	if now == nil {
		now = time.Now
	}
	return &Writer{out: out, now: now}
}

// ErrPool is returned for an Invocation whose Pool is not a user pool ID.
var ErrPool = errors.New("metrics: pool is not a user pool ID (<region>_<letters and digits>)")

// poolID is the form of a user pool ID, <region>_<letters and digits>, as
// Cognito gives it (at most 55 characters): it cannot hold a phone number,
// which starts with "+", nor break out of its JSON string.
var poolID = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+_[0-9A-Za-z]+$`)

// maxPoolID is the longest user pool ID Cognito makes.
const maxPoolID = 55

// value is one metric of a line and its value, already formatted.
type value struct {
	name, unit, v string
}

// Write writes the metrics that apply to inv as one EMF line, or nothing
// when inv did nothing that is counted. It returns an error, and writes
// nothing, for an invocation that cannot have happened (a code both sent
// and refused, say) or a Pool that is not a user pool ID.
func (w *Writer) Write(inv Invocation) error {
	if err := inv.validate(); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	var vals [7]value
	n := 0
	add := func(name, unit, v string) {
		vals[n] = value{name, unit, v}
		n++
	}
	if inv.Sent {
		add(CodesSent, UnitCount, "1")
	}
	if m, ok := inv.Refused.metric(); ok {
		add(SendsRefused, UnitCount, "1")
		add(m, UnitCount, "1")
	}
	if inv.SendFailed {
		add(SendFailures, UnitCount, "1")
	}
	if inv.SendUncertain {
		add(SendsUncertain, UnitCount, "1")
	}
	switch inv.Answer {
	case AnswerRight:
		add(AnswersRight, UnitCount, "1")
	case AnswerWrong:
		add(AnswersWrong, UnitCount, "1")
	case AnswerExpired:
		add(AnswersExpired, UnitCount, "1")
	}
	if inv.SendLatency > 0 {
		ms := float64(inv.SendLatency.Microseconds()) / 1000
		add(SendLatency, UnitMilliseconds, strconv.FormatFloat(ms, 'f', -1, 64))
	}
	if inv.Segments > 0 {
		add(SMSSegments, UnitCount, strconv.Itoa(inv.Segments))
	}
	if n == 0 {
		return nil
	}
	if len(inv.Pool) > maxPoolID || !poolID.MatchString(inv.Pool) {
		return ErrPool
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = appendLine(w.buf[:0], inv.Pool, w.now(), vals[:n])
	if _, err := w.out.Write(w.buf); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// appendLine appends the EMF document of vals for pool at t, and a newline.
// Every string in it is a constant of this package or pool, whose form
// needs no escaping, so it is written as it is.
func appendLine(b []byte, pool string, t time.Time, vals []value) []byte {
	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, t.UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":"`+Namespace+`","Dimensions":[["`+DimensionUserPool+`"]],"Metrics":[`...)
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":"`...)
		b = append(b, v.name...)
		b = append(b, `","Unit":"`...)
		b = append(b, v.unit...)
		b = append(b, `"}`...)
	}
	b = append(b, `]}]},"`+DimensionUserPool+`":"`...)
	b = append(b, pool...)
	b = append(b, '"')
	for _, v := range vals {
		b = append(b, `,"`...)
		b = append(b, v.name...)
		b = append(b, `":`...)
		b = append(b, v.v...)
	}
	return append(b, "}\n"...)
}
