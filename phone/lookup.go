package phone

//go:generate go run ./internal/metagen/write

import (
	"regexp"
	"slices"
	"sync"
)

// Info is what libphonenumber's metadata says of a number.
type Info struct {
	// CallingCode is the number's country calling code, such as "44"; empty
	// when no country has the number's first digits.
	CallingCode string
	// Region is the number's region code, such as "GB" ("001/800" for a
	// non-geographic code); for an invalid number, the calling code's main
	// region.
	Region string
	// Valid reports whether the number matches a pattern of its region.
	Valid bool
	// Type is the number's line type; LineUnknown when it is not valid.
	Type LineType
}

// Lookup returns what the metadata says of an E.164 number, as
// libphonenumber would of the number parsed with its "+": the calling code,
// then the region (the first of the calling code's regions whose leading
// digits, or else whose patterns, fit), then the first line type whose
// pattern and lengths fit. A string that is not Valid E.164 gets the zero Info.
// A region's patterns are compiled the first time one of its numbers is looked
// up, so that loading costs nothing at start.
func Lookup(number string) Info {
	if !Valid(number) {
		return Info{}
	}
	callingCodes, regions := loadTables()
	digits := number[1:]
	for n := 1; n <= 3; n++ {
		ids, ok := callingCodes[digits[:n]]
		if !ok {
			continue
		}
		nsn := digits[n:]
		info := Info{CallingCode: digits[:n], Region: ids[0]}
		for _, id := range ids {
			r := regions[id]
			if r == nil {
				continue
			}
			var t LineType
			if len(ids) > 1 && r.leading != "" {
				if !r.compiled().leading.MatchString(nsn) {
					continue
				}
				t = r.typeOf(nsn)
			} else if t = r.typeOf(nsn); t == LineUnknown && len(ids) > 1 {
				continue
			}
			info.Region, info.Type, info.Valid = id, t, t != LineUnknown
			return info
		}
		return info
	}
	return Info{}
}

// loadTables builds the metadata tables on the first lookup, so that the
// process starts without them.
var loadTables = sync.OnceValues(tables)

// descIndex names the patterns of a region, in the order libphonenumber
// tries them to find a line type.
type descIndex int

const (
	descGeneral descIndex = iota
	descPremiumRate
	descTollFree
	descSharedCost
	descVoIP
	descPersonal
	descPager
	descUAN
	descVoicemail
	descFixedLine
	descMobile
	numDescs
)

// specialTypes are the line types of descPremiumRate to descVoicemail, tried
// in that order before fixed line and mobile.
var specialTypes = [...]LineType{
	descPremiumRate: LinePremiumRate, descTollFree: LineTollFree, descSharedCost: LineSharedCost,
	descVoIP: LineVoIP, descPersonal: LinePersonal, descPager: LinePager, descUAN: LineUAN, descVoicemail: LineVoicemail,
}

// desc is one pattern of a region: the national significant numbers it
// matches in full, and their possible lengths (none listed: any; -1: none).
type desc struct {
	pattern string
	lengths []int32
}

// region is a region's metadata, as generated, and its patterns once compiled.
type region struct {
	leading            string
	sameMobileAndFixed bool
	descs              [numDescs]desc

	once sync.Once
	re   compiledRegion
}

// compiledRegion holds a region's compiled patterns; nil where it has none.
type compiledRegion struct {
	leading *regexp.Regexp
	descs   [numDescs]*regexp.Regexp
}

// compiled returns r's patterns, compiling them on first use.
func (r *region) compiled() *compiledRegion {
	r.once.Do(func() {
		if r.leading != "" {
			r.re.leading = regexp.MustCompile("^(?:" + r.leading + ")")
		}
		for i, d := range r.descs {
			if d.pattern != "" {
				r.re.descs[i] = regexp.MustCompile("^(?:" + d.pattern + ")$")
			}
		}
	})
	return &r.re
}

// matches reports whether nsn fits pattern i of r: a listed length and the
// whole pattern.
func (r *region) matches(nsn string, i descIndex) bool {
	re := r.compiled().descs[i]
	if re == nil {
		return false
	}
	if l := r.descs[i].lengths; len(l) > 0 && !slices.Contains(l, int32(len(nsn))) {
		return false
	}
	return re.MatchString(nsn)
}

// typeOf returns the line type of national significant number nsn in r, as
// libphonenumber's getNumberTypeHelper does.
func (r *region) typeOf(nsn string) LineType {
	if !r.matches(nsn, descGeneral) {
		return LineUnknown
	}
	for i := descPremiumRate; i <= descVoicemail; i++ {
		if r.matches(nsn, i) {
			return specialTypes[i]
		}
	}
	if r.matches(nsn, descFixedLine) {
		if r.sameMobileAndFixed || r.matches(nsn, descMobile) {
			return LineFixedOrMobile
		}
		return LineFixed
	}
	if !r.sameMobileAndFixed && r.matches(nsn, descMobile) {
		return LineMobile
	}
	return LineUnknown
}
