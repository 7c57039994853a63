package phone

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
)

// vectors are the shared test vectors (testdata/vectors.json).
type vectors struct {
	Valid   []string `json:"valid"`
	Invalid []struct {
		Number, Why string
	} `json:"invalid"`
	Masked []struct {
		Number, Masked string
	} `json:"masked"`
	CallingCodes []struct {
		List  string   `json:"list"`
		Codes []string `json:"codes"`
		Error bool     `json:"error"`
	} `json:"callingCodes"`
	Allowed []struct {
		Number  string   `json:"number"`
		Codes   []string `json:"codes"`
		Allowed bool     `json:"allowed"`
	} `json:"allowed"`
	Typed []struct {
		Input, Country, Phone, Error string
	} `json:"typed"`
}

func load(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("testdata/vectors.json: %v", err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 || len(v.Masked) == 0 || len(v.CallingCodes) == 0 || len(v.Allowed) == 0 || len(v.Typed) == 0 {
		t.Fatal("testdata/vectors.json lacks a section")
	}
	return v
}

func TestVectors(t *testing.T) {
	v := load(t)
	for _, n := range v.Valid {
		if !Valid(n) {
			t.Errorf("Valid(%q) = false, want true", n)
		}
	}
	for _, c := range v.Invalid {
		if Valid(c.Number) {
			t.Errorf("Valid(%q) = true, want false (%s)", c.Number, c.Why)
		}
	}
	for _, c := range v.Masked {
		if got := Mask(c.Number); got != c.Masked {
			t.Errorf("Mask(%q) = %q, want %q", c.Number, got, c.Masked)
		}
	}
	for _, c := range v.CallingCodes {
		got, err := ParseCallingCodes(c.List)
		if (err != nil) != c.Error || !c.Error && !slices.Equal(got, c.Codes) && !(len(got) == 0 && len(c.Codes) == 0) {
			t.Errorf("ParseCallingCodes(%q) = %q, %v; want %q, error %v", c.List, got, err, c.Codes, c.Error)
		}
	}
	for _, c := range v.Allowed {
		if got := HasCallingCode(c.Number, c.Codes); got != c.Allowed {
			t.Errorf("HasCallingCode(%q, %q) = %v, want %v", c.Number, c.Codes, got, c.Allowed)
		}
	}
	// What the page makes of typed input must be what the Lambda accepts.
	for _, c := range v.Typed {
		if c.Phone != "" && !Valid(c.Phone) {
			t.Errorf("typed %q gives %q, which Valid refuses", c.Input, c.Phone)
		}
	}
}

func TestIsCallingCode(t *testing.T) {
	for cc, want := range map[string]bool{"1": true, "44": true, "353": true, "": false, "0": false, "1234": false, "+1": false, "4a": false} {
		if got := IsCallingCode(cc); got != want {
			t.Errorf("IsCallingCode(%q) = %v, want %v", cc, got, want)
		}
	}
}

func ExampleMask() {
	fmt.Println(Mask("+447700904455"))
	// Output: +********4455
}

func ExampleValid() {
	fmt.Println(Valid("+447700900123"), Valid("07700 900123"))
	// Output: true false
}
