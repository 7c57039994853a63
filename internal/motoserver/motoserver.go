package motoserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/internal/venv"
)

// ErrMissing is returned, wrapped, by Start when the project's virtual
// environment, or moto's server in it, is not installed.
var ErrMissing = errors.New("moto is not available: " + venv.Install)

// Mode is how the server takes requests.
type Mode int

const (
	// Threaded is moto's server as its users run it, `python -m
	// moto.server`: werkzeug's threaded server, one thread per connection.
	Threaded Mode = iota
	// Serial serves one request at a time (see serialScript).
	Serial
)

// serialScript runs moto's server application with one request at a time.
// DynamoDB evaluates each conditional write atomically; moto's threaded
// server does not (50 concurrent conditional updates let 7 through a limit
// of 5), so tests of concurrent conditional writes would be testing moto's
// races rather than phonepass. Served one at a time, moto gives the
// per-request atomicity DynamoDB promises, while a client that reads,
// decides and then writes still races.
const serialScript = `import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)
`

// startTimeout bounds the wait for a new server's first answer.
const startTimeout = 30 * time.Second

// Server is moto's server running as a child process on a loopback port.
type Server struct {
	// URL is where it answers, such as "http://127.0.0.1:40123".
	URL string
	// Version is moto's, such as "5.2.1".
	Version string

	cmd    *exec.Cmd
	cancel context.CancelFunc
}

// Start starts moto's server in mode on a free loopback port, its request
// log (stderr) read and dropped, and waits until it answers; ctx bounds the
// wait, not the server, which runs until Close.
func Start(ctx context.Context, mode Mode) (*Server, error) {
	py, err := venv.Bin("python")
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrMissing, err)
	}
	version, err := exec.CommandContext(ctx, py, "-c", "import moto, moto.server, moto.moto_server.werkzeug_app; print(moto.__version__)").Output()
	if err != nil {
		return nil, fmt.Errorf("%w (import moto.server: %v)", ErrMissing, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	args := []string{"-m", "moto.server", "-H", "127.0.0.1", "-p", port}
	if mode == Serial {
		args = []string{"-c", serialScript, "127.0.0.1", port}
	}
	cctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(cctx, py, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start moto: %w", err)
	}
	go func() { // drain the request log so that moto never blocks on it
		s := bufio.NewScanner(stderr)
		for s.Scan() {
		}
	}()
	s := &Server{URL: "http://127.0.0.1:" + port, Version: strings.TrimSpace(string(version)), cmd: cmd, cancel: cancel}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := http.Get(s.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Close()
			return nil, fmt.Errorf("moto did not answer on %s within %s: %v", s.URL, startTimeout, errors.Join(err, ctx.Err()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// CPU returns the user and system CPU time of the server's process so far,
// all its threads, from /proc/<pid>/stat (in clock ticks of 1/100 s,
// Linux's USER_HZ); 0 where there is no /proc.
func (s *Server) CPU() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses: state is
	// the first of them, utime the 12th and stime the 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// Close stops the server.
func (s *Server) Close() {
	s.cancel()
	_ = s.cmd.Wait()
}
