package otp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MinDigits is the shortest code length that Generate accepts.
const MinDigits = 4

// MaxDigits is the longest code length that Generate accepts.
const MaxDigits = 10

// saltLen is the number of random bytes mixed into each digest.
const saltLen = 16

// digestVersion prefixes an encoded Digest so that the format can change.
const digestVersion = "v1"

// ErrDigits is returned when a code length is outside MinDigits..MaxDigits.
var ErrDigits = fmt.Errorf("code length must be %d to %d digits", MinDigits, MaxDigits)

// ErrMalformedDigest is returned by ParseDigest for text that is not an encoded Digest.
var ErrMalformedDigest = errors.New("malformed code digest")

// Generate returns a code of the given number of decimal digits read from
// crypto/rand. Every digit string of that length is equally likely.
func Generate(digits int) (string, error) {
	return GenerateFrom(rand.Reader, digits)
}

// GenerateFrom is Generate with the randomness read from r. Each digit is
// drawn by rejection sampling of single bytes, so there is no modulo bias.
func GenerateFrom(r io.Reader, digits int) (string, error) {
	if digits < MinDigits || digits > MaxDigits {
		return "", ErrDigits
	}
	out := make([]byte, 0, digits)
	var buf [16]byte
	for len(out) < digits {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			// 250 is the largest multiple of 10 not above 256: bytes 250..255
			// are rejected so that each digit has probability exactly 1/10.
			if b >= 250 {
				continue
			}
			out = append(out, '0'+b%10)
			if len(out) == digits {
				break
			}
		}
	}
	return string(out), nil
}

// Normalize trims white space from an answer and reports whether what is
// left is exactly digits ASCII digits. Only a normalized answer can match.
func Normalize(answer string, digits int) (string, bool) {
	s := strings.TrimSpace(answer)
	if len(s) != digits {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// Digest is what phonepass keeps of an issued code: a random salt, the
// SHA-256 hash of salt and code, the code length and the time of issue.
type Digest struct {
	Salt     []byte
	Hash     []byte
	Digits   int
	IssuedAt time.Time
}

// NewDigest returns the Digest of code issued at the given time, with a fresh
// salt from crypto/rand.
func NewDigest(code string, issuedAt time.Time) (Digest, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return Digest{}, fmt.Errorf("read salt: %w", err)
	}
	return Digest{Salt: salt, Hash: hash(salt, code), Digits: len(code), IssuedAt: issuedAt.Truncate(time.Second)}, nil
}

func hash(salt []byte, code string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return h.Sum(nil)
}

// Expired reports whether a code issued at d.IssuedAt is older than ttl at now.
func (d Digest) Expired(now time.Time, ttl time.Duration) bool {
	return now.Sub(d.IssuedAt) > ttl
}

// Matches reports whether answer, once normalized, is the code of d and the
// code has not expired at now. The hashes are compared in constant time.
func (d Digest) Matches(answer string, now time.Time, ttl time.Duration) bool {
	code, ok := Normalize(answer, d.Digits)
	if !ok || len(d.Hash) != sha256.Size {
		return false
	}
	same := subtle.ConstantTimeCompare(hash(d.Salt, code), d.Hash) == 1
	return same && !d.Expired(now, ttl)
}

// String encodes d as "v1.<digits>.<unix seconds>.<salt>.<hash>" with
// unpadded URL-safe base64; ParseDigest reads it back.
func (d Digest) String() string {
	enc := base64.RawURLEncoding
	return digestVersion + "." + strconv.Itoa(d.Digits) + "." + strconv.FormatInt(d.IssuedAt.Unix(), 10) +
		"." + enc.EncodeToString(d.Salt) + "." + enc.EncodeToString(d.Hash)
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
	salt, err := enc.DecodeString(parts[3])
	if err != nil || len(salt) != saltLen {
		return Digest{}, ErrMalformedDigest
	}
	h, err := enc.DecodeString(parts[4])
	if err != nil || len(h) != sha256.Size {
		return Digest{}, ErrMalformedDigest
	}
	return Digest{Salt: salt, Hash: h, Digits: digits, IssuedAt: time.Unix(unix, 0).UTC()}, nil
}
