// Package bench measures phonepass against its performance budget: the warm
// triggers (Go benchmarks in package triggers, parsed from `go test -bench`
// output), the cold start and peak memory of the real bootstrap binary run
// through a Lambda Runtime API server (internal/runtimeapi), beside those of
// a do-nothing aws-lambda-go function (./nothing) started in turn with it,
// the size of the deployed arm64 binary, and complete sign-ins per second
// against the local user pool on loopback, beside the RS256 signatures per
// second that bound them; and the production path (RunCriticalPath): whole
// sign-ins on the real bootstrap with moto's SNS and DynamoDB behind a
// latency-adding proxy (internal/faultproxy), which tell, per trigger, the
// AWS calls on the critical path and the time 10 ms more a call adds.
//
// The command bench/cmd/phonepass-bench (`make bench`) runs everything and
// writes a Markdown table; bench/RESULTS.md keeps the results of record.
// Nothing here asserts a timing: the tests check that each measurement
// measures what it says (a cold start gets a real answer, a load run ends
// its sign-ins with tokens), not how fast it is.
package bench
