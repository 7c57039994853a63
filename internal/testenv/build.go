package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// BuildBootstrap builds the Lambda function (the module's main package) for
// this machine with the Makefile's flags (CGO_ENABLED=0, -tags lambda.norpc,
// stripped) into a temporary directory and returns the binary's path. The
// Makefile builds the same for arm64.
func BuildBootstrap(t testing.TB) string {
	t.Helper()
	goBin := LookPath(t, "go", "install Go 1.26")
	out := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "github.com/phonepass/phonepass")
	// -race in GOFLAGS would need cgo; the function is built without it.
	flags := slices.DeleteFunc(strings.Fields(os.Getenv("GOFLAGS")), func(f string) bool { return f == "-race" })
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH, "GOFLAGS="+strings.Join(flags, " "))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}
