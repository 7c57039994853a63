// Package motoserver runs moto's server, the stand-in for AWS that the
// tests (internal/testenv) and the benchmarks (internal/bench) use, as a
// child process on a free loopback port, and tells when it answers.
package motoserver
