package venv

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvDir names the environment variable that, when set, is the virtual
// environment's directory instead of .venv at the module's root.
const EnvDir = "PHONEPASS_VENV"

// Install says how to make the virtual environment.
const Install = "run `make setup` (scripts/setup-python.sh makes .venv from scripts/requirements.txt)"

// ErrMissing is returned, wrapped, when the virtual environment or a tool
// in it is not there.
var ErrMissing = errors.New("the project's Python virtual environment is not set up: " + Install)

// module is this module's path, as go.mod names it.
const module = "github.com/phonepass/phonepass"

// Dir returns the virtual environment's directory: $PHONEPASS_VENV, or
// .venv in the nearest directory above the working directory whose go.mod
// is this module's. It checks that the directory has a python.
func Dir() (string, error) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, ".venv")
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", "python")); err != nil {
		return "", fmt.Errorf("%w (no %s)", ErrMissing, filepath.Join(dir, "bin", "python"))
	}
	return dir, nil
}

// Bin returns the path of the command name in the virtual environment's
// bin directory, such as "python", "sam" or "cfn-lint".
func Bin(name string) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w (no %s)", ErrMissing, p)
	}
	return p, nil
}

// moduleRoot walks up from the working directory to this module's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if isModuleRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w (no go.mod of %s above the working directory; set %s)", ErrMissing, module, EnvDir)
		}
		dir = parent
	}
}

// isModuleRoot reports whether the go.mod at path declares this module.
func isModuleRoot(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if name, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.TrimSpace(name) == module
		}
	}
	return false
}
