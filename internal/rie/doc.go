// Package rie runs a Lambda function's compiled bootstrap under AWS's own
// Lambda Runtime Interface Emulator (aws-lambda-rie), the emulator that
// `sam local` and Lambda container images put in front of a runtime. The
// emulator is a tool dependency in go.mod, so its version is pinned and
// `go tool` builds it; nothing is downloaded but Go modules.
//
// A Function is one emulator process serving one bootstrap on loopback
// ports. Invoke posts an event to the emulator's invocation endpoint, as
// `curl` and the SAM CLI do, and tells the function's answer from its
// error. The emulator merges the runtime's standard output and standard
// error into its own standard output, with its START, END and REPORT lines;
// its own log is its standard error.
package rie
