package phone

import (
	"encoding/json"
	"errors"
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
	Numbers []struct {
		Number    string `json:"number"`
		Region    string `json:"region"`
		Valid     bool   `json:"valid"`
		Type      string `json:"type"`
		Text      bool   `json:"text"`
		Fictional bool   `json:"fictional"`
	} `json:"numbers"`
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
	if len(v.Numbers) == 0 || len(v.Valid) == 0 || len(v.Invalid) == 0 || len(v.Masked) == 0 || len(v.CallingCodes) == 0 || len(v.Allowed) == 0 || len(v.Typed) == 0 {
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

// TestNumberVectors: what the metadata says of each shared number, and
// whether the deployed rules (fictional numbers refused) and the
// development ones (allowed) let it receive codes.
func TestNumberVectors(t *testing.T) {
	for _, c := range load(t).Numbers {
		info := Lookup(c.Number)
		if info.Region != c.Region || info.Valid != c.Valid || info.Type.String() != c.Type || Fictional(c.Number) != c.Fictional {
			t.Errorf("%s: got %+v fictional %v, want region %s valid %v type %s fictional %v", c.Number, info, Fictional(c.Number), c.Region, c.Valid, c.Type, c.Fictional)
		}
		err := Check(c.Number, DefaultAccepted, false)
		if (err == nil) != c.Text {
			t.Errorf("Check(%s) deployed: got %v, want receives codes %v", c.Number, err, c.Text)
		}
		var invalid *InvalidError
		if !c.Valid || c.Fictional {
			if !errors.As(err, &invalid) || invalid.Fictional != c.Fictional {
				t.Errorf("Check(%s) deployed: got %v, want an InvalidError, fictional %v", c.Number, err, c.Fictional)
			}
		} else if !c.Text && !errors.Is(err, ErrCannotText) {
			t.Errorf("Check(%s): got %v, want ErrCannotText", c.Number, err)
		}
		if err := Check(c.Number, DefaultAccepted, true); c.Fictional && err != nil {
			t.Errorf("Check(%s) in development: got %v, want a fictional number accepted", c.Number, err)
		}
	}
}

func TestCheckAcceptsConfiguredTypes(t *testing.T) {
	landline := "+442079460000"
	if err := Check(landline, []LineType{LineMobile, LineFixed}, false); err != nil {
		t.Errorf("a landline with fixed_line accepted: got %v", err)
	}
	if err := Check(landline, DefaultAccepted, false); !errors.Is(err, ErrCannotText) {
		t.Errorf("a landline by default: got %v, want ErrCannotText", err)
	}
}

func TestInvalidErrorWords(t *testing.T) {
	for _, c := range []struct {
		err  InvalidError
		want string
	}{
		{InvalidError{CallingCode: "44", Region: "GB"}, "not a valid phone number for GB (+44)"},
		{InvalidError{CallingCode: "44", Region: "GB", Fictional: true}, "not a valid phone number for GB (+44): the range is kept for fiction"},
		{InvalidError{CallingCode: "800", Region: "001/800"}, "not a valid phone number for +800"},
		{InvalidError{}, "not a valid phone number: no country has its calling code"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestParseLineTypes(t *testing.T) {
	got, err := ParseLineTypes(" mobile , fixed_line_or_mobile,mobile")
	if err != nil || !slices.Equal(got, []LineType{LineMobile, LineFixedOrMobile}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "unknown", "Mobile", "sms", "mobile,,voip"} {
		if _, err := ParseLineTypes(bad); err == nil {
			t.Errorf("ParseLineTypes(%q): got nil error", bad)
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
