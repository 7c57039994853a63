package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Cancellation reason codes of TransactWriteItems.
const (
	reasonNone            = "None"
	reasonConditionFailed = "ConditionalCheckFailed"
)

// transactRetries is how many times a transaction that DynamoDB cancelled
// for a conflict with another transaction on one of its items, or for
// throttling, is tried again: a hot counter meets both, and none of its
// writes took effect.
const transactRetries = 2

// transact runs one all-or-nothing write of items. When conditions
// refused it, it returns the cancellation reasons, one per item in order
// (a nil error); any other failure is an error.
func (d *DynamoDB) transact(ctx context.Context, what string, items []types.TransactWriteItem) ([]types.CancellationReason, error) {
	for attempt := 0; ; attempt++ {
		_, err := d.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil, nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) || len(tce.CancellationReasons) != len(items) {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if !worthRetrying(tce.CancellationReasons) {
			if failedAt(tce.CancellationReasons) < 0 {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			return tce.CancellationReasons, nil
		}
		if attempt == transactRetries {
			return nil, fmt.Errorf("%s: still cancelled after %d tries: %w", what, attempt+1, err)
		}
		// 5 to 25 ms apart, so that two callers that met do not meet again.
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(time.Duration(5+rand.IntN(20)) * time.Millisecond):
		}
	}
}

// worthRetrying reports a cancellation that no condition caused, only a
// conflict or throttling, which a later try may not meet.
func worthRetrying(reasons []types.CancellationReason) bool {
	retry := false
	for _, r := range reasons {
		switch code(r) {
		case reasonNone:
		case "TransactionConflict", "ThrottlingError":
			retry = true
		default:
			return false
		}
	}
	return retry
}

// failedAt returns the index of the first item whose condition failed, or
// -1 if none did.
func failedAt(reasons []types.CancellationReason) int {
	for i, r := range reasons {
		if code(r) == reasonConditionFailed {
			return i
		}
	}
	return -1
}

func code(r types.CancellationReason) string {
	if r.Code == nil {
		return reasonNone
	}
	return *r.Code
}
