package triggers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/phonepass/phonepass/otp"
)

// DevConfig is DefaultConfig with otp.DevelopmentKey, the key the sample
// events in ../events were made with.
func DevConfig() Config {
	c := DefaultConfig()
	k, err := otp.NewKeys(otp.DevelopmentKey, "")
	if err != nil {
		panic(err)
	}
	c.Keys = k
	return c
}

// addSampleEvents adds every file of ../events to f's seed corpus.
func addSampleEvents(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no sample events in ../events (%v)", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// AddSampleEvents lets the external tests seed their fuzz targets the same way.
var AddSampleEvents = addSampleEvents
