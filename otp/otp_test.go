package otp

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestGenerateLengthAndDigits(t *testing.T) {
	for digits := MinDigits; digits <= MaxDigits; digits++ {
		code, err := Generate(digits)
		if err != nil {
			t.Fatalf("Generate(%d): %v", digits, err)
		}
		if _, ok := Normalize(code, digits); !ok {
			t.Errorf("Generate(%d) = %q: got a code that is not %d ASCII digits", digits, code, digits)
		}
	}
}

func TestGenerateRejectsBadLength(t *testing.T) {
	for _, digits := range []int{-1, 0, 3, 11} {
		if _, err := Generate(digits); !errors.Is(err, ErrDigits) {
			t.Errorf("Generate(%d): got error %v, want ErrDigits", digits, err)
		}
	}
}

func TestGenerateFromRejectsBiasedBytes(t *testing.T) {
	// Bytes 250..255 would over-weight digits 0..5: they must be skipped.
	src := bytes.NewReader(append(bytes.Repeat([]byte{255, 250, 251}, 6), []byte{1, 12, 23, 34, 45, 56, 67, 78, 89, 249, 0, 0, 0, 0, 0, 0}...))
	code, err := GenerateFrom(src, 4)
	if err != nil {
		t.Fatal(err)
	}
	// 18 rejected bytes fill the first 16-byte block and start the second,
	// which then gives 1, 12, 23, 34: digits 1, 2, 3, 4.
	if code != "1234" {
		t.Errorf("got %q, want %q", code, "1234")
	}
}

func TestGenerateFromReadError(t *testing.T) {
	if _, err := GenerateFrom(bytes.NewReader(nil), 6); err == nil {
		t.Error("got nil error from an empty reader, want an error")
	}
}

// TestGenerateUniform checks with a chi-squared test that each position's
// digit is uniform. With 9 degrees of freedom, 27.88 is the 0.999 quantile:
// a fair generator fails about once in a thousand runs per position, so the
// test allows none of the 6 positions to exceed 33.72 (p = 0.0001).
func TestGenerateUniform(t *testing.T) {
	const n = 20000
	const digits = 6
	var counts [digits][10]int
	for i := 0; i < n; i++ {
		code, err := Generate(digits)
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p < digits; p++ {
			counts[p][code[p]-'0']++
		}
	}
	expected := float64(n) / 10
	for p := 0; p < digits; p++ {
		chi := 0.0
		for d := 0; d < 10; d++ {
			diff := float64(counts[p][d]) - expected
			chi += diff * diff / expected
		}
		if chi > 33.72 || math.IsNaN(chi) {
			t.Errorf("position %d: got chi-squared %.2f, want at most 33.72 (counts %v)", p, chi, counts[p])
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in string
		digits   int
		want     string
		ok       bool
	}{
		{"exact", "123456", 6, "123456", true},
		{"spaces around", "  123456\t\n", 6, "123456", true},
		{"too short", "12345", 6, "", false},
		{"too long", "1234567", 6, "", false},
		{"inner space", "123 456", 6, "", false},
		{"letters", "12345a", 6, "", false},
		{"arabic-indic digits", "١٢٣٤٥٦", 6, "", false},
		{"fullwidth digits", "１２３４５６", 6, "", false},
		{"sign", "+12345", 6, "", false},
		{"empty", "", 6, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Normalize(tt.in, tt.digits)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Normalize(%q, %d) = %q, %v; want %q, %v", tt.in, tt.digits, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(6); err != nil {
			b.Fatal(err)
		}
	}
}
