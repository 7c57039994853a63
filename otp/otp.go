package otp

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
)

// MinDigits is the shortest code length that Generate accepts.
const MinDigits = 4

// MaxDigits is the longest code length that Generate accepts.
const MaxDigits = 10

// ErrDigits is returned when a code length is outside MinDigits..MaxDigits.
var ErrDigits = fmt.Errorf("code length must be %d to %d digits", MinDigits, MaxDigits)

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
