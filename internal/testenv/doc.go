// Package testenv gives tests the real parts they run against: a moto server
// standing in for AWS, and checks for external tools. A missing tool fails the
// test when CI=true and skips it, with a message saying what to install,
// anywhere else.
package testenv
