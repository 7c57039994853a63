package deploy

// The SAM CLI as a user runs it, from the project's virtual environment:
// each command in a copy of the repository, with a home directory of its
// own (its settings say that the weekly version check is done and
// telemetry is off), no AWS credentials, and an HTTP(S) proxy that refuses
// and records every request: the SAM CLI must call out to nothing (no
// telemetry, no version check on PyPI, no registry), and a test that it
// made one fails.

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

// functionDir is where `sam build` puts the function's artifacts.
const functionDir = ".aws-sam/build/" + functionID

// samCLI runs the SAM CLI of the virtual environment.
type samCLI struct {
	bin   string
	env   []string
	mu    sync.Mutex
	calls []string // requests the proxy refused
}

// newSAM returns a samCLI whose proxy lives as long as t; at t's end it
// fails t if the SAM CLI called out.
func newSAM(t *testing.T) *samCLI {
	t.Helper()
	s := &samCLI{bin: testenv.VenvBin(t, "sam")}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.Host+r.URL.Path)
		s.mu.Unlock()
		http.Error(w, "phonepass tests: no calls out", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws-sam"), 0o755); err != nil {
		t.Fatal(err)
	}
	// lastVersionCheck must be a float, or the SAM CLI takes it for none.
	meta := fmt.Sprintf(`{"telemetryEnabled": false, "lastVersionCheck": %d.0}`, time.Now().Unix())
	if err := os.WriteFile(filepath.Join(home, ".aws-sam", "metadata.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8",
		"SAM_CLI_TELEMETRY=0",
		"HTTP_PROXY=" + proxy.URL, "HTTPS_PROXY=" + proxy.URL, "http_proxy=" + proxy.URL, "https_proxy=" + proxy.URL,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"AWS_DEFAULT_REGION=eu-west-2", "AWS_EC2_METADATA_DISABLED=true",
	}
	// The Makefile's go build uses this machine's module cache and build
	// cache, not new ones in the new home.
	for _, v := range []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOPROXY", "GOROOT", "GOTOOLCHAIN", "DOCKER_HOST"} {
		if val := goEnvOr(v); val != "" {
			s.env = append(s.env, v+"="+val)
		}
	}
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.calls) > 0 {
			t.Errorf("the SAM CLI called out (refused by the test's proxy): %q", s.calls)
		}
	})
	return s
}

