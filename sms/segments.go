package sms

import "unicode/utf16"

// Encoding is how an SMS carries its text.
type Encoding int

// The encodings of SMS text.
const (
	// GSM7 is the GSM 03.38 default alphabet, 7 bits a character: 160
	// characters in one segment, 153 in each of several.
	GSM7 Encoding = iota
	// UCS2 is UTF-16, 16 bits a code unit: 70 in one segment, 67 in each of
	// several. One character outside the GSM alphabet makes the whole
	// message UCS-2.
	UCS2
)

// String returns "GSM-7" or "UCS-2".
func (e Encoding) String() string {
	if e == UCS2 {
		return "UCS-2"
	}
	return "GSM-7"
}

// Segment sizes: one segment holds 140 bytes; a message of several gives 6
// bytes of each to the header that joins them (User Data Header).
const (
	gsm7Single = 160
	gsm7Multi  = 153
	ucs2Single = 70
	ucs2Multi  = 67
)

// gsm7Basic is the GSM 03.38 basic character set; gsm7Extension the
// characters of its extension table, each sent as an escape and a
// character (two septets).
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Extension = "\f^{}\\[~]|€"
)

var gsm7Septets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

// Segments returns the encoding a message needs and how many SMS segments
// it takes: GSM-7 if every character is in the GSM alphabet, else UCS-2.
func Segments(msg string) (Encoding, int) {
	septets := 0
	for _, r := range msg {
		n, ok := gsm7Septets[r]
		if !ok {
			return UCS2, count(len(utf16.Encode([]rune(msg))), ucs2Single, ucs2Multi)
		}
		septets += n
	}
	return GSM7, count(septets, gsm7Single, gsm7Multi)
}

// count returns the segments of n units: one if n fits single, else n
// over multi rounded up. A message is never split inside an escape or a
// surrogate pair, which this bound ignores (one unit at most per segment).
func count(n, single, multi int) int {
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}
