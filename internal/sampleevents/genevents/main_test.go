package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/otp"
)

func TestRunWritesFreshEvents(t *testing.T) {
	tests := []struct {
		name   string
		sample bool
		issued func() time.Time
	}{
		{"now", false, func() time.Time { return time.Now().Add(-sampleevents.FirstSentBefore) }},
		{"sample time", true, func() time.Time { return sampleevents.SampleTime.Add(-sampleevents.FirstSentBefore) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "events")
			if err := run(dir, tc.sample); err != nil {
				t.Fatalf("run: %v", err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			evs, _ := sampleevents.Generate(sampleevents.SampleTime)
			if len(files) != len(evs) {
				t.Fatalf("wrote %d files, want %d", len(files), len(evs))
			}
			b, err := os.ReadFile(filepath.Join(dir, "verify-right.json"))
			if err != nil {
				t.Fatal(err)
			}
			var ev struct {
				Request struct {
					PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
				} `json:"request"`
			}
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatalf("verify-right.json: %v", err)
			}
			d, err := otp.ParseDigest(ev.Request.PrivateChallengeParameters["digest"])
			if err != nil {
				t.Fatalf("digest: %v", err)
			}
			if got, want := d.IssuedAt, tc.issued(); got.Sub(want).Abs() > 5*time.Second {
				t.Errorf("code issued at %s, want about %s", got, want)
			}
		})
	}
}
