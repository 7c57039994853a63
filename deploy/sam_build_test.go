package deploy

import (
	"strings"
	"testing"
	"time"
)

// TestSAMValidate runs `sam validate --lint` (cfn-lint through the SAM
// CLI) on template.yaml, and on a copy with a misspelt trigger, which it
// must refuse.
func TestSAMValidate(t *testing.T) {
	sam := newSAM(t)
	run := sam.run("..", 2*time.Minute, "validate", "--lint")
	if run.err != nil || !strings.Contains(run.stdout+run.stderr, "is a valid SAM Template") {
		t.Errorf("sam validate --lint: got %v\n%s%s\nwant a valid SAM Template", run.err, run.stdout, run.stderr)
	}
	broken := copyProject(t, map[string]func(string) string{
		"template.yaml": func(s string) string { return strings.Replace(s, "DefineAuthChallenge:", "DefineAuthChalenge:", 1) },
	})
	run = sam.run(broken, 2*time.Minute, "validate", "--lint")
	if run.err == nil || !strings.Contains(run.stdout+run.stderr, "DefineAuthChalenge") {
		t.Errorf("sam validate --lint of a template with a misspelt trigger: got %v\n%s%s\nwant a failure naming it", run.err, run.stdout, run.stderr)
	}
}

// TestSAMBuild runs `sam build` as a user runs it, in a copy of the
// repository with the committed samconfig.toml (build in source,
// BuildMethod makefile): a static arm64 bootstrap alone in the function's
// build directory and a built template pointing at it.
func TestSAMBuild(t *testing.T) {
	dir, run := builtProject(t)
	if err := checkBuilt(dir); err != nil {
		t.Errorf("sam build: %v\n%s", err, run.stderr)
	}
	if !strings.Contains(run.stdout+run.stderr, "CustomMakeBuilder:MakeBuild") {
		t.Errorf("sam build did not run the Makefile builder:\n%s%s", run.stdout, run.stderr)
	}
	// Built in source: SAM made no scratch copy of the repository.
	if strings.Contains(run.stdout+run.stderr, "Copying source code") {
		t.Errorf("sam build copied the source, want it built in source (samconfig.toml build_in_source):\n%s", run.stderr)
	}
}

// TestSAMBuildCatchesBrokenTargets breaks the Makefile's
// build-PhonepassFunction target in copies of the repository, one way each:
// `sam build` must fail saying so, or what it built must fail checkBuilt.
func TestSAMBuildCatchesBrokenTargets(t *testing.T) {
	sam := newSAM(t)
	const target = "build-PhonepassFunction:"
	const recipe = "$(BUILDENV) $(GO) build $(BUILDARGS) -o $(ARTIFACTS_DIR)/bootstrap ."
	for _, tt := range []struct {
		name, old, new string
		want           string // in sam build's output or checkBuilt's error
	}{
		// make takes the .PHONY target without a rule as done, and SAM
		// reports the build as succeeded with nothing built.
		{"target renamed", target, "build-PhonepassFunctions:", "holds [], want bootstrap alone"},
		{"binary written elsewhere", recipe, "$(BUILDENV) $(GO) build $(BUILDARGS) -o build/bootstrap .", "want bootstrap alone"},
		{"built for x86-64", recipe, "$(BUILDENV) GOARCH=amd64 $(GO) build $(BUILDARGS) -o $(ARTIFACTS_DIR)/bootstrap .", "want arm64"},
		{"a broken recipe", recipe, "$(BUILDENV) $(GO) build $(BUILDARGS) -o $(ARTIFACTS_DIR)/bootstrap ./no-such-package", "no-such-package"},
		{"a file left beside it", recipe, recipe + "\n\ttouch $(ARTIFACTS_DIR)/notes.txt", "want bootstrap alone"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyProject(t, map[string]func(string) string{
				"Makefile": func(s string) string { return strings.Replace(s, tt.old, tt.new, 1) },
			})
			run := sam.run(dir, 10*time.Minute, "build")
			var got string
			if run.err != nil {
				got = run.stdout + run.stderr
			} else if err := checkBuilt(dir); err != nil {
				got = err.Error()
			} else {
				t.Fatalf("sam build and checkBuilt passed a broken target:\n%s", run.stderr)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to say %q", got, tt.want)
			}
		})
	}
}
