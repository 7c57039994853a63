package sms

import "testing"

func TestLanguage(t *testing.T) {
	has := func(tag string) bool { _, ok := catalogue[tag]; return ok }
	tests := []struct {
		name, locale, number, want string
	}{
		{"BCP 47 with region", "pt-BR", "+447400123456", "pt-BR"},
		{"POSIX", "pt_BR", "+447400123456", "pt-BR"},
		{"POSIX with charset", "pt_BR.UTF-8", "+447400123456", "pt-BR"},
		{"region falls back to the language", "fr-CA", "+14155550100", "fr"},
		{"Portugal's Portuguese", "pt-PT", "+447400123456", "pt"},
		{"lower-case region", "de-at", "+447400123456", "de"},
		{"language alone", "ja", "+447400123456", "ja"},
		{"Chinese by region", "zh-TW", "+447400123456", "zh-Hant"},
		{"Chinese by script", "zh-Hant-HK", "+447400123456", "zh-Hant"},
		{"Chinese of China", "zh_CN", "+447400123456", "zh-Hans"},
		{"Chinese alone", "zh", "+447400123456", "zh-Hans"},
		{"Norwegian", "no-NO", "+447400123456", "nb"},
		{"old Hebrew tag", "iw", "+447400123456", "he"},
		{"unknown language falls to the number", "xx-YY", "+33612345678", "fr"},
		{"no locale: the number's country", "", "+33612345678", "fr"},
		{"Brazil's number", "", "+5511987654321", "pt-BR"},
		{"Japanese number", "", "+819012345678", "ja"},
		{"no locale, no known country", "", "+447400123456", "en"},
		{"malformed locale is ignored", "!!--__", "+4915123456789", "de"},
		{"too long", "portuguese-BR", "+4915123456789", "de"},
		{"digits", "12-34", "+4915123456789", "de"},
		{"region code 419", "es-419", "+447400123456", "es"},
		{"not a number", "", "0033612345678", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Language(tt.locale, tt.number, has); got != tt.want {
				t.Errorf("Language(%q, %q) = %q, want %q", tt.locale, tt.number, got, tt.want)
			}
		})
	}
}
