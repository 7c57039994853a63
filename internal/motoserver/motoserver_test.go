package motoserver_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"testing"

	"github.com/phonepass/phonepass/internal/motoserver"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

// TestStartAnswersUntilClose starts the server in each mode: it answers on
// its URL with moto's version known, and no longer once closed.
func TestStartAnswersUntilClose(t *testing.T) {
	for _, tt := range []struct {
		name string
		mode motoserver.Mode
	}{{"threaded", motoserver.Threaded}, {"serial", motoserver.Serial}} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := motoserver.Start(context.Background(), tt.mode)
			if errors.Is(err, motoserver.ErrMissing) {
				testenv.Missing(t, "moto", venv.Install)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^\d+\.\d+`).MatchString(s.Version) {
				t.Errorf("got version %q, want moto's, such as 5.2.1", s.Version)
			}
			resp, err := http.Get(s.URL + "/moto-api/data.json")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("got status %d, want 200", resp.StatusCode)
			}
			s.Close()
			if resp, err := http.Get(s.URL + "/moto-api/data.json"); err == nil {
				resp.Body.Close()
				t.Errorf("after Close: got status %d, want no answer", resp.StatusCode)
			}
		})
	}
}

func TestSMSCode(t *testing.T) {
	for _, tc := range []struct {
		name, message, want string
		ok                  bool
	}{
		{"default template", "Your sign-in code is 123456. It expires in 5 minutes.", "123456", true},
		{"with a sender prefix", "Acme: Your sign-in code is 0042. It expires in 5 minutes.", "0042", true},
		{"no code", "Hello.", "", false},
		{"no full stop after it", "Your sign-in code is 123456", "", false},
		{"not digits", "Your sign-in code is 12a456. It expires.", "", false},
		{"empty code", "Your sign-in code is . It expires.", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := motoserver.SMS{Message: tc.message}.Code()
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q, %v, want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
