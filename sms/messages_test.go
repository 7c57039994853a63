package sms

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	const fr = "+33612345678"
	tests := []struct {
		name           string
		s              Settings
		locale, number string
		want, wantLang string
	}{
		{"English by default", Settings{}, "", "+447400123456",
			"Your sign-in code is 123456. It expires in 5 minutes.", "en"},
		{"app name in front", Settings{AppName: "Acme"}, "", "+447400123456",
			"Acme: Your sign-in code is 123456. It expires in 5 minutes.", "en"},
		{"operator's English", Settings{Default: "Code {code}"}, "", "+447400123456", "Code 123456", "en"},
		{"operator's English gets the app name in front", Settings{Default: "Code {code}", AppName: "Acme"}, "", "+447400123456", "Acme: Code 123456", "en"},
		{"operator places the app", Settings{Default: "{code} is your {app} code", AppName: "Acme"}, "", "+447400123456", "123456 is your Acme code", "en"},
		{"no app name drops the prefix", Settings{Default: "{app}: Code {code}"}, "", "+447400123456", "Code 123456", "en"},
		{"German locale", Settings{AppName: "Acme"}, "de-DE", "+447400123456",
			"Acme: Ihr Anmeldecode lautet 123456. Er läuft in 5 Minuten ab.", "de"},
		{"French number, no locale", Settings{}, "", fr, "Votre code de connexion est 123456. Il expire dans 5 minutes.", "fr"},
		{"locale beats the number", Settings{}, "ja_JP.UTF-8", fr, "認証コードは123456です。5分間有効です。", "ja"},
		{"malformed locale falls to the number", Settings{}, "\x00<script>", fr, "Votre code de connexion est 123456. Il expire dans 5 minutes.", "fr"},
		{"operator replaces a language", Settings{Templates: map[string]string{"fr": "Code {code}"}}, "", fr, "Code 123456", "fr"},
		{"operator adds a language", Settings{Templates: map[string]string{"sw": "Nambari yako ni {code}"}}, "sw-KE", fr, "Nambari yako ni 123456", "sw"},
		{"minutes round up", Settings{Default: "{code} {minutes}", Validity: 90 * time.Second}, "", "+447400123456", "123456 2", "en"},
		{"WebOTP last line", Settings{Default: "Code {code}", WebOTPDomain: "login.example.com"}, "", "+447400123456",
			"Code 123456\n\n@login.example.com #123456", "en"},
		{"Android hash last line", Settings{Default: "Code {code}", AndroidAppHash: "FA+9qCX9VSu"}, "", "+447400123456",
			"Code 123456\n\nFA+9qCX9VSu", "en"},
		{"hash, then WebOTP last", Settings{Default: "Code {code}", AndroidAppHash: "FA+9qCX9VSu", WebOTPDomain: "my-app2.Example.co.uk"}, "", "+447400123456",
			"Code 123456\n\nFA+9qCX9VSu\n@my-app2.Example.co.uk #123456", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s.Validity == 0 {
				tt.s.Validity = 5 * time.Minute
			}
			msg := mustMessages(t, tt.s).Render(tt.locale, tt.number, "123456")
			if msg.Text != tt.want || msg.Language != tt.wantLang {
				t.Errorf("got %q in %s, want %q in %s", msg.Text, msg.Language, tt.want, tt.wantLang)
			}
			if enc, n := Segments(msg.Text); enc != msg.Encoding || n != msg.Segments || n != 1 {
				t.Errorf("got %d %s segments reported, want %d %s and 1", msg.Segments, msg.Encoding, n, enc)
			}
		})
	}
}

