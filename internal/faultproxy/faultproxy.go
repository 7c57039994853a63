package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// relistenTimeout bounds how long Set tries to listen on the proxy's port
// again after a Refuse fault, should the port be momentarily busy.
const relistenTimeout = 2 * time.Second

// Proxy is a fault-injecting reverse proxy listening on a loopback port. It
// is safe for concurrent use.
type Proxy struct {
	upstream  *url.URL
	addr      string // host:port it listens on, kept across Refuse faults
	srv       *http.Server
	transport *http.Transport
	cancel    context.CancelFunc // ends every request's context

	lmu     sync.Mutex   // serializes Set's and Close's work on the listener
	l       net.Listener // nil while refusing and after Close
	done    bool         // Close has been called; guarded by lmu
	serving sync.WaitGroup

	mu       sync.Mutex
	closed   bool // no new handlers count; guarded by mu
	handlers sync.WaitGroup
	faults   []Fault // without Refuse faults
	counts   []int   // matching requests per fault since Set
	latency  time.Duration
	calls    []*Call
	conns    map[net.Conn]struct{} // the server's connections, not hijacked ones
}

// Call records one request the proxy saw.
type Call struct {
	Request
	// Fault is the String of the fault applied to the request, "" if none
	// was.
	Fault string
	// Status is the HTTP status of the answer, the upstream's (even when a
	// ResetAfter fault kept it from the client) or the injected one; 502
	// when the upstream could not be reached; 0 when there was none.
	Status int
	// Start is when the request arrived.
	Start time.Time
	// Waited is how long the proxy held the request for its Latency before
	// it applied the fault or forwarded it; 0 with no latency set.
	Waited time.Duration
	// Duration is how long the proxy took before it answered, reset or
	// dropped the connection; 0 until then. Status and Duration are
	// recorded before the client can see the outcome.
	Duration time.Duration
}

// Start listens on a free port of 127.0.0.1 and forwards every request to
// upstream, a base URL such as http://127.0.0.1:5000, until Close.
func Start(upstream string) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil {
		return nil, fmt.Errorf("parse upstream: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("upstream %q: want a base URL such as http://127.0.0.1:5000", upstream)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		upstream: &url.URL{Scheme: u.Scheme, Host: u.Host},
		addr:     l.Addr().String(),
		transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			DisableCompression:  true, // hand the client the upstream's bytes
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
		},
		cancel: cancel,
		l:      l,
		conns:  make(map[net.Conn]struct{}),
	}
	p.srv = &http.Server{
		Handler:     http.HandlerFunc(p.serve),
		BaseContext: func(net.Listener) context.Context { return ctx },
		ConnState:   p.track,
	}
	p.startServing(l)
	return p, nil
}

// URL returns the proxy's base URL, such as http://127.0.0.1:40123. It
// stays the same across Refuse faults.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Set replaces the current faults with faults (none: forward everything)
// and starts counting matching requests for Nth afresh. It returns an
// error, and changes nothing, if a fault is invalid (see Fault). A Refuse
// fault among them closes the listening socket and the open connections;
// faults without one open it again on the same port, and Set returns an
// error if it cannot.
func (p *Proxy) Set(faults ...Fault) error {
	refuse := false
	var kept []Fault
	for i, f := range faults {
		if err := f.validate(); err != nil {
			return fmt.Errorf("fault %d: %w", i+1, err)
		}
		if f.Refuse {
			refuse = true
		} else {
			kept = append(kept, f)
		}
	}
	p.lmu.Lock()
	defer p.lmu.Unlock()
	if refuse && p.l != nil {
		p.l.Close()
		p.l = nil
		p.closeConns()
	}
	p.mu.Lock()
	p.faults = kept
	p.counts = make([]int, len(kept))
	p.mu.Unlock()
	if !refuse && p.l == nil && !p.done {
		l, err := relisten(p.addr)
		if err != nil {
			return fmt.Errorf("listen again: %w", err)
		}
		p.l = l
		p.startServing(l)
	}
	return nil
}

// Latency delays every request by d (0: none) before its fault, if any,
// applies. It is kept apart from Set's faults, so that a test can combine
// latency with a fault.
func (p *Proxy) Latency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = max(d, 0)
}

// Calls returns the requests the proxy has seen since it started or since
// ResetCalls, in the order they arrived.
func (p *Proxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	calls := make([]Call, len(p.calls))
	for i, c := range p.calls {
		calls[i] = *c
	}
	return calls
}

// ResetCalls forgets the requests seen so far.
func (p *Proxy) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
}

