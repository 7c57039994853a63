// Package runtimeapi is a small AWS Lambda Runtime API server for tests and
// benchmarks. It lets the real, compiled bootstrap binary run on this machine
// exactly as Lambda (or `sam local`) runs it: the binary is started with
// AWS_LAMBDA_RUNTIME_API pointing at the Server, asks it for the next
// invocation, and posts back a response or an error.
//
// The Server implements the parts of API version 2018-06-01 that a custom
// runtime uses:
//
//	GET  /2018-06-01/runtime/invocation/next
//	POST /2018-06-01/runtime/invocation/{id}/response
//	POST /2018-06-01/runtime/invocation/{id}/error
//	POST /2018-06-01/runtime/init/error
//
// Server.Invoke hands one event to the runtime and waits for its answer;
// Server.Start starts a runtime process against the Server and captures its
// standard output and standard error. A Server serves one runtime process,
// one invocation at a time, on a loopback address only.
package runtimeapi
