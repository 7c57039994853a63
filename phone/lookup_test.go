package phone

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/phonepass/phonepass/phone/internal/metagen"
)

// TestMetadataIsCurrent: metadata_gen.go is what the generator makes from
// the phonenumbers module in go.mod (run `go generate ./phone` after an
// upgrade).
func TestMetadataIsCurrent(t *testing.T) {
	want, err := metagen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("metadata_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("metadata_gen.go is stale: run go generate ./phone")
	}
}

// libTypes maps phonenumbers' types to ours.
var libTypes = map[phonenumbers.PhoneNumberType]LineType{
	phonenumbers.FIXED_LINE: LineFixed, phonenumbers.MOBILE: LineMobile, phonenumbers.FIXED_LINE_OR_MOBILE: LineFixedOrMobile,
	phonenumbers.TOLL_FREE: LineTollFree, phonenumbers.PREMIUM_RATE: LinePremiumRate, phonenumbers.SHARED_COST: LineSharedCost,
	phonenumbers.VOIP: LineVoIP, phonenumbers.PERSONAL_NUMBER: LinePersonal, phonenumbers.PAGER: LinePager,
	phonenumbers.UAN: LineUAN, phonenumbers.VOICEMAIL: LineVoicemail, phonenumbers.UNKNOWN: LineUnknown,
}

// agree checks Lookup against phonenumbers for one E.164 number; it
// reports false when phonenumbers reads other digits than the number has
// (it strips a national prefix written after the calling code), where
// phonepass keeps the number as given.
func agree(t *testing.T, number string) bool {
	t.Helper()
	n, err := phonenumbers.Parse(number, "")
	if err != nil || !Valid(number) {
		return false
	}
	cc := strconv.Itoa(int(n.GetCountryCode()))
	if "+"+cc+phonenumbers.GetNationalSignificantNumber(n) != number {
		return false
	}
	got := Lookup(number)
	wantValid := phonenumbers.IsValidNumber(n)
	wantType := libTypes[phonenumbers.GetNumberType(n)]
	wantRegion := phonenumbers.GetRegionCodeForNumber(n)
	if wantRegion == "001" {
		wantRegion = "001/" + cc
	}
	if got.Valid != wantValid || got.Type != wantType || got.CallingCode != cc || wantValid && got.Region != wantRegion {
		t.Errorf("Lookup(%s) = %+v; phonenumbers says valid %v, type %v, region %s", number, got, wantValid, wantType, wantRegion)
	}
	return true
}

// TestLookupAgreesWithLibphonenumber compares Lookup with phonenumbers on
// the example number of every region and line type, and on random numbers
// of every calling code.
func TestLookupAgreesWithLibphonenumber(t *testing.T) {
	compared := 0
	var ids []string
	for r := range phonenumbers.GetSupportedRegions() {
		ids = append(ids, r)
	}
	slices.Sort(ids)
	for _, r := range ids {
		for typ := range libTypes {
			if n := phonenumbers.GetExampleNumberForType(r, typ); n != nil && agree(t, phonenumbers.Format(n, phonenumbers.E164)) {
				compared++
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if n := phonenumbers.GetExampleNumberForNonGeoEntity(cc); n != nil && agree(t, phonenumbers.Format(n, phonenumbers.E164)) {
			compared++
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		prefix := strconv.Itoa(cc)
		for range 300 {
			nsn := strconv.Itoa(1 + rng.IntN(9))
			for l := MinDigits - len(prefix) + rng.IntN(MaxDigits-MinDigits+1); len(nsn) < l; {
				nsn += strconv.Itoa(rng.IntN(10))
			}
			if agree(t, "+"+prefix+nsn) {
				compared++
			}
		}
	}
	if compared < 50000 {
		t.Errorf("compared %d numbers, want at least 50,000", compared)
	}
	t.Logf("compared %d numbers with phonenumbers", compared)
}

func ExampleLookup() {
	for _, n := range []string{"+4915123456789", "+442079460000", "+18005550100", "+12025550143", "+447700900123"} {
		info := Lookup(n)
		fmt.Println(n, info.Region, info.Valid, info.Type)
	}
	// Output:
	// +4915123456789 DE true mobile
	// +442079460000 GB true fixed_line
	// +18005550100 US true toll_free
	// +12025550143 US true fixed_line_or_mobile
	// +447700900123 GB false unknown
}

// BenchmarkLookup is a warm lookup: the region's patterns compiled.
func BenchmarkLookup(b *testing.B) {
	Lookup("+4915123456789")
	for b.Loop() {
		Lookup("+4915123456789")
	}
}

// BenchmarkFirstLookupOfRegion is the first lookup of a region in a
// process: its patterns compiled, then matched. Lambda pays it once per
// region a cold instance sees, never at cold start.
func BenchmarkFirstLookupOfRegion(b *testing.B) {
	_, regions := loadTables()
	de := regions["DE"]
	for b.Loop() {
		fresh := &region{leading: de.leading, sameMobileAndFixed: de.sameMobileAndFixed, descs: de.descs}
		fresh.typeOf("15123456789")
	}
}
