package sms

import (
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		enc  Encoding
		segs int
	}{
		{"empty", "", GSM7, 1},
		{"160 GSM characters", strings.Repeat("a", 160), GSM7, 1},
		{"161 GSM characters", strings.Repeat("a", 161), GSM7, 2},
		{"306 GSM characters", strings.Repeat("a", 306), GSM7, 2},
		{"307 GSM characters", strings.Repeat("a", 307), GSM7, 3},
		{"accents of the basic set stay GSM", "Café crème Ça ñ ü ß Ø å à", GSM7, 1},
		{"an extension character counts twice", strings.Repeat("€", 80), GSM7, 1},
		{"81 euros are 162 septets", strings.Repeat("€", 81), GSM7, 2},
		{"one ç makes it UCS-2", "ça " + strings.Repeat("a", 60), UCS2, 1},
		{"70 UCS-2 characters", strings.Repeat("й", 70), UCS2, 1},
		{"71 UCS-2 characters", strings.Repeat("й", 71), UCS2, 2},
		{"134 UCS-2 characters", strings.Repeat("й", 134), UCS2, 2},
		{"135 UCS-2 characters", strings.Repeat("й", 135), UCS2, 3},
		{"an emoji is two UTF-16 units", strings.Repeat("😀", 35), UCS2, 1},
		{"36 emoji are 72 units", strings.Repeat("😀", 36), UCS2, 2},
		{"ê is not GSM", "tête", UCS2, 1},
		{"Greek capitals of the basic set", "ΔΦΓΛΩΠΨΣΘΞ", GSM7, 1},
		{"Greek small letters are not", "α", UCS2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, segs := Segments(tt.msg)
			if enc != tt.enc || segs != tt.segs {
				t.Errorf("Segments(%q) = %s, %d; want %s, %d", tt.msg, enc, segs, tt.enc, tt.segs)
			}
		})
	}
}