// goEnvOr returns the variable from this process's environment or, for
// the go command's own, from `go env`.
func goEnvOr(name string) string {
	if v := os.Getenv(name); v != "" || !strings.HasPrefix(name, "GO") {
		return v
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// samRun is what one SAM CLI command did.
type samRun struct {
	stdout, stderr string
	err            error
}

// run runs `sam args...` in dir and waits at most timeout.
func (s *samCLI) run(dir string, timeout time.Duration, args ...string) samRun {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Dir, cmd.Env = dir, s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("sam %s: no end within %s: %w", strings.Join(args, " "), timeout, ctx.Err())
	}
	return samRun{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// start starts `sam args...` in dir in the background, its output kept in
// out, until t ends.
func (s *samCLI) start(t *testing.T, dir string, out io.Writer, args ...string) {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Dir, cmd.Env = dir, s.env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sam %s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() {
		// SIGINT, as Ctrl-C: the SAM CLI stops its containers.
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
}

// copyProject copies the repository's files (those git tracks and those it
// would, not what .gitignore leaves out, such as node_modules and .aws-sam)
// into a new directory and returns it, with edit applied to the file at
// each path given.
func copyProject(t *testing.T, edits map[string]func(string) string) string {
	t.Helper()
	git := testenv.LookPath(t, "git", "install git")
	out, err := exec.Command(git, "-C", "..", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join("..", name)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or a link
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if edit, ok := edits[name]; ok {
			edited := edit(string(b))
			if edited == string(b) {
				t.Fatalf("the edit of %s changed nothing", name)
			}
			b = []byte(edited)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	for name := range edits {
		if _, err := os.Stat(filepath.Join(dst, name)); err != nil {
			t.Fatalf("edit of %s, which is not in the project", name)
		}
	}
	return dst
}

// built is the copy of the project that `sam build` built once for all the
// tests that run what it built.
var built struct {
	once sync.Once
	dir  string
	run  samRun
	err  error
}

// builtProject returns a copy of the project in which `sam build` ran as a
// user runs it, building it at the first call.
func builtProject(t *testing.T) (string, samRun) {
	t.Helper()
	sam := newSAM(t)
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "phonepass-sam-build-")
		if built.err != nil {
			return
		}
		src := copyProject(t, nil)
		if built.err = os.CopyFS(built.dir, os.DirFS(src)); built.err != nil {
			return
		}
		built.run = sam.run(built.dir, 10*time.Minute, "build")
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	if built.run.err != nil {
		t.Fatalf("sam build: %v\n%s\n%s", built.run.err, built.run.stdout, built.run.stderr)
	}
	return built.dir, built.run
}

// checkBuilt checks what `sam build` left in dir: a static arm64 Linux
// executable bootstrap alone in the function's directory, and a built
// template whose function points there.
func checkBuilt(dir string) error {
	entries, err := os.ReadDir(filepath.Join(dir, functionDir))
	if err != nil {
		return fmt.Errorf("no %s: %w", functionDir, err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "bootstrap" {
		return fmt.Errorf("%s holds %q, want bootstrap alone", functionDir, names)
	}
	if err := checkStaticARM64(filepath.Join(dir, functionDir, "bootstrap")); err != nil {
		return err
	}
	return checkBuiltTemplate(filepath.Join(dir, ".aws-sam", "build", "template.yaml"))
}

// checkStaticARM64 checks that path is an executable ELF file for Linux on
// arm64 with no interpreter and no shared libraries: what provided.al2023
// runs as /var/task/bootstrap.
func checkStaticARM64(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable (%s)", path, fi.Mode())
	}
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s is not an ELF file: %w", path, err)
	}
	defer f.Close()
	switch {
	case f.Machine != elf.EM_AARCH64:
		return fmt.Errorf("%s is for %s, want arm64 (EM_AARCH64)", path, f.Machine)
	case f.Type != elf.ET_EXEC:
		return fmt.Errorf("%s is an ELF %s, want an executable", path, f.Type)
	case f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX:
		return fmt.Errorf("%s is for %s, want Linux", path, f.OSABI)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s asks for a dynamic loader: it is not static", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("%s needs shared libraries %q: it is not static", path, libs)
	}
	return nil
}

// checkBuiltTemplate checks the template `sam build` wrote: the function is
// the provided.al2023 arm64 one with its code in its build directory.
func checkBuiltTemplate(path string) error {
	py, err := venv.Bin("python")
	if err != nil {
		return err
	}
	out, err := exec.Command(py, "transform.py", "--load", path).Output()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fn, ok := doc.Resources[functionID]
	if !ok || fn.Type != "AWS::Serverless::Function" {
		return fmt.Errorf("%s has no AWS::Serverless::Function %s", path, functionID)
	}
	for key, want := range map[string]string{"CodeUri": functionID, "Runtime": "provided.al2023", "Handler": "bootstrap", "Architectures": "[arm64]"} {
		if got := fmt.Sprint(fn.Properties[key]); got != want {
			return fmt.Errorf("%s: %s.%s is %s, want %s", path, functionID, key, got, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(path), functionID, "bootstrap")); err != nil || fi.IsDir() {
		return fmt.Errorf("%s: CodeUri %s has no bootstrap beside the template", path, functionID)
	}
	return nil
}

// freePort returns a free loopback port as a string.
func freePort(t *testing.T) string { return strconv.Itoa(testenv.FreePort(t)) }
