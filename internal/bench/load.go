package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/phonepass/phonepass/internal/localpool"
	"github.com/phonepass/phonepass/triggers"
)

// LoadOptions bounds a load run against the local pool.
type LoadOptions struct {
	// Clients is the number of concurrent clients, each signing in one
	// user at a time.
	Clients int
	// Users is the number of phone numbers signed up before the run, 1 to
	// MaxUsers and at least Clients; each client owns Users/Clients of them
	// and signs them in in turn.
	Users int
	// Duration bounds the measured phase in time.
	Duration time.Duration
	// MaxSignIns bounds the measured phase in count.
	MaxSignIns int
	// Warmup is the number of sign-ins before the measured phase, not counted.
	Warmup int
	// Env reads the PHONEPASS_* variables, as the local pool does; nil
	// means none (the defaults).
	Env func(string) (string, bool)
}

// MaxUsers is the largest LoadOptions.Users: the phone numbers are
// +447700900000 to +447700900999, a range kept for drama.
const MaxUsers = 1000

// LoadResult is what a load run measured.
type LoadResult struct {
	// SignIns is the number of complete sign-ins in the measured phase.
	SignIns int
	// Elapsed is the wall time of the measured phase.
	Elapsed time.Duration
	// PerSecond is SignIns / Elapsed.
	PerSecond float64
	// Latency summarizes each sign-in, from InitiateAuth sent to tokens read.
	Latency Summary
	// CPUPerSignIn is the CPU time (user and system) of this whole process,
	// load generator included, per sign-in in the measured phase.
	CPUPerSignIn time.Duration
	// ServerCPUPerSignIn is the CPU time of the server's own process per
	// sign-in in the measured phase, for a server that runs in one (moto);
	// 0 for the local pool, whose CPU time is in CPUPerSignIn.
	ServerCPUPerSignIn time.Duration
	// Errors counts the sign-ins that failed in the measured phase.
	Errors int
	// FirstError is the error of the first sign-in that failed, or nil.
	FirstError error
}

// RunLoad starts the local pool in-process on a loopback port, wired as
// cmd/localpool wires it (configuration from Env, the phonepass triggers
// in-process, an Outbox, the in-memory send limiter, an in-memory store),
// signs up opts.Users users and then runs complete sign-ins over HTTP with
// opts.Clients concurrent clients: InitiateAuth with CUSTOM_AUTH, the code
// read from the outbox, RespondToAuthChallenge, tokens. It stops at
// opts.Duration or opts.MaxSignIns, whichever comes first, or when ctx ends.
func RunLoad(ctx context.Context, opts LoadOptions) (LoadResult, error) {
	if err := opts.check(); err != nil {
		return LoadResult{}, err
	}
	pool, err := localpool.Start(localpool.StartOptions{Env: opts.Env, InMemory: true, LogOutput: io.Discard})
	if err != nil {
		return LoadResult{}, err
	}
	defer pool.Close()
	cfg := pool.Config
	if per := cfg.Limits.Sends.PerPhone.Limit; per > 0 && opts.Users*per < opts.MaxSignIns+opts.Warmup {
		return LoadResult{}, fmt.Errorf("%d users at %d codes each per window cannot make %d sign-ins: raise PHONEPASS_RATE_LIMIT_PER_PHONE or the users",
			opts.Users, per, opts.MaxSignIns+opts.Warmup)
	}

	c := newClient(pool.URL, localpool.DefaultClientID, opts.Clients)
	c.outbox = pool.Outbox
	c.code = regexp.MustCompile(`\b[0-9]{` + strconv.Itoa(cfg.Triggers.CodeDigits) + `}\b`)
	defer c.http.CloseIdleConnections()

	return setUpAndMeasure(ctx, opts, nil, c.signUp, c.signIn)
}

