package phone

import (
	"fmt"
	"slices"
	"strings"
)

// LineType is the kind of a number, as libphonenumber's metadata knows it.
type LineType uint8

// The line types, in libphonenumber's terms.
const (
	LineUnknown       LineType = iota // not a valid number
	LineFixed                         // a landline
	LineMobile                        // a mobile
	LineFixedOrMobile                 // either: the metadata cannot tell (most of North America)
	LineTollFree                      // free to the caller
	LinePremiumRate                   // billed above the normal rate: the target of SMS pumping
	LineSharedCost                    // cost shared by caller and callee
	LineVoIP                          // a VoIP number
	LinePersonal                      // a personal number that forwards elsewhere
	LinePager                         // a pager
	LineUAN                           // a universal access number of a company
	LineVoicemail                     // a voicemail access number
)

// lineTypeNames are the names of the line types in settings and logs.
var lineTypeNames = [...]string{
	LineUnknown: "unknown", LineFixed: "fixed_line", LineMobile: "mobile", LineFixedOrMobile: "fixed_line_or_mobile",
	LineTollFree: "toll_free", LinePremiumRate: "premium_rate", LineSharedCost: "shared_cost", LineVoIP: "voip",
	LinePersonal: "personal_number", LinePager: "pager", LineUAN: "uan", LineVoicemail: "voicemail",
}

// String returns the type's name, such as "fixed_line_or_mobile".
func (t LineType) String() string {
	if int(t) < len(lineTypeNames) {
		return lineTypeNames[t]
	}
	return fmt.Sprintf("LineType(%d)", t)
}

// DefaultAccepted are the line types that may receive codes unless
// configured otherwise: those that take a text. Landlines, premium-rate,
// shared-cost, toll-free, UAN, voicemail and pager numbers cannot receive
// one or are abused for toll fraud.
var DefaultAccepted = []LineType{LineMobile, LineFixedOrMobile, LineVoIP, LinePersonal}

// ParseLineTypes reads a comma-separated list of line-type names such as
// "mobile,fixed_line_or_mobile"; spaces around names are allowed. Empty
// text is an error: no number could receive a code.
func ParseLineTypes(s string) ([]LineType, error) {
	var out []LineType
	for _, f := range strings.Split(s, ",") {
		name := strings.TrimSpace(f)
		i := slices.Index(lineTypeNames[:], name)
		if i <= int(LineUnknown) {
			return nil, fmt.Errorf("%q is not a line type; want some of %s", name, strings.Join(lineTypeNames[1:], ", "))
		}
		if !slices.Contains(out, LineType(i)) {
			out = append(out, LineType(i))
		}
	}
	return out, nil
}