// Close stops listening, closes every connection, stalled ones included,
// and returns once every request's handling has ended. Calling it again
// does nothing.
func (p *Proxy) Close() error {
	p.lmu.Lock()
	if p.done {
		p.lmu.Unlock()
		return nil
	}
	p.done = true
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.srv.Close() // the listener, if open, and the server's connections
	p.l = nil
	p.lmu.Unlock()
	p.cancel()
	p.closeConns()
	p.handlers.Wait()
	p.serving.Wait()
	p.transport.CloseIdleConnections()
	if err != nil && !errors.Is(err, net.ErrClosed) { // a Refuse fault may have closed it
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// startServing serves l until it is closed.
func (p *Proxy) startServing(l net.Listener) {
	p.serving.Add(1)
	go func() {
		defer p.serving.Done()
		_ = p.srv.Serve(l)
	}()
}

// relisten listens on addr, trying again for a while if the port is busy.
func relisten(addr string) (net.Listener, error) {
	deadline := time.Now().Add(relistenTimeout)
	for {
		l, err := net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			return l, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// track keeps the set of the server's connections for closeConns.
func (p *Proxy) track(c net.Conn, s http.ConnState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch s {
	case http.StateNew:
		p.conns[c] = struct{}{}
	case http.StateHijacked, http.StateClosed:
		delete(p.conns, c)
	}
}

// closeConns closes the server's connections, idle and active.
func (p *Proxy) closeConns() {
	p.mu.Lock()
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// serve handles one request: it records it, picks its fault and applies it.
func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		drop(w)
		return
	}
	p.handlers.Add(1)
	p.mu.Unlock()
	defer p.handlers.Done()

	body, err := io.ReadAll(r.Body)
	if err != nil {
		drop(w)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call := &Call{Request: parseRequest(r, body), Start: start}
	p.mu.Lock()
	p.calls = append(p.calls, call)
	f, ok := p.pick(call.Request)
	if ok {
		call.Fault = f.String()
	}
	latency := p.latency
	p.mu.Unlock()

	// done records the outcome just before the client can see it.
	done := func(status int) {
		p.mu.Lock()
		defer p.mu.Unlock()
		call.Status = status
		call.Duration = time.Since(start)
	}
	waitStart := time.Now()
	if !sleep(r.Context(), latency) {
		done(0)
		drop(w)
		return
	}
	if latency > 0 {
		p.mu.Lock()
		call.Waited = time.Since(waitStart)
		p.mu.Unlock()
	}
	p.apply(w, r, body, call.Request, f, ok, done)
}

// pick counts req against every fault it matches and returns the first of
// them that applies to it. p.mu must be held.
func (p *Proxy) pick(req Request) (Fault, bool) {
	var chosen Fault
	found := false
	for i, f := range p.faults {
		if !f.matches(req) {
			continue
		}
		p.counts[i]++
		if !found && (f.Nth == 0 || f.Nth == p.counts[i]) {
			chosen, found = f, true
		}
	}
	return chosen, found
}

// apply applies f (if ok) or forwards the request, calling done with the
// status answered (see Call.Status) just before the client can see the
// outcome.
func (p *Proxy) apply(w http.ResponseWriter, r *http.Request, body []byte, req Request, f Fault, ok bool, done func(int)) {
	ctx := r.Context()
	switch {
	case !ok:
		p.forward(w, r, body, false, done)
	case f.Delay > 0:
		if !sleep(ctx, f.Delay) {
			done(0)
			drop(w)
			return
		}
		p.forward(w, r, body, false, done)
	case f.Stall:
		<-ctx.Done() // the client hung up, or Close
		done(0)
		drop(w)
	case f.Status != 0:
		done(f.Status)
		writeError(w, r, req, f.Status, f.Code)
	case f.ResetBefore:
		done(0)
		reset(w)
	default: // f.ResetAfter
		p.forward(w, r, body, true, done)
	}
}

// sleep waits d and reports whether ctx was still live by then.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// hopHeaders are the hop-by-hop headers (RFC 9110, section 7.6.1), which a
// proxy does not pass on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// removeHopHeaders deletes h's hop-by-hop headers, those its Connection
// header names included.
func removeHopHeaders(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range bytes.Split([]byte(v), []byte(",")) {
			if n := string(bytes.TrimSpace(name)); n != "" {
				h.Del(n)
			}
		}
	}
	for _, n := range hopHeaders {
		h.Del(n)
	}
}

// forward sends the request to the upstream and, unless resetAfter, hands
// its answer to the client; with resetAfter it resets the connection once
// the whole answer is in. It calls done with the upstream's status.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte, resetAfter bool, done func(int)) {
	ctx := r.Context()
	out := r.Clone(ctx)
	out.RequestURI = ""
	out.URL.Scheme = p.upstream.Scheme
	out.URL.Host = p.upstream.Host
	out.Host = r.Host // as the client signed it
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))
	out.TransferEncoding = nil
	out.Close = false
	removeHopHeaders(out.Header)
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		if ctx.Err() != nil {
			done(0)
			drop(w)
			return
		}
		done(http.StatusBadGateway)
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	done(resp.StatusCode)
	if err != nil {
		drop(w) // the client sees a cut answer as a broken connection
		return
	}
	if resetAfter {
		reset(w)
		return
	}
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	removeHopHeaders(h)
	if r.Method != http.MethodHead && resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(answer)))
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	c, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c.Close()
}

// reset resets the client's connection: closed with SO_LINGER 0, it sends
// a TCP RST rather than a FIN.
func reset(w http.ResponseWriter) {
	c, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// hijack takes the client's connection over from the server.
func hijack(w http.ResponseWriter) (net.Conn, bool) {
	c, _, err := http.NewResponseController(w).Hijack()
	return c, err == nil
}
