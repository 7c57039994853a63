package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"zero count", []string{"-count", "0"}},
		{"too many runs", []string{"-runs", "1001"}},
		{"an argument", []string{"extra"}},
		{"unknown flag", []string{"-nope"}},
		{"no path rounds", []string{"-path-rounds", "0"}},
		{"no path latency", []string{"-path-latency", "0s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parse(tc.args, &bytes.Buffer{}); err == nil {
				t.Errorf("got no error for %q, want one", tc.args)
			}
		})
	}
}

// TestRunWritesTable runs the load part only, tiny, and checks the table
// it prints and writes.
func TestRunWritesTable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out", "results.md")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-skip-go", "-skip-cold", "-skip-path", "-clients", "2", "-users", "4", "-max-signins", "20",
		"-warmup", "2", "-duration", "20s", "-rs256-duration", "20ms", "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != stdout.String() {
		t.Errorf("the file differs from what was printed:\nfile:\n%s\nprinted:\n%s", written, stdout.String())
	}
	for _, want := range []string{"| measurement | value |", "RS256 JWT signatures per second, 1 core", "local pool: complete sign-ins per second", "20 sign-ins in", "Machine: "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("results lack %q:\n%s", want, stdout.String())
		}
	}
	// Beside the local pool's load run, moto's (or why it did not run).
	if !strings.Contains(stdout.String(), "local pool / moto") && !strings.Contains(stdout.String(), "moto is not available") {
		t.Errorf("results lack the moto comparison:\n%s", stdout.String())
	}
}

// TestRunReportsTheProductionPath runs the production path only, one round,
// with the same bootstrap as the one before, and checks its rows: each
// step's calls, its budget and the figures of the one before.
func TestRunReportsTheProductionPath(t *testing.T) {
	bin := testenv.BuildBootstrap(t)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-skip-go", "-skip-cold", "-skip-load", "-host", bin, "-before", bin, "-before-rev", "v0", "-path-rounds", "1", "-out", ""}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stdout.String(), "moto is not available") {
		testenv.Missing(t, "moto", venv.Install)
	}
	for _, want := range []string{
		"| production path: CreateAuthChallenge, time added by 10.0 ms more per AWS call |",
		"2 calls, 2 one after another: dynamodb TransactWriteItems → sns Publish;",
		"; before (v0, same run): 2 calls, 2 one after another,",
		"| ≤ 22.0 ms |",
		"| production path: VerifyAuthChallengeResponse, wrong answer, time added by 10.0 ms more per AWS call |",
		"1 call, 1 one after another: dynamodb UpdateItem;",
		"| production path: VerifyAuthChallengeResponse, right answer, time added by 10.0 ms more per AWS call |",
		"1 call, 1 one after another: dynamodb TransactWriteItems;",
		"| ≤ 12.0 ms |",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("results lack %q:\n%s", want, stdout.String())
		}
	}
}
