// Package otp makes and checks the one-time codes that phonepass sends by SMS.
//
// Codes are drawn from crypto/rand, uniformly over all decimal digits. A code
// is never stored: a Digest keeps a random salt, a SHA-256 hash of the salted
// code and the time the code was issued, and it is the Digest that travels in
// Cognito's challenge metadata and private challenge parameters. Answers are
// compared in constant time, and a code older than its lifetime never matches.
package otp
