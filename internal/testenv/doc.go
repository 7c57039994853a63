// Package testenv gives tests the real parts they run against: a moto server
// standing in for AWS (moto.go), the Lambda binary built as the Makefile
// builds it (build.go), checks for external tools (tools.go), and a clock
// a test moves by hand (clock.go). A missing tool fails the test when
// CI=true and skips it, with a message saying what to install, anywhere else.
package testenv
