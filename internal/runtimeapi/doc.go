// Package runtimeapi is a small AWS Lambda Runtime API server for the cold-
// start benchmarks (internal/bench). It lets the real, compiled bootstrap
// binary run on this machine as Lambda runs it: the binary is started with
// AWS_LAMBDA_RUNTIME_API pointing at the Server, asks it for the next
// invocation, and posts back a response or an error.
//
// The tests drive the bootstrap through AWS's own Runtime Interface
// Emulator instead (package rie): the less of Lambda written here, the
// better. This package stays for what the emulator cannot do: time one cold
// start to the microsecond, from the process's start to its first request
// for an invocation, with the time of each step (exec, the first
// /invocation/next, the answer) and the process's peak memory; the emulator
// starts the runtime only when the first invocation arrives, through its own
// process, and so puts its own start and logging into every figure.
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
