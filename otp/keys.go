package otp

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// MinKeyLength is the shortest server secret NewKeys accepts: 32 characters,
// so that even a secret of letters and digits carries about 190 bits.
const MinKeyLength = 32

// MaxKeyLength is the longest server secret NewKeys accepts: HMAC-SHA256
// hashes a key longer than its 64-byte block first, so more adds nothing,
// and two keys of 128 leave room in Lambda's 4 KB of environment.
const MaxKeyLength = 128

// DevelopmentKey is the published server secret of development: sam local
// dry runs, the local user pool's tests and the sample events in events/.
// It protects nothing; package config refuses it for a deployed function.
const DevelopmentKey = "phonepass-development-key-not-a-secret"

// Errors of NewKeys; the error it returns wraps one of them.
var (
	ErrKeyLength   = fmt.Errorf("key must be %d to %d characters", MinKeyLength, MaxKeyLength)
	ErrKeyRepeated = errors.New("previous key is the same as the current key")
)

// Keys holds the server secret that keys every Digest, and during a rotation
// the secret before it, which Matches still accepts. The zero value has no
// key: NewDigest refuses to use it.
type Keys struct {
	current  []byte
	previous []byte
	nonces   io.Reader // nil: crypto/rand
}

// NewKeys returns Keys for the current secret and an optional previous one
// (empty for none). Each must be MinKeyLength to MaxKeyLength characters.
func NewKeys(current, previous string) (Keys, error) {
	if len(current) < MinKeyLength || len(current) > MaxKeyLength {
		return Keys{}, ErrKeyLength
	}
	k := Keys{current: []byte(current)}
	if previous == "" {
		return k, nil
	}
	if len(previous) < MinKeyLength || len(previous) > MaxKeyLength {
		return Keys{}, fmt.Errorf("previous: %w", ErrKeyLength)
	}
	if previous == current {
		return Keys{}, ErrKeyRepeated
	}
	k.previous = []byte(previous)
	return k, nil
}

// WithNonces returns k drawing the nonces of new digests from r instead of
// crypto/rand. It is meant for reproducible sample events and tests: a
// predictable nonce makes two digests of one code alike, nothing more.
func (k Keys) WithNonces(r io.Reader) Keys {
	k.nonces = r
	return k
}

// IsZero reports whether k holds no key.
func (k Keys) IsZero() bool { return len(k.current) == 0 }

// Derive returns a 32-byte key for another use, named by label, derived from
// the current secret, so that one secret can key several things without one
// use revealing another's key (HMAC-SHA-256 as a pseudo-random function).
func (k Keys) Derive(label string) []byte {
	m := hmac.New(sha256.New, k.current)
	m.Write([]byte("phonepass-derive\x00"))
	m.Write([]byte(label))
	return m.Sum(nil)
}