// setUpAndMeasure sets up each of the opts.Users users with setUp, the
// clients in parallel, each its own users (ownUsers), then measures signIn
// over them (measure, with serverCPU).
func setUpAndMeasure(ctx context.Context, opts LoadOptions, serverCPU func() time.Duration, setUp func(context.Context, *user) error, signIn func(context.Context, *user) (time.Duration, error)) (LoadResult, error) {
	owned := ownUsers(opts)
	if err := parallel(opts.Clients, func(k int) error {
		for _, u := range owned[k] {
			if err := setUp(ctx, u); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return LoadResult{}, fmt.Errorf("set up users: %w", err)
	}
	return measure(ctx, opts, serverCPU, func(ctx context.Context, k, i int) (time.Duration, error) {
		return signIn(ctx, owned[k][i%len(owned[k])])
	})
}

// ownUsers makes the opts.Users users of a load run, +447700900000 on, and
// deals them out: client k owns users k, k+Clients, k+2*Clients and so on.
func ownUsers(opts LoadOptions) [][]*user {
	owned := make([][]*user, opts.Clients)
	for i := range opts.Users {
		owned[i%opts.Clients] = append(owned[i%opts.Clients], &user{phone: fmt.Sprintf("+447700900%03d", i)})
	}
	return owned
}

// measure runs opts.Warmup sign-ins not counted, then sign-ins until
// opts.Duration or opts.MaxSignIns, with opts.Clients concurrent clients.
// signIn(ctx, k, i) is client k's i-th sign-in; it returns how long it took.
// serverCPU, if not nil, reads the CPU time of the server's process.
func measure(ctx context.Context, opts LoadOptions, serverCPU func() time.Duration, signIn func(ctx context.Context, k, i int) (time.Duration, error)) (LoadResult, error) {
	if serverCPU == nil {
		serverCPU = func() time.Duration { return 0 }
	}
	// Warm up: connections, code paths, the store.
	var warm atomic.Int64
	if err := parallel(opts.Clients, func(k int) error {
		for i := 0; warm.Add(1) <= int64(opts.Warmup); i++ {
			if _, err := signIn(ctx, k, i); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return LoadResult{}, fmt.Errorf("warm up: %w", err)
	}

	var (
		started   atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, opts.MaxSignIns)
		nerr      int
		firstErr  error
	)
	rctx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	cpu0, server0 := processCPU(), serverCPU()
	t0 := time.Now()
	_ = parallel(opts.Clients, func(k int) error {
		for i := 0; rctx.Err() == nil && started.Add(1) <= int64(opts.MaxSignIns); i++ {
			d, err := signIn(rctx, k, i)
			if err != nil && rctx.Err() != nil {
				return nil // cut off by the time bound: not counted
			}
			mu.Lock()
			if err != nil {
				nerr++
				if firstErr == nil {
					firstErr = err
				}
			} else {
				latencies = append(latencies, d)
			}
			mu.Unlock()
		}
		return nil
	})
	elapsed := time.Since(t0)
	cpu, server := processCPU()-cpu0, serverCPU()-server0
	r := LoadResult{
		SignIns:    len(latencies),
		Elapsed:    elapsed,
		PerSecond:  float64(len(latencies)) / elapsed.Seconds(),
		Latency:    Summarize(latencies),
		Errors:     nerr,
		FirstError: firstErr,
	}
	if r.SignIns > 0 {
		r.CPUPerSignIn = cpu / time.Duration(r.SignIns)
		r.ServerCPUPerSignIn = server / time.Duration(r.SignIns)
	}
	return r, nil
}

func (o LoadOptions) check() error {
	switch {
	case o.Clients < 1 || o.Clients > 256:
		return fmt.Errorf("clients %d is not in 1..256", o.Clients)
	case o.Users < o.Clients || o.Users > MaxUsers:
		return fmt.Errorf("users %d is not in %d..%d (at least one per client)", o.Users, o.Clients, MaxUsers)
	case o.Duration <= 0 || o.Duration > 10*time.Minute:
		return fmt.Errorf("duration %s is not in (0, 10m]", o.Duration)
	case o.MaxSignIns < 1 || o.MaxSignIns > 1_000_000:
		return fmt.Errorf("max sign-ins %d is not in 1..1000000", o.MaxSignIns)
	case o.Warmup < 0 || o.Warmup > 100_000:
		return fmt.Errorf("warm-up %d is not in 0..100000", o.Warmup)
	}
	return nil
}

// parallel runs fn(0) to fn(n-1) at once and returns the first error.
func parallel(n int, fn func(k int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = fn(k)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// processCPU returns the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// user is one phone number of the load; one client at a time uses it.
type user struct {
	phone  string
	lastID int // ID of the last outbox message read for it
}

// password is the user's password: thrown away by the local pool, which
// signs in by code; moto's users sign in with it.
func (u *user) password() string { return "Aa1!throw-away-" + u.phone[1:] }

// client speaks Cognito's JSON protocol to a user pool, as the AWS SDKs
// do: the local pool, or moto's.
type client struct {
	base     string
	clientID string // the app client
	http     *http.Client
	outbox   *localpool.Outbox // the local pool's, for codes
	code     *regexp.Regexp    // a code in an SMS
}

// newClient returns a client of the pool at base and its app client
// clientID, keeping a connection open for each of n concurrent callers.
func newClient(base, clientID string, n int) *client {
	return &client{base: base, clientID: clientID, http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: n * 2, MaxIdleConnsPerHost: n * 2, DisableCompression: true,
	}}}
}

// call posts one Cognito action and decodes its answer into out.
func (c *client) call(ctx context.Context, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", action, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d: %s", action, resp.StatusCode, tail(string(b), 300))
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: decode answer: %w", action, err)
	}
	return nil
}

func (c *client) signUp(ctx context.Context, u *user) error {
	var out struct{ UserConfirmed bool }
	err := c.call(ctx, "SignUp", map[string]any{
		"ClientId": c.clientID, "Username": u.phone, "Password": u.password(),
	}, &out)
	if err != nil {
		return err
	}
	if !out.UserConfirmed {
		return fmt.Errorf("sign up %s: got an unconfirmed user, want PreSignUp to confirm it", u.phone)
	}
	return nil
}

type authAnswer struct {
	ChallengeName        string
	Session              string
	AuthenticationResult *struct{ IdToken, AccessToken, RefreshToken string }
}

// signIn runs one complete sign-in of u and returns how long it took.
func (c *client) signIn(ctx context.Context, u *user) (time.Duration, error) {
	t0 := time.Now()
	var a authAnswer
	if err := c.call(ctx, "InitiateAuth", map[string]any{
		"AuthFlow": "CUSTOM_AUTH", "ClientId": c.clientID,
		"AuthParameters": map[string]string{"USERNAME": u.phone},
	}, &a); err != nil {
		return 0, err
	}
	if a.ChallengeName != triggers.ChallengeName || a.Session == "" {
		return 0, fmt.Errorf("InitiateAuth: got challenge %q, want %s with a session", a.ChallengeName, triggers.ChallengeName)
	}
	m, ok := c.outbox.Last(u.phone)
	id, _ := strconv.Atoi(m.ID)
	if !ok || id <= u.lastID {
		return 0, fmt.Errorf("outbox: no new message for %s", u.phone)
	}
	u.lastID = id
	code := c.code.FindString(m.Message)
	if code == "" {
		return 0, fmt.Errorf("outbox: no code in the message to %s", u.phone)
	}
	var t authAnswer
	if err := c.call(ctx, "RespondToAuthChallenge", map[string]any{
		"ChallengeName": triggers.ChallengeName, "ClientId": c.clientID, "Session": a.Session,
		"ChallengeResponses": map[string]string{"USERNAME": u.phone, "ANSWER": code},
	}, &t); err != nil {
		return 0, err
	}
	if t.AuthenticationResult == nil || t.AuthenticationResult.IdToken == "" || t.AuthenticationResult.AccessToken == "" {
		return 0, fmt.Errorf("RespondToAuthChallenge: got challenge %q and no tokens, want tokens", t.ChallengeName)
	}
	return time.Since(t0), nil
}
