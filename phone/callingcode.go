package phone

import (
	"fmt"
	"strings"
)

// IsCallingCode reports whether cc has the form of a country calling code:
// 1 to 3 digits, the first not 0, no "+".
func IsCallingCode(cc string) bool {
	if len(cc) < 1 || len(cc) > 3 || cc[0] == '0' {
		return false
	}
	return digitsOnly(cc)
}

// ParseCallingCodes reads a comma-separated list of country calling codes
// such as "1,44,+49"; a leading + on each is allowed, and spaces around
// each. Empty text gives nil.
func ParseCallingCodes(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		cc := strings.TrimPrefix(strings.TrimSpace(f), "+")
		if !IsCallingCode(cc) {
			return nil, fmt.Errorf("%q is not a country calling code", strings.TrimSpace(f))
		}
		out = append(out, cc)
	}
	return out, nil
}

// HasCallingCode reports whether the E.164 number starts with one of the
// calling codes ccs; an empty list allows every number.
func HasCallingCode(number string, ccs []string) bool {
	if len(ccs) == 0 {
		return true
	}
	for _, cc := range ccs {
		if strings.HasPrefix(number, "+"+cc) {
			return true
		}
	}
	return false
}
