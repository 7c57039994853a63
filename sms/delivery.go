package sms

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// A text has no idempotency token: a Publish repeated after SNS took the
// first one sends the user a second text. So the SDK's own retries are off
// for Publish, and SendCode tells what it knows of a failed one apart:
//
//   - not taken: SNS answered with an error, or the request never left
//     (the connection was refused or failed before the request was
//     written). Nothing was sent; a try again is safe.
//   - uncertain: the request was written and no answer came (a time-out, a
//     connection reset, a lost reply). SNS may have taken it; a try again
//     may send it twice.

// publishTries is how many times SendCode tries a Publish that SNS did not
// take and that may succeed later (throttling, a server error, a refused
// connection), within the one timeout.
const publishTries = 2

// SendError is the error of a send that failed. Uncertain says whether
// SNS may have taken it all the same.
type SendError struct {
	err       error
	uncertain bool
}

// Error says why the send failed.
func (e *SendError) Error() string { return e.err.Error() }

// Unwrap returns the SDK's error.
func (e *SendError) Unwrap() error { return e.err }

// Uncertain reports a request that went out with no answer: the text may
// arrive. When false, SNS did not take it and nothing was sent.
func (e *SendError) Uncertain() bool { return e.uncertain }

// tracked returns ctx with a trace that records whether a request was
// written in full.
func tracked(ctx context.Context) (context.Context, *atomic.Bool) {
	var wrote atomic.Bool
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	}), &wrote
}

// notTaken reports a failed Publish that SNS surely did not take: it
// answered with an error status, or the request (wrote: written in full)
// never left. An answer of success whose body was lost is no refusal.
func notTaken(err error, wrote bool) bool {
	if status := statusOf(err); status > 0 {
		return status >= 300
	}
	return !wrote
}

// statusOf returns the HTTP status of SNS's answer in err, 0 if none came
// (the SDK wraps a failed request in a response error of status 0).
func statusOf(err error) int {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil {
		return 0
	}
	return re.Response.StatusCode
}

// worthRetrying reports a refusal that a later try may not meet: SNS's
// throttling or a server error, or a request that never left.
func worthRetrying(err error, wrote bool) bool {
	status := statusOf(err)
	if status == 0 {
		return !wrote && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
	}
	if status >= 500 {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded":
			return true
		}
	}
	return false
}

// backoff waits 50 to 100 ms before another try, or until ctx ends.
func backoff(ctx context.Context) bool {
	t := time.NewTimer(time.Duration(50+rand.IntN(50)) * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
