package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docFiles are the documents that name tests and benchmarks as evidence.
var docFiles = []string{"README.md", "docs/*.md", "bench/*.md", "examples/web/README.md"}

// namedTest is a Go test, benchmark, fuzz test or example named in prose.
var namedTest = regexp.MustCompile(`\b(?:Test|Benchmark|Fuzz|Example)[A-Z][A-Za-z0-9_]*`)

// declaredTest is the declaration of one in a _test.go file.
var declaredTest = regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz|Example)[A-Z][A-Za-z0-9_]*)\(`)

// TestDocsNameRealTests: every test the documents give as evidence for a
// claim (security.md's bounds, the benchmark tables) is declared in the
// module, so that renaming or deleting a test cannot leave a claim pointing
// at nothing.
func TestDocsNameRealTests(t *testing.T) {
	declared := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range declaredTest.FindAllSubmatch(b, -1) {
			declared[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, pattern := range docFiles {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range namedTest.FindAllString(string(b), -1) {
				named++
				if !declared[name] {
					t.Errorf("%s names %s: got no such test in the module, want one", f, name)
				}
			}
		}
	}
	if named < 20 { // the documents name 34 today; far fewer means the globs broke
		t.Errorf("got %d test names in %v, want at least 20", named, docFiles)
	}
}

// TestReadmePythonVersions: the versions of the Python tools the README
// names are the ones scripts/requirements.in pins.
func TestReadmePythonVersions(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	in, err := os.ReadFile(filepath.Join("scripts", "requirements.in"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{ // requirements.in's name -> the README's
		"aws-sam-cli": "SAM CLI", "aws-sam-translator": "aws-sam-translator", "cfn-lint": "cfn-lint",
		"moto[server]": "moto", "boto3": "boto3",
	}
	pin := regexp.MustCompile(`(?m)^([a-zA-Z0-9_.\[\]-]+)==(\S+)$`)
	found := 0
	for _, m := range pin.FindAllStringSubmatch(string(in), -1) {
		name, ok := names[m[1]]
		if !ok {
			continue
		}
		found++
		if !strings.Contains(readme, name+" "+m[2]) {
			t.Errorf("README.md does not say %s %s, which scripts/requirements.in pins", name, m[2])
		}
	}
	if found != len(names) {
		t.Errorf("found %d of the %d tools in scripts/requirements.in", found, len(names))
	}
}
