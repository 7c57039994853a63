package sms

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTemplateRender(t *testing.T) {
	tests := []struct {
		name, text, app, domain string
		want                    string
	}{
		{"default", "", "", "", "Your sign-in code is 123456. It expires in 5 minutes."},
		{"app prefix", "", "Acme", "", "Acme: Your sign-in code is 123456. It expires in 5 minutes."},
		{"app placed", "{code} is your {app} code", "Acme", "", "123456 is your Acme code"},
		{"webotp", "Code {code}", "", "example.com", "Code 123456\n\n@example.com #123456"},
		{"all", "{app} code {code}, {minutes} min", "Acme", "login.example.com", "Acme code 123456, 5 min\n\n@login.example.com #123456"},
		{"hyphens and digits", "Code {code}", "", "my-app2.Example.co.uk", "Code 123456\n\n@my-app2.Example.co.uk #123456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm, err := NewTemplate(tt.text, tt.app, tt.domain, 5*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got := tm.Render("123456"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTemplateMinutesRoundUp(t *testing.T) {
	tm, err := NewTemplate("{code} {minutes}", "", "", 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tm.Render("1234"), "1234 2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNewTemplateRejects(t *testing.T) {
	tests := []struct {
		name, text, app, domain string
		want                    error
	}{
		{"no placeholder", "Your code", "", "", ErrTemplate},
		{"too long", "{code}" + strings.Repeat("x", 400), "", "", ErrTemplate},
		{"app with newline", "{code}", "Ac\nme", "", ErrAppName},
		{"app too long", "{code}", strings.Repeat("a", 41), "", ErrAppName},
		{"domain with scheme", "{code}", "", "https://example.com", ErrDomain},
		{"domain without dot", "{code}", "", "localhost", ErrDomain},
		{"domain with space", "{code}", "", "exa mple.com", ErrDomain},
		{"domain with empty label", "{code}", "", "example..com", ErrDomain},
		{"label starts with hyphen", "{code}", "", "-example.com", ErrDomain},
		{"label ends with hyphen", "{code}", "", "example-.com", ErrDomain},
		{"label of 64", "{code}", "", strings.Repeat("a", 64) + ".com", ErrDomain},
		{"underscore", "{code}", "", "my_app.example.com", ErrDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTemplate(tt.text, tt.app, tt.domain, time.Minute)
			if !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func ExampleTemplate() {
	t, _ := NewTemplate("", "Acme", "acme.example", 5*time.Minute)
	fmt.Println(t.Render("042917"))
	// Output:
	// Acme: Your sign-in code is 042917. It expires in 5 minutes.
	//
	// @acme.example #042917
}
