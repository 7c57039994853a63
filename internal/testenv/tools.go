package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"

	"github.com/phonepass/phonepass/internal/venv"
)

// InCI reports whether the tests run in CI, where a missing tool is a failure.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing fails t in CI and skips it elsewhere, saying what is missing and
// how to get it.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available: %s", what, install)
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg + " (skipped outside CI)")
}

// LookPath returns the path of command or calls Missing.
func LookPath(t testing.TB, command, install string) string {
	t.Helper()
	p, err := exec.LookPath(command)
	if err != nil {
		Missing(t, command, install)
	}
	return p
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// VenvBin returns the path of the command name in the project's Python
// virtual environment (package venv), such as "python", "sam" or
// "cfn-lint", or calls Missing.
func VenvBin(t testing.TB, name string) string {
	t.Helper()
	p, err := venv.Bin(name)
	if err != nil {
		Missing(t, name+" of the project's virtual environment", venv.Install)
	}
	return p
}
