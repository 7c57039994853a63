package otp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// nonceLen is the number of random bytes in each digest, so that two digests
// of one code never look alike.
const nonceLen = 16

// digestVersion prefixes an encoded Digest so that the format can change.
// v1 was an unkeyed salted SHA-256 and is no longer accepted.
const digestVersion = "v2"

// macLabel separates this use of the key from every other (see Keys.Derive).
const macLabel = "phonepass-otp-v2"

// ErrMalformedDigest is returned by ParseDigest for text that is not an encoded Digest.
var ErrMalformedDigest = errors.New("malformed code digest")

// errNoKey is returned by NewDigest with zero Keys.
var errNoKey = errors.New("no code key")

// Digest is what phonepass keeps of an issued code: a random nonce, an
// HMAC-SHA-256 under the server secret of the code, its subject (the user it
// was sent for), length, time of issue and nonce, and that length and time.
// Without the secret, a Digest tells nothing about its code.
type Digest struct {
	Nonce    []byte
	MAC      []byte
	Digits   int
	IssuedAt time.Time
}

// NewDigest returns the Digest of code, sent for subject at issuedAt, keyed
// with the current secret and a fresh nonce from crypto/rand.
func (k Keys) NewDigest(subject, code string, issuedAt time.Time) (Digest, error) {
	if k.IsZero() {
		return Digest{}, errNoKey
	}
	nonces := k.nonces
	if nonces == nil {
		nonces = rand.Reader
	}
	return newDigest(k.current, nonces, subject, code, issuedAt)
}

// NeverDigest returns a Digest of the same form as NewDigest's that no
// answer matches under any Keys: it is keyed with random bytes that are
// forgotten at once. It stands in for the code of a challenge that must look
// real but can never succeed.
func NeverDigest(digits int, issuedAt time.Time) (Digest, error) {
	if digits < MinDigits || digits > MaxDigits {
		return Digest{}, ErrDigits
	}
	throwaway := make([]byte, sha256.Size)
	if _, err := rand.Read(throwaway); err != nil {
		return Digest{}, fmt.Errorf("read key: %w", err)
	}
	return newDigest(throwaway, rand.Reader, "", strings.Repeat("0", digits), issuedAt)
}

func newDigest(key []byte, nonces io.Reader, subject, code string, issuedAt time.Time) (Digest, error) {
	nonce := make([]byte, nonceLen)
	if _, err := io.ReadFull(nonces, nonce); err != nil {
		return Digest{}, fmt.Errorf("read nonce: %w", err)
	}
	d := Digest{Nonce: nonce, Digits: len(code), IssuedAt: issuedAt.Truncate(time.Second).UTC()}
	d.MAC = d.mac(key, subject, code)
	return d, nil
}

// mac is HMAC-SHA-256 under key of every field, each preceded by its length
// so that no two different inputs encode alike.
func (d Digest) mac(key []byte, subject, code string) []byte {
	m := hmac.New(sha256.New, key)
	var n [binary.MaxVarintLen64]byte
	for _, f := range []string{macLabel, subject, strconv.Itoa(d.Digits), strconv.FormatInt(d.IssuedAt.Unix(), 10), string(d.Nonce), code} {
		m.Write(n[:binary.PutUvarint(n[:], uint64(len(f)))])
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

// Expired reports whether a code issued at d.IssuedAt is older than ttl at now.
func (d Digest) Expired(now time.Time, ttl time.Duration) bool {
	return now.Sub(d.IssuedAt) > ttl
}

// Matches reports whether answer, once normalized, is the code that d was
// made of for subject, under the current or the previous secret, and the
// code has not expired at now. MACs are compared in constant time, and both
// secrets are always tried, so the time taken does not tell which matched.
func (k Keys) Matches(d Digest, subject, answer string, now time.Time, ttl time.Duration) bool {
	code, ok := Normalize(answer, d.Digits)
	if k.IsZero() || !ok || len(d.MAC) != sha256.Size {
		return false
	}
	same := hmac.Equal(d.mac(k.current, subject, code), d.MAC)
	if k.previous != nil {
		same = hmac.Equal(d.mac(k.previous, subject, code), d.MAC) || same
	}
	return same && !d.Expired(now, ttl)
}

// String encodes d as "v2.<digits>.<unix seconds>.<nonce>.<mac>" with
// unpadded URL-safe base64; ParseDigest reads it back.
func (d Digest) String() string {
	enc := base64.RawURLEncoding
	return digestVersion + "." + strconv.Itoa(d.Digits) + "." + strconv.FormatInt(d.IssuedAt.Unix(), 10) +
		"." + enc.EncodeToString(d.Nonce) + "." + enc.EncodeToString(d.MAC)
}

// ParseDigest decodes the output of Digest.String.
func ParseDigest(s string) (Digest, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 5 || parts[0] != digestVersion {
		return Digest{}, ErrMalformedDigest
	}
	digits, err := strconv.Atoi(parts[1])
	if err != nil || digits < MinDigits || digits > MaxDigits {
		return Digest{}, ErrMalformedDigest
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || unix < 0 {
		return Digest{}, ErrMalformedDigest
	}
	enc := base64.RawURLEncoding
	nonce, err := enc.DecodeString(parts[3])
	if err != nil || len(nonce) != nonceLen {
		return Digest{}, ErrMalformedDigest
	}
	mac, err := enc.DecodeString(parts[4])
	if err != nil || len(mac) != sha256.Size {
		return Digest{}, ErrMalformedDigest
	}
	return Digest{Nonce: nonce, MAC: mac, Digits: digits, IssuedAt: time.Unix(unix, 0).UTC()}, nil
}
