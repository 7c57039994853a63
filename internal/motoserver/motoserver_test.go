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
