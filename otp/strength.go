package otp

import (
	"fmt"
	"math"
	"strings"
)

// MinKeyBits is the least strength, by KeyBits, that CheckKeyStrength
// accepts: well below the 128 bits a key should have, so that only keys
// that are plainly not random (a repeated character, words, a keyboard
// run) are refused, and any key of 32 random letters and digits passes.
const MinKeyBits = 100

// commonWords are parts of guessable keys: what people type where a secret
// is asked for. A short list: KeyBits is a first line, not a cracker.
var commonWords = []string{
	"password", "passwort", "passw0rd", "secret", "phonepass", "change", "changeme", "default",
	"admin", "letmein", "welcome", "qwerty", "azerty", "asdf", "zxcv", "test", "example",
	"master", "root", "login", "key", "code", "token", "dragon", "monkey", "sunshine",
	"iloveyou", "abc", "prod", "production", "staging", "development", "local", "aws", "cognito",
	"lambda", "not", "the", "and", "for", "this", "that", "my", "our", "company",
}

// KeyBits estimates how many bits of entropy key has: the cheapest reading
// of it, left to right, as single characters (each worth the size of the
// character classes the key uses), common words, runs of a constant step
// ("abcd", "9876") and repeats of what came before (any length from 3, as
// in "passwordpassword" or 32 times "a"), in the manner of zxcvbn.
func KeyBits(key string) float64 {
	n := len(key)
	char := math.Log2(float64(charPool(key)))
	cost := make([]float64, n+1) // cost[i]: cheapest reading of key[:i]
	for i := 1; i <= n; i++ {
		cost[i] = math.Inf(1)
	}
	lower := strings.ToLower(key)
	words := math.Log2(float64(len(commonWords))) + 1 // which word, and its case
	for i := 0; i < n; i++ {
		c := cost[i]
		relax := func(end int, bits float64) {
			if end <= n && c+bits < cost[end] {
				cost[end] = c + bits
			}
		}
		relax(i+1, char)
		for _, w := range commonWords {
			if strings.HasPrefix(lower[i:], w) {
				relax(i+len(w), words)
			}
		}
		// A run of a constant step of 1 up or down: its start, length and direction.
		for l := 3; i+l <= n; l++ {
			step := int(key[i+1]) - int(key[i])
			if (step != 1 && step != -1) || int(key[i+l-1])-int(key[i+l-2]) != step {
				break
			}
			relax(i+l, char+math.Log2(float64(l))+1)
		}
		// A repeat of an earlier stretch: where it starts and how long it is.
		for j := 0; j < i; j++ {
			l := 0
			for i+l < n && key[j+l] == key[i+l] {
				l++
			}
			for m := 3; m <= l; m++ {
				relax(i+m, math.Log2(float64(i))+math.Log2(float64(m)))
			}
		}
	}
	return cost[n]
}

// charPool is the number of characters of the classes key uses: lower
// case, upper case, digits, and the rest of printable ASCII.
func charPool(key string) int {
	var lower, upper, digit, other bool
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	pool := 0
	for _, c := range []struct {
		used bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.used {
			pool += c.size
		}
	}
	return max(pool, 2)
}

// CheckKeyStrength returns an error saying so when KeyBits puts key below
// MinKeyBits.
func CheckKeyStrength(key string) error {
	if bits := KeyBits(key); bits < MinKeyBits {
		return fmt.Errorf("looks guessable: about %.0f bits by a simple estimate (repeats, runs, common words), want at least %d; use a random key, such as `openssl rand -hex 32`", bits, MinKeyBits)
	}
	return nil
}
