// Package otp makes and checks the one-time codes that phonepass sends by SMS.
//
// Codes are drawn from crypto/rand, uniformly over all decimal digits. A code
// is never stored: a Digest keeps a random nonce, the code's HMAC-SHA-256
// under a server secret (Keys) and the time the code was issued, and it is
// the Digest that travels in Cognito's challenge metadata and private
// challenge parameters. Without the secret a Digest tells nothing about its
// code, so a leaked event or log line gives no code away. Answers are
// compared in constant time, a code older than its lifetime never matches,
// and during a key rotation a code issued under the previous secret still
// verifies.
package otp
