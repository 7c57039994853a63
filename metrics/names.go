package metrics

// Namespace is the CloudWatch namespace of phonepass's metrics.
const Namespace = "phonepass"

// DimensionUserPool is the one dimension of every metric: the user pool's ID.
const DimensionUserPool = "UserPoolId"

// Metric names, as CloudWatch shows them (see the package documentation).
const (
	CodesSent           = "CodesSent"
	SendsRefused        = "SendsRefused"
	SendsRefusedNumber  = "SendsRefusedNumber"
	SendsRefusedRange   = "SendsRefusedRange"
	SendsRefusedCountry = "SendsRefusedCountry"
	SendsRefusedPool    = "SendsRefusedPool"
	SendsRefusedLockout = "SendsRefusedLockout"
	SendFailures        = "SendFailures"
	SendsUncertain      = "SendsUncertain"
	AnswersRight        = "AnswersRight"
	AnswersWrong        = "AnswersWrong"
	AnswersExpired      = "AnswersExpired"
	SendLatency         = "SendLatency"
	SMSSegments         = "SMSSegments"
)

// Units of the metrics, from CloudWatch's list of units.
const (
	UnitCount        = "Count"
	UnitMilliseconds = "Milliseconds"
)

// Metric is a metric's name and unit.
type Metric struct {
	Name string
	Unit string
}

// All returns every metric Write may write, in the order of the package
// documentation.
func All() []Metric {
	return []Metric{
		{CodesSent, UnitCount},
		{SendsRefused, UnitCount},
		{SendsRefusedNumber, UnitCount},
		{SendsRefusedRange, UnitCount},
		{SendsRefusedCountry, UnitCount},
		{SendsRefusedPool, UnitCount},
		{SendsRefusedLockout, UnitCount},
		{SendFailures, UnitCount},
		{SendsUncertain, UnitCount},
		{AnswersRight, UnitCount},
		{AnswersWrong, UnitCount},
		{AnswersExpired, UnitCount},
		{SendLatency, UnitMilliseconds},
		{SMSSegments, UnitCount},
	}
}
