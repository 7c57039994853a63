package otp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// TestKeyBits: keys that are plainly not random are put well below 128
// bits and refused; random keys of every form the docs suggest, and the
// template's (64 letters and digits from Secrets Manager), pass.
func TestKeyBits(t *testing.T) {
	weak := []struct{ name, key string }{
		{"32 times a", strings.Repeat("a", 32)},
		{"password four times", strings.Repeat("password", 4)},
		{"a keyboard run and digits", "qwertyuiopasdfghjklzxcvbnm123456"},
		{"the alphabet", "abcdefghijklmnopqrstuvwxyz012345"},
		{"words", "this-is-my-secret-key-for-production"},
		{"a short pattern repeated", strings.Repeat("Ab1!", 10)},
		{"the development key", DevelopmentKey},
		{"change me", "changeme-changeme-changeme-changeme"},
	}
	for _, tt := range weak {
		t.Run(tt.name, func(t *testing.T) {
			if bits := KeyBits(tt.key); bits >= MinKeyBits {
				t.Errorf("KeyBits(%q) = %.0f, want under %d", tt.key, bits, MinKeyBits)
			}
			if err := CheckKeyStrength(tt.key); err == nil || !strings.Contains(err.Error(), "guessable") {
				t.Errorf("CheckKeyStrength(%q): got %v, want refused", tt.key, err)
			}
		})
	}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	random := func(n int, alphabet string) string {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		return string(b)
	}
	for i := range 200 {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			t.Fatal(err)
		}
		for name, key := range map[string]string{
			"64 letters and digits (the template's)": random(64, alnum),
			"32 letters and digits":                  random(32, alnum),
			"openssl rand -hex 32":                   hex.EncodeToString(raw),
			"openssl rand -hex 16":                   hex.EncodeToString(raw[:16]),
			"openssl rand -base64 32":                base64.StdEncoding.EncodeToString(raw),
			"32 lower-case letters":                  random(32, "abcdefghijklmnopqrstuvwxyz"),
		} {
			if err := CheckKeyStrength(key); err != nil {
				t.Fatalf("%s, try %d: %q: %v", name, i, key, err)
			}
		}
	}
}
