// Command nothing is the baseline of the cold-start benchmark: an
// aws-lambda-go function that does nothing but answer each event with the
// event itself. `make bench-host` builds it with the flags of the deployed
// bootstrap (CGO_ENABLED=0, -tags lambda.norpc, -trimpath, -ldflags "-s -w")
// to bench/out/nothing, and phonepass-bench starts it cold under the same
// harness and environment as the bootstrap, in the same run, so that the
// ratio of the two cold starts says what phonepass adds to the Go runtime
// and aws-lambda-go.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func echo(_ context.Context, event json.RawMessage) (json.RawMessage, error) { return event, nil }

func main() { lambda.Start(echo) }
