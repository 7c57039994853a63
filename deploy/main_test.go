package deploy

import (
	"os"
	"testing"
)

// TestMain removes the copy of the project that builtProject made.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
