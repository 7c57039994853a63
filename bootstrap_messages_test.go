package main

import (
	"strings"
	"testing"

	"github.com/phonepass/phonepass/config"
)

// TestBootstrapMessages drives the compiled function as deployed, SNS
// served by moto: each user gets the message in their language, in one
// segment, with the autofill lines last; and nothing a user controls (the
// locale attribute) buys a longer message.
func TestBootstrapMessages(t *testing.T) {
	s := newStack(t)
	f, _ := s.deploy(t, config.EnvAppName+"=Acme", config.EnvAndroidAppHash+"=FA+9qCX9VSu")
	tests := []struct {
		name, phone, locale string
		want                string // the message without its code
	}{
		{"German user", "+447400123301", "de-DE", "Acme: Ihr Anmeldecode lautet #. Er läuft in 5 Minuten ab.\n\nFA+9qCX9VSu"},
		{"Japanese user", "+447400123302", "ja_JP.UTF-8", "Acme: 認証コードは#です。5分間有効です。\n\nFA+9qCX9VSu"},
		{"Brazilian Portuguese user", "+447400123303", "pt-BR", "Acme: Sua senha de acesso é #. Vale por 5 minutos.\n\nFA+9qCX9VSu"},
		{"French number without a locale", "+33612345678", "", "Acme: Votre code de connexion est #. Il expire dans 5 minutes.\n\nFA+9qCX9VSu"},
		{"a locale that is no language", "+447400123304", strings.Repeat("ñ-", 300), "Acme: Your sign-in code is #. It expires in 5 minutes.\n\nFA+9qCX9VSu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			more := map[string]string{}
			if tt.locale != "" {
				more["locale"] = tt.locale
			}
			if _, err := f.createWith(tt.phone, "true", false, more); err != nil {
				t.Fatal(err)
			}
			msgs := f.sms(tt.phone)
			if len(msgs) != 1 {
				t.Fatalf("got %d SMS, want 1", len(msgs))
			}
			code := codeIn(msgs[0])
			if got := strings.Replace(msgs[0], code, "#", 1); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !strings.HasSuffix(msgs[0], "\nFA+9qCX9VSu") {
				t.Errorf("got %q, want the Android app hash as the last line", msgs[0])
			}
		})
	}
	t.Run("each send logs one segment", func(t *testing.T) {
		n := strings.Count(f.f.Output().String(), `"segments":1`)
		if n != len(tests) {
			t.Errorf("got %d log lines with \"segments\":1, want %d", n, len(tests))
		}
		if strings.Contains(f.f.Output().String(), `"segments":2`) {
			t.Error("got a send of two segments")
		}
	})

	t.Run("WebOTP goes last, after the hash", func(t *testing.T) {
		f, _ := s.deploy(t, config.EnvAndroidAppHash+"=FA+9qCX9VSu", config.EnvWebOTPDomain+"=login.example.com")
		const phone = "+4915123456701"
		if _, err := f.create(phone, "true", false); err != nil {
			t.Fatal(err)
		}
		msgs := f.sms(phone)
		if len(msgs) != 1 {
			t.Fatalf("got %d SMS, want 1", len(msgs))
		}
		code := codeIn(msgs[0])
		want := "Ihr Anmeldecode lautet " + code + ". Er läuft in 5 Minuten ab.\n\nFA+9qCX9VSu\n@login.example.com #" + code
		if msgs[0] != want {
			t.Errorf("got %q, want %q", msgs[0], want)
		}
	})
}

// codeIn returns the first run of six digits in msg.
func codeIn(msg string) string {
	run := 0
	for i, r := range msg {
		if r >= '0' && r <= '9' {
			run++
			if run == 6 {
				return msg[i-5 : i+1]
			}
			continue
		}
		run = 0
	}
	return ""
}
