// Start: the local pool wired in-process, as cmd/localpool runs it, the
// load run measures it and the tests drive it.

package localpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// StartOptions is what differs between the places that run the pool
// in-process. Only DataDir or InMemory is required: the rest has defaults,
// which make a silent pool on a free loopback port.
type StartOptions struct {
	// Addr is the host:port to listen on; "" means a free loopback port.
	// It must be a loopback address unless AllowRemote.
	Addr string
	// AllowRemote lets Addr be any address, such as 0.0.0.0 or a LAN
	// address: other machines then reach a pool that trusts its callers.
	AllowRemote bool
	// PublicURL is where clients reach the pool, as the banner, the Amplify
	// configuration and the token issuer say; "" means the address it
	// listens on, or for 0.0.0.0 and [::] the loopback address and port.
	PublicURL string
	// CustomAttributes are the custom attributes of the schema (Options).
	CustomAttributes []string
	// AdminCredentials, if not nil, is the key pair admin calls must be
	// signed with (Options).
	AdminCredentials *AdminCredentials
	// Env reads the PHONEPASS_* variables of the triggers (config.LoadLocal);
	// nil means none are set.
	Env func(string) (string, bool)
	// DataDir holds the database and the code key, unless InMemory.
	DataDir string
	// InMemory keeps nothing after Close.
	InMemory bool
	// PoolID and ClientID are the pool's; "" means DefaultPoolID and DefaultClientID.
	PoolID, ClientID string
	// SessionTTL is the time allowed to answer each challenge; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// WebDir, if not empty, is served for GET requests.
	WebDir string
	// LogOutput receives the console log lines of the pool and its
	// triggers, at the configured level; nil means none.
	LogOutput io.Writer
	// SMSOutput is where the outbox prints each SMS; nil prints nothing.
	SMSOutput io.Writer
	// Now is the clock of the pool, its triggers and its outbox; nil means time.Now.
	Now func() time.Time
	// Invoker, if not nil, chooses the Invoker of the triggers given the
	// in-process one (the phonepass triggers with the in-memory send
	// limiter): it may wrap it, or leave it for a Lambda endpoint.
	Invoker func(inProcess Invoker) (Invoker, error)
	// BeforeServe, if not nil, runs once the pool listens and before it
	// answers any request, such as to print the banner; an error stops Start.
	BeforeServe func(*Local) error
}

// Local is a pool started by Start: serving over HTTP until Shutdown.
type Local struct {
	// URL is where clients reach the pool, such as "http://127.0.0.1:9229".
	URL string
	// Server is the pool.
	Server *Server
	// Outbox keeps the SMS the triggers sent.
	Outbox *Outbox
	// Config is the configuration read from StartOptions.Env.
	Config config.Config

	hs   *http.Server
	errc chan error
}

// Start wires the pool as cmd/localpool runs it (the code key of the data
// directory, the triggers configured from the environment with the
// in-memory send limiter, an Outbox) and serves it on opts.Addr until
// Shutdown or Close.
func Start(opts StartOptions) (*Local, error) {
	if !opts.InMemory && opts.DataDir == "" {
		return nil, errors.New("data dir is required unless in memory")
	}
	lookup := opts.Env
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	codeKey, err := CodeKey(opts.DataDir, opts.InMemory)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadLocal(lookup, codeKey)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	log := zap.NewNop()
	if opts.LogOutput != nil {
		log = consoleLogger(opts.LogOutput, cfg.LogLevel)
	}
	outbox, err := NewOutbox(opts.SMSOutput, cfg.SMS.Messages, 0)
	if err != nil {
		return nil, err
	}
	trigOpts := []triggers.Option{}
	if opts.Now != nil {
		outbox.SetClock(opts.Now)
		trigOpts = append(trigOpts, triggers.WithClock(opts.Now))
	}
	limiter, err := ratelimit.NewMemory(cfg.Limits)
	if err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	h, err := triggers.New(cfg.Triggers, outbox, log, append(trigOpts, triggers.WithLimiter(limiter))...)
	if err != nil {
		return nil, err
	}
	var invoker Invoker = h
	if opts.Invoker != nil {
		if invoker, err = opts.Invoker(h); err != nil {
			return nil, err
		}
	}

	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkListenAddr(addr, opts.AllowRemote); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	url := opts.PublicURL
	if url == "" {
		url = reachableURL(ln.Addr().(*net.TCPAddr))
	}
	srv, err := New(Options{
		BaseURL:          strings.TrimSuffix(url, "/"),
		CustomAttributes: opts.CustomAttributes,
		AdminCredentials: opts.AdminCredentials,
		PoolID:           opts.PoolID,
		ClientID:         opts.ClientID,
		DataDir:          opts.DataDir,
		InMemory:         opts.InMemory,
		SessionTTL:       opts.SessionTTL,
		Invoker:          invoker,
		CodeKey:          codeKey,
		Outbox:           outbox,
		WebDir:           opts.WebDir,
		Now:              opts.Now,
		Log:              log,
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	l := &Local{
		URL: url, Server: srv, Outbox: outbox, Config: cfg,
		hs:   &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute},
		errc: make(chan error, 1),
	}
	if opts.BeforeServe != nil {
		if err := opts.BeforeServe(l); err != nil {
			ln.Close()
			srv.Close()
			return nil, err
		}
	}
	go func() {
		if err := l.hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			l.errc <- err
		}
	}()
	return l, nil
}

// checkListenAddr refuses an address other than loopback unless allowRemote.
func checkListenAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if allowRemote || isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("listen address %q is not a loopback address (127.0.0.1, [::1], localhost): other machines could call a pool that trusts its callers; allow remote clients explicitly (--allow-remote) to listen there", addr)
}

// reachableURL is the URL of a listener at a: its own address, or for an
// unspecified one (0.0.0.0, [::]) the loopback address of its family.
func reachableURL(a *net.TCPAddr) string {
	ip := a.IP
	switch {
	case ip.IsUnspecified() && ip.To4() != nil:
		ip = net.IPv4(127, 0, 0, 1)
	case ip.IsUnspecified():
		ip = net.IPv6loopback
	}
	return "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
}

// Err returns a channel that receives the error that stopped the pool
// serving, if it stops other than by Shutdown.
func (l *Local) Err() <-chan error { return l.errc }

// Shutdown stops serving, waiting within ctx for the requests in flight,
// and closes the Server.
func (l *Local) Shutdown(ctx context.Context) error {
	var err error
	if e := l.hs.Shutdown(ctx); e != nil {
		err = fmt.Errorf("shutdown: %w", e)
	}
	return errors.Join(err, l.Server.Close())
}

// Close stops serving at once, dropping the requests in flight, and closes
// the Server.
func (l *Local) Close() error {
	return errors.Join(l.hs.Close(), l.Server.Close())
}

// consoleLogger returns a logger of console lines for a terminal.
func consoleLogger(w io.Writer, level zapcore.Level) *zap.Logger {
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05")
	return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(zapcore.AddSync(w)), level))
}