func TestNewMessagesRejects(t *testing.T) {
	long := strings.Repeat("x", 150) // with " 123456" and an app name, more than one GSM-7 segment
	tests := []struct {
		name     string
		s        Settings
		want     []error
		wantText string // in the error, when not empty
	}{
		{"template without the code", Settings{Default: "Your code"}, []error{ErrTemplate}, "{code}"},
		{"template too long", Settings{Default: "{code}" + strings.Repeat("x", 155), MaxSegments: 10}, []error{ErrTemplate}, "161 characters"},
		{"template of two segments", Settings{Default: long + " {code}", AppName: "Acme"}, []error{ErrTemplate, ErrMaxSegments}, "takes 2 GSM-7 segments, more than 1"},
		{"one non-GSM character makes it UCS-2", Settings{Default: strings.Repeat("x", 70) + "ł {code}"}, []error{ErrTemplate, ErrMaxSegments}, "takes 2 UCS-2 segments"},
		{"language of two segments", Settings{Templates: map[string]string{"de": long + " {code}"}, AndroidAppHash: "FA+9qCX9VSu"}, []error{ErrTemplates, ErrMaxSegments}, "de: "},
		{"language without the code", Settings{Templates: map[string]string{"pt-BR": "Seu código"}}, []error{ErrTemplates}, "pt-BR: "},
		{"tag not canonical", Settings{Templates: map[string]string{"pt_br": "{code}"}}, []error{ErrTemplates}, "pt_br"},
		{"tag not a tag", Settings{Templates: map[string]string{"english": "{code}"}}, []error{ErrTemplates}, "english"},
		{"built-in English too long for the settings", Settings{AppName: strings.Repeat("A", 40), AndroidAppHash: "FA+9qCX9VSu", WebOTPDomain: strings.Repeat("a", 60) + ".example"},
			[]error{ErrMaxSegments}, "built-in en message"},
		{"app name of two lines", Settings{AppName: "Ac\nme"}, []error{ErrAppName}, ""},
		{"app name of 41", Settings{AppName: strings.Repeat("a", 41)}, []error{ErrAppName}, ""},
		{"domain with scheme", Settings{WebOTPDomain: "https://example.com"}, []error{ErrDomain}, ""},
		{"domain without dot", Settings{WebOTPDomain: "localhost"}, []error{ErrDomain}, ""},
		{"domain with empty label", Settings{WebOTPDomain: "example..com"}, []error{ErrDomain}, ""},
		{"label starts with hyphen", Settings{WebOTPDomain: "-example.com"}, []error{ErrDomain}, ""},
		{"label of 64", Settings{WebOTPDomain: strings.Repeat("a", 64) + ".com"}, []error{ErrDomain}, ""},
		{"underscore", Settings{WebOTPDomain: "my_app.example.com"}, []error{ErrDomain}, ""},
		{"hash of 10", Settings{AndroidAppHash: "FA+9qCX9VS"}, []error{ErrAppHash}, "10 characters"},
		{"hash of 12", Settings{AndroidAppHash: "FA+9qCX9VSuu"}, []error{ErrAppHash}, "12 characters"},
		{"hash with a URL-safe character", Settings{AndroidAppHash: "FA-9qCX9VSu"}, []error{ErrAppHash}, "'-'"},
		{"hash with a space", Settings{AndroidAppHash: "FA 9qCX9VSu"}, []error{ErrAppHash}, ""},
		{"segments of 0 after the default", Settings{MaxSegments: -1}, []error{ErrMaxSegments}, ""},
		{"segments of 11", Settings{MaxSegments: 11}, []error{ErrMaxSegments}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.CodeDigits, tt.s.Validity = 6, 5*time.Minute
			_, err := NewMessages(tt.s)
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("got error %v, want it to wrap %v", err, want)
				}
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got error %q, want it to say %q", err, tt.wantText)
			}
		})
	}
}

// TestMaxSegmentsAllowsMore: the two-segment template that fails above is
// taken when two segments are allowed, and reported as two.
func TestMaxSegmentsAllowsMore(t *testing.T) {
	m := mustMessages(t, Settings{Default: strings.Repeat("x", 150) + " {code}", AppName: "Acme", MaxSegments: 2})
	if msg := m.Render("", "+447400123456", "123456"); msg.Segments != 2 || msg.Encoding != GSM7 {
		t.Errorf("got %d %s segments, want 2 GSM-7", msg.Segments, msg.Encoding)
	}
}

