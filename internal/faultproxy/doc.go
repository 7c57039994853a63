// Package faultproxy is a reverse proxy on a loopback port that tests put
// between the code under test and moto's server (internal/testenv), which
// plays Amazon SNS (the AWS query protocol: form bodies, XML answers) and
// DynamoDB (JSON 1.0: X-Amz-Target names the operation). The code under
// test is pointed at the proxy, for the Lambda function through
// AWS_ENDPOINT_URL_SNS and AWS_ENDPOINT_URL_DYNAMODB; the test then sets one
// fault at a time and reads, from Calls, which requests the proxy saw and
// what it did to them.
//
// With no fault set the proxy forwards every request and hands the client
// the upstream's answer as it came: status, headers and body. A Fault
// picks requests by service and operation (and, with Nth, one of them) and
// does one thing to them: it delays them (Delay), keeps them without ever
// answering (Stall), answers with an AWS error in the service's own
// protocol without forwarding (Status and Code), resets the TCP connection
// before forwarding (ResetBefore) or after the upstream has acted on the
// request (ResetAfter), or, for the whole proxy, closes the listening
// socket so that connections are refused (Refuse).
//
// A reset is a TCP RST (SO_LINGER 0 on the hijacked connection), which a Go
// client reports as "connection reset by peer". Go's http.Transport resends
// a request on its own after a reset only when the request is replayable
// (a GET or HEAD without body, say) and went out on a reused connection;
// the SDKs' POSTs are not, so the client sees the error. aws-sdk-go-v2's
// standard retryer then takes the reset for a transient error and sends
// the request again: after a ResetAfter fault, a Publish publishes twice
// and an UpdateItem's ADD counts twice, unless the client turns retries
// off (sdk_test.go shows both).
package faultproxy
