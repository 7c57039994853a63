package venv

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	t.Run("from the environment variable", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", "python"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv(EnvDir, dir)
		got, err := Dir()
		if err != nil || got != dir {
			t.Errorf("Dir: got %q, %v, want %q", got, err, dir)
		}
		if _, err := Bin("sam"); !errors.Is(err, ErrMissing) {
			t.Errorf("Bin(sam) without sam: got %v, want ErrMissing", err)
		}
	})
	t.Run("a directory without python", func(t *testing.T) {
		t.Setenv(EnvDir, t.TempDir())
		if _, err := Dir(); !errors.Is(err, ErrMissing) {
			t.Errorf("got %v, want ErrMissing", err)
		}
	})
	t.Run("the module root", func(t *testing.T) {
		t.Setenv(EnvDir, "")
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := filepath.Abs("../.."); root != want {
			t.Errorf("moduleRoot: got %q, want %q", root, want)
		}
	})
	t.Run("outside the module", func(t *testing.T) {
		t.Setenv(EnvDir, "")
		t.Chdir(t.TempDir())
		if _, err := Dir(); !errors.Is(err, ErrMissing) {
			t.Errorf("got %v, want ErrMissing", err)
		}
	})
}
