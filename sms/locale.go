package sms

import (
	"strings"

	"github.com/phonepass/phonepass/phone"
)

// DefaultLanguage is the language of a user with no usable locale and a
// number of no country the catalogue speaks for.
const DefaultLanguage = "en"

// Language picks the language of a message, from those in has: the user's
// locale (a BCP 47 tag such as "pt-BR" or a POSIX one such as "pt_BR.UTF-8"),
// falling back from script or region to the language alone; else the
// language of the number's country calling code; else DefaultLanguage. A
// malformed locale is ignored, never an error.
func Language(locale, number string, has func(tag string) bool) string {
	for _, tag := range localeCandidates(locale) {
		if has(tag) {
			return tag
		}
	}
	if tag := callingCodeLanguage(number); tag != "" && has(tag) {
		return tag
	}
	return DefaultLanguage
}

// localeCandidates returns the tags to try for a locale, most specific
// first: language-Script, language-REGION, the script a region implies,
// then the language. It returns nil for anything that is not a locale.
func localeCandidates(locale string) []string {
	s := strings.TrimSpace(locale)
	if i := strings.IndexAny(s, ".@"); i >= 0 { // POSIX: pt_BR.UTF-8, sr_RS@latin
		s = s[:i]
	}
	parts := strings.Split(strings.ReplaceAll(s, "_", "-"), "-")
	lang := strings.ToLower(parts[0])
	if len(lang) < 2 || len(lang) > 3 || !letters(lang) {
		return nil
	}
	if alias, ok := languageAliases[lang]; ok {
		lang = alias
	}
	var script, region string
	for _, p := range parts[1:] {
		switch {
		case len(p) == 4 && letters(p) && script == "" && region == "":
			script = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		case len(p) == 2 && letters(p) && region == "":
			region = strings.ToUpper(p)
		case len(p) == 3 && digits(p) && region == "":
			region = p
		}
	}
	var out []string
	if script != "" {
		out = append(out, lang+"-"+script)
	}
	if region != "" {
		out = append(out, lang+"-"+region)
		if sc, ok := regionScripts[lang+"-"+region]; ok && script == "" {
			out = append(out, lang+"-"+sc)
		}
	}
	if def, ok := defaultScripts[lang]; ok && script == "" {
		out = append(out, lang+"-"+def)
	}
	return append(out, lang)
}

// languageAliases maps deprecated or macro language subtags to the ones
// the catalogue uses.
var languageAliases = map[string]string{"iw": "he", "in": "id", "no": "nb", "nn": "nb"}

// regionScripts gives the script that a language's region implies.
var regionScripts = map[string]string{
	"zh-TW": "Hant", "zh-HK": "Hant", "zh-MO": "Hant",
	"zh-CN": "Hans", "zh-SG": "Hans", "zh-MY": "Hans",
}

// defaultScripts gives the script of a language named alone.
var defaultScripts = map[string]string{"zh": "Hans"}

// callingCodeLanguages gives the language most people of a country calling
// code read, where the catalogue has it and one language clearly leads.
var callingCodeLanguages = map[string]string{
	"20": "ar", "30": "el", "31": "nl", "33": "fr", "34": "es", "351": "pt", "358": "fi", "36": "hu",
	"380": "uk", "39": "it", "40": "ro", "420": "cs", "43": "de", "45": "da", "46": "sv", "47": "nb",
	"48": "pl", "49": "de", "51": "es", "52": "es", "54": "es", "55": "pt-BR", "56": "es", "57": "es",
	"58": "es", "60": "ms", "62": "id", "66": "th", "7": "ru", "81": "ja", "82": "ko", "84": "vi",
	"852": "zh-Hant", "853": "zh-Hant", "86": "zh-Hans", "886": "zh-Hant", "90": "tr", "966": "ar",
	"971": "ar", "972": "he", "974": "ar", "965": "ar", "962": "ar", "212": "ar",
}

// callingCodeLanguage returns the language of number's calling code, or "".
func callingCodeLanguage(number string) string {
	if !phone.Valid(number) {
		return ""
	}
	for n := 1; n <= 3; n++ {
		if tag, ok := callingCodeLanguages[number[1:1+n]]; ok {
			return tag
		}
	}
	return ""
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonicalTag returns the tag under which a template for tag is found: a
// language of 2 or 3 letters, optionally with a script of 4 letters or a
// region of 2 letters or 3 digits, in canonical case and with the aliases
// and default scripts that Language applies; ok is false for anything else.
func canonicalTag(tag string) (string, bool) {
	parts := strings.Split(strings.ReplaceAll(tag, "_", "-"), "-")
	if len(parts) > 2 {
		return "", false
	}
	if len(parts[0]) < 2 || len(parts[0]) > 3 || !letters(parts[0]) {
		return "", false
	}
	cands := localeCandidates(tag)
	if len(parts) == 2 {
		p := parts[1]
		if !(len(p) == 4 && letters(p) || len(p) == 2 && letters(p) || len(p) == 3 && digits(p)) {
			return "", false
		}
	}
	// The first candidate is the most specific form, with a script that a
	// region or the language alone implies (zh-TW: zh-TW; zh: zh-Hans).
	return cands[0], true
}
