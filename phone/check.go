package phone

import (
	"errors"
	"slices"
	"strings"
)

// ErrCannotText is the answer to a valid number of a line type that may not
// receive codes: a landline, a premium-rate or toll-free number, and so on.
var ErrCannotText = errors.New("this number cannot receive text messages")

// InvalidError says that a number fits no pattern of its country.
type InvalidError struct {
	// CallingCode is the number's calling code; empty when no country has it.
	CallingCode string
	// Region is the calling code's main region, such as "GB".
	Region string
	// Fictional reports a number of a range kept for fiction, which only a
	// dry run or the local pool accepts.
	Fictional bool
}

// Error says which country the number is not valid for, such as "not a
// valid phone number for GB (+44)".
func (e *InvalidError) Error() string {
	if e.CallingCode == "" {
		return "not a valid phone number: no country has its calling code"
	}
	region, _, _ := strings.Cut(e.Region, "/")
	msg := "not a valid phone number for " + region + " (+" + e.CallingCode + ")"
	if region == "001" {
		msg = "not a valid phone number for +" + e.CallingCode
	}
	if e.Fictional {
		msg += ": the range is kept for fiction"
	}
	return msg
}

// Check returns nil if the E.164 number is valid for its country and of a
// line type in accept, an *InvalidError if it is not valid, and
// ErrCannotText if its type may not receive codes. A number of the ranges
// kept for fiction (Fictional) passes as it is with allowFictional, and is
// invalid without, whatever the metadata says of it.
func Check(number string, accept []LineType, allowFictional bool) error {
	fictional := Fictional(number)
	if fictional && allowFictional {
		return nil
	}
	info := Lookup(number)
	if fictional {
		return &InvalidError{CallingCode: info.CallingCode, Region: info.Region, Fictional: true}
	}
	if !info.Valid {
		return &InvalidError{CallingCode: info.CallingCode, Region: info.Region}
	}
	if !slices.Contains(accept, info.Type) {
		return ErrCannotText
	}
	return nil
}

// Fictional reports whether number is in a range kept for fiction and
// documentation, which no real subscriber has: the United Kingdom's drama
// range 07700 900000 to 900999 (Ofcom), and North America's 555-0100 to
// 555-0199 under any area code (NANPA).
func Fictional(number string) bool {
	switch {
	case len(number) == 13 && strings.HasPrefix(number, "+447700900"):
		return digitsOnly(number[10:])
	case len(number) == 12 && strings.HasPrefix(number, "+1") && number[2] >= '2' && number[5:10] == "55501":
		return digitsOnly(number[2:5]) && digitsOnly(number[10:])
	}
	return false
}

// digitsOnly reports whether s is one or more ASCII digits.
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
