package triggers

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.uber.org/zap"

	"github.com/phonepass/phonepass/phone"
)

// logInvocation writes the one line of an invocation: info when it went
// its way, warn for an error the user sees, error for any other. The phone
// number is masked; a code never reaches it.
func (h *Handler) logInvocation(ctx context.Context, src string, out outcome, err error, start time.Time) {
	level := zap.InfoLevel
	if err != nil {
		level = zap.WarnLevel
		var ue *UserError
		if !errors.As(err, &ue) {
			level = zap.ErrorLevel
		}
	}
	ce := h.log.Check(level, "invocation")
	if ce == nil {
		return
	}
	var reqID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		reqID = lc.AwsRequestID
	}
	result := out.result
	if err != nil && result == "" {
		result = OutcomeError
	}
	fields := []zap.Field{
		zap.String("requestId", reqID),
		zap.String("triggerSource", src),
		zap.String("userPoolId", out.pool),
		zap.String("phone", phone.Mask(out.phone)),
		zap.String("outcome", string(result)),
		zap.Duration("duration", h.now().Sub(start)),
	}
	if out.segments > 0 {
		fields = append(fields, zap.Int("segments", out.segments))
	}
	if err != nil {
		fields = append(fields, zap.String("error", err.Error()))
	}
	if out.detail != nil {
		fields = append(fields, zap.String("detail", out.detail.Error()))
	}
	ce.Write(fields...)
}
