package bench

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
)

// ErrNoMoto is returned, wrapped, by StartMoto when python3 or moto's
// server is not installed.
var ErrNoMoto = errors.New("moto is not available: install Python 3 and `pip install 'moto[server]'`")

// Moto is moto's server running as a child process on a loopback port.
type Moto struct {
	// URL is where it answers, such as "http://127.0.0.1:40123".
	URL string
	// Version is moto's, such as "5.2.1".
	Version string

	cmd    *exec.Cmd
	cancel context.CancelFunc
}

// StartMoto starts moto's server as its users run it, `python3 -m
// moto.server` (werkzeug's threaded server, one thread per connection,
// request log on stderr, read and dropped here), on a free loopback port and
// waits until it answers.
func StartMoto(ctx context.Context) (*Moto, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoMoto, err)
	}
	version, err := exec.CommandContext(ctx, py, "-c", "import moto, moto.server; print(moto.__version__)").Output()
	if err != nil {
		return nil, fmt.Errorf("%w (import moto.server: %v)", ErrNoMoto, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(cctx, py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
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
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Version: strings.TrimSpace(string(version)), cmd: cmd, cancel: cancel}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(m.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			m.Close()
			return nil, fmt.Errorf("moto did not answer on %s within 30 s: %v", m.URL, errors.Join(err, ctx.Err()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// CPU returns the user and system CPU time of moto's process so far, all
// its threads, from /proc/<pid>/stat (in clock ticks of 1/100 s, Linux's
// USER_HZ); 0 where there is no /proc.
func (m *Moto) CPU() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", m.cmd.Process.Pid))
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
func (m *Moto) Close() {
	m.cancel()
	_ = m.cmd.Wait()
}

// RunMotoLoad measures moto's Cognito as RunLoad measures the local pool,
// with the same client code, options and bounds (opts.Env aside): it starts
// moto (StartMoto), makes a user pool and an app client that allows
// USER_PASSWORD_AUTH, creates opts.Users users with a permanent password
// (AdminCreateUser, then AdminSetUserPassword), and then opts.Clients
// concurrent clients sign them in, each sign-in one InitiateAuth
// USER_PASSWORD_AUTH that answers with tokens. moto does not check
// signatures, so the set-up calls go unsigned like the rest.
func RunMotoLoad(ctx context.Context, opts LoadOptions) (MotoResult, error) {
	if err := opts.check(); err != nil {
		return MotoResult{}, err
	}
	m, err := StartMoto(ctx)
	if err != nil {
		return MotoResult{}, err
	}
	defer m.Close()
	r, err := runMoto(ctx, m, opts)
	return MotoResult{LoadResult: r, Version: m.Version}, err
}

// MotoResult is what RunMotoLoad measured, and of which moto.
type MotoResult struct {
	LoadResult
	// Version is moto's.
	Version string
}

// runMoto sets up and measures the moto server m for RunMotoLoad.
func runMoto(ctx context.Context, m *Moto, opts LoadOptions) (LoadResult, error) {
	c := newClient(m.URL, "", opts.Clients)
	defer c.http.CloseIdleConnections()

	var pool struct{ UserPool struct{ Id string } }
	if err := c.call(ctx, "CreateUserPool", map[string]any{"PoolName": "phonepass-bench"}, &pool); err != nil {
		return LoadResult{}, err
	}
	poolID := pool.UserPool.Id
	var app struct{ UserPoolClient struct{ ClientId string } }
	if err := c.call(ctx, "CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "phonepass-bench",
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	}, &app); err != nil {
		return LoadResult{}, err
	}
	c.clientID = app.UserPoolClient.ClientId
	if poolID == "" || c.clientID == "" {
		return LoadResult{}, fmt.Errorf("moto: got pool %q and app client %q, want both", poolID, c.clientID)
	}

	return setUpAndMeasure(ctx, opts, m.CPU, func(ctx context.Context, u *user) error {
		var out struct{}
		if err := c.call(ctx, "AdminCreateUser", map[string]any{
			"UserPoolId": poolID, "Username": u.phone, "MessageAction": "SUPPRESS",
			"UserAttributes": []map[string]string{{"Name": "phone_number", "Value": u.phone}},
		}, &out); err != nil {
			return err
		}
		return c.call(ctx, "AdminSetUserPassword", map[string]any{
			"UserPoolId": poolID, "Username": u.phone, "Password": u.password(), "Permanent": true,
		}, &out)
	}, c.passwordSignIn)
}

// passwordSignIn runs one USER_PASSWORD_AUTH sign-in of u and returns how
// long it took.
func (c *client) passwordSignIn(ctx context.Context, u *user) (time.Duration, error) {
	t0 := time.Now()
	var a authAnswer
	if err := c.call(ctx, "InitiateAuth", map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": c.clientID,
		"AuthParameters": map[string]string{"USERNAME": u.phone, "PASSWORD": u.password()},
	}, &a); err != nil {
		return 0, err
	}
	if a.AuthenticationResult == nil || a.AuthenticationResult.IdToken == "" || a.AuthenticationResult.AccessToken == "" {
		return 0, fmt.Errorf("InitiateAuth USER_PASSWORD_AUTH: got challenge %q and no tokens, want tokens", a.ChallengeName)
	}
	return time.Since(t0), nil
}
