// Package metrics writes phonepass's CloudWatch metrics as Embedded Metric
// Format (EMF) lines: JSON objects on the function's standard output, from
// which CloudWatch Logs extracts the metrics, with no API call and no IAM
// permission beyond writing the logs.
//
// The triggers call (*Writer).Write once per invocation with what happened
// (an Invocation); it writes one line with the metrics that apply, in the
// namespace Namespace with the user pool's ID as the one dimension
// (DimensionUserPool), and nothing when nothing happened:
//
//	CodesSent           Count         a code sent
//	SendsRefused        Count         a code refused by a limit, any reason
//	SendsRefusedNumber  Count         ... by the number's send limit
//	SendsRefusedRange   Count         ... by the range guard
//	SendsRefusedCountry Count         ... by a country's budget
//	SendsRefusedPool    Count         ... by the pool's ceiling
//	SendsRefusedLockout Count         ... by a cool-off or lock after wrong answers
//	SendFailures        Count         SNS failed to take a code
//	SendsUncertain      Count         a code sent with no answer from SNS (it may not arrive)
//	AnswersRight        Count         a right answer
//	AnswersWrong        Count         a wrong answer
//	AnswersExpired      Count         an answer to an expired code
//	SendLatency         Milliseconds  how long the SNS call took
//	SMSSegments         Count         message parts of a code sent (SNS bills per part)
//
// The names are exported constants, which template.yaml's alarms and
// dashboard use too (the tests in deploy/ check them). A line carries no
// phone number, code or digest: only these names, counts, a latency, the
// time, and the user pool's ID, which Write accepts only in the form
// Cognito gives it.
package metrics
