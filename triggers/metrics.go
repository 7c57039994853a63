package triggers

import (
	"go.uber.org/zap"

	"github.com/phonepass/phonepass/metrics"
)

// MetricsWriter takes the metrics of each invocation. Package metrics's
// Writer implements it, as CloudWatch Embedded Metric Format lines.
type MetricsWriter interface {
	Write(metrics.Invocation) error
}

// WithMetrics makes the Handler hand the metrics of each invocation to w.
func WithMetrics(w MetricsWriter) Option {
	return func(h *Handler) { h.metrics = w }
}

// sendRefusals are the Create outcomes that refused to send a code, and the
// limit each stands for. At Verify, a cool-off or lock refuses an answer,
// which is not a refused send.
var sendRefusals = map[Outcome]metrics.Reason{
	OutcomeRateLimited:    metrics.ReasonNumber,
	OutcomeRangeLimited:   metrics.ReasonRange,
	OutcomeCountryLimited: metrics.ReasonCountry,
	OutcomePoolLimited:    metrics.ReasonPool,
	OutcomeCoolingOff:     metrics.ReasonLockout,
	OutcomeLocked:         metrics.ReasonLockout,
}

// answers are the Verify outcomes that judged an answer.
var answers = map[Outcome]metrics.AnswerResult{
	OutcomeCorrect: metrics.AnswerRight,
	OutcomeWrong:   metrics.AnswerWrong,
	OutcomeExpired: metrics.AnswerExpired,
}

// invocationMetrics returns the metrics of an invocation of src that ended
// as out: no phone number, code or digest is among them.
func invocationMetrics(src string, out outcome) metrics.Invocation {
	inv := metrics.Invocation{Pool: out.pool}
	switch src {
	case SourceCreateAuthChallenge:
		inv.Sent = out.result == OutcomeSent || out.result == OutcomeResent || out.result == OutcomeSentUncertain
		inv.SendUncertain = out.result == OutcomeSentUncertain
		inv.SendFailed = out.result == OutcomeSendFailed
		inv.Refused = sendRefusals[out.result]
		inv.SendLatency = out.sendLatency
		if inv.Sent {
			inv.Segments = out.segments
		}
	case SourceVerifyChallengeAnswer:
		inv.Answer = answers[out.result]
	}
	return inv
}

// writeMetrics hands the invocation's metrics to the MetricsWriter, if any;
// a failure goes to the log.
func (h *Handler) writeMetrics(src string, out outcome) {
	if h.metrics == nil {
		return
	}
	if err := h.metrics.Write(invocationMetrics(src, out)); err != nil {
		h.log.Warn("metrics not written", zap.Error(err))
	}
}