// TestAutofillLeavesOutLongLanguages: the WebOTP line pushes the UCS-2
// built-in messages past 70 characters. Those languages are left out, and
// their users get English in one segment rather than their language in two;
// allowing two segments brings them back.
func TestAutofillLeavesOutLongLanguages(t *testing.T) {
	s := Settings{AppName: "Acme", WebOTPDomain: "login.example.com", Validity: 5 * time.Minute}
	m := mustMessages(t, s)
	left := m.Left()
	for _, want := range []string{"ru", "vi", "ar"} {
		if !strings.Contains(strings.Join(left, ","), want) {
			t.Errorf("got %v left out, want %s among them", left, want)
		}
	}
	for _, kept := range []string{"en", "fr", "es", "pt-BR", "ja"} {
		if !m.has(kept) {
			t.Errorf("got %s left out, want it kept (GSM-7, or short UCS-2)", kept)
		}
	}
	msg := m.Render("ru", "+79161234567", "123456")
	if msg.Language != "en" || msg.Segments != 1 {
		t.Errorf("got %s in %d segments for a Russian user, want en in 1", msg.Language, msg.Segments)
	}
	s.MaxSegments = 2
	m = mustMessages(t, s)
	if len(m.Left()) != 0 {
		t.Errorf("got %v left out with two segments allowed, want none", m.Left())
	}
	if msg := m.Render("ru", "", "123456"); msg.Language != "ru" || msg.Segments != 2 {
		t.Errorf("got %s in %d segments, want ru in 2", msg.Language, msg.Segments)
	}
}

// FuzzRenderStaysWithinSegments attacks the segment rule through the one
// input a user controls, the locale attribute: whatever it holds, the
// message has the code, one segment, and a language the settings speak.
func FuzzRenderStaysWithinSegments(f *testing.F) {
	for _, seed := range []string{"", "de", "pt_BR.UTF-8", "zh-Hant-TW", "x-klingon", strings.Repeat("a-", 200), "\xff\xfe", "ja\n", "en-GB@euro"} {
		f.Add(seed, "+33612345678")
	}
	m, err := NewMessages(Settings{AppName: strings.Repeat("Ä", 20), WebOTPDomain: "a.example", AndroidAppHash: "FA+9qCX9VSu", CodeDigits: 10, Validity: 15 * time.Minute})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, locale, number string) {
		msg := m.Render(locale, number, "0123456789")
		if msg.Segments != 1 || !strings.Contains(msg.Text, "0123456789") || !m.has(msg.Language) {
			t.Errorf("locale %q, number %q: got %q in %s, %d segments; want the code, a known language, 1 segment", locale, number, msg.Text, msg.Language, msg.Segments)
		}
	})
}

func TestParseTemplates(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		wantErr  string
	}{
		{"empty", "", map[string]string{}, ""},
		{"two", `{"de": "Code {code}", "pt-BR": "Código {code}"}`, map[string]string{"de": "Code {code}", "pt-BR": "Código {code}"}, ""},
		{"POSIX and case", `{"pt_br": "{code}", "ZH": "{code}", "iw": "{code}"}`, map[string]string{"pt-BR": "{code}", "zh-Hans": "{code}", "he": "{code}"}, ""},
		{"script", `{"sr-latn": "{code}"}`, map[string]string{"sr-Latn": "{code}"}, ""},
		{"same tag twice", `{"pt-BR": "a {code}", "pt_BR": "b {code}"}`, nil, "pt-BR is given twice"},
		{"same key twice", `{"de": "a {code}", "de": "b {code}"}`, nil, "de is given twice"},
		{"not an object", `["de"]`, nil, "JSON object"},
		{"not a string", `{"de": 5}`, nil, "de: want a string"},
		{"bad tag", `{"deutsch": "{code}"}`, nil, `"deutsch" is not a language tag`},
		{"three subtags", `{"zh-Hant-TW": "{code}"}`, nil, "not a language tag"},
		{"trailing text", `{"de": "{code}"} x`, nil, "after the JSON object"},
		{"unterminated", `{"de": "{code}"`, nil, "bad message templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTemplates(tt.in)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrTemplates) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got error %v, want ErrTemplates saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func ExampleMessages_Render() {
	m, _ := NewMessages(Settings{AppName: "Acme", WebOTPDomain: "acme.example", CodeDigits: 6, Validity: 5 * time.Minute})
	for _, locale := range []string{"", "de-AT", "pt_BR"} {
		msg := m.Render(locale, "+447700900123", "042917")
		fmt.Printf("%s, %d segment:\n%s\n", msg.Language, msg.Segments, msg.Text)
	}
	// Output:
	// en, 1 segment:
	// Acme: Your sign-in code is 042917. It expires in 5 minutes.
	//
	// @acme.example #042917
	// de, 1 segment:
	// Acme: Ihr Anmeldecode lautet 042917. Er läuft in 5 Minuten ab.
	//
	// @acme.example #042917
	// pt-BR, 1 segment:
	// Acme: Sua senha de acesso é 042917. Vale por 5 minutos.
	//
	// @acme.example #042917
}
