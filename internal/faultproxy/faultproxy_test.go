package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// upstream is an httptest server standing in for moto: it counts the
// requests it gets and answers 201 with headers and a body naming what it
// saw.
type upstream struct {
	*httptest.Server
	hits atomic.Int64
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Upstream", "yes")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s %s %s host=%s xff=%q", r.Method, r.URL.RequestURI(), body, r.Host, r.Header.Get("X-Forwarded-For"))
	}))
	t.Cleanup(u.Close)
	return u
}

func startProxy(t *testing.T, upstream string) *Proxy {
	t.Helper()
	p, err := Start(upstream)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func set(t *testing.T, p *Proxy, faults ...Fault) {
	t.Helper()
	if err := p.Set(faults...); err != nil {
		t.Fatalf("Set: %v", err)
	}
}

// publish posts an SNS Publish as the query protocol has it, unsigned.
func publish(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", strings.NewReader("Action=Publish&Version=2010-03-31"))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return c.Do(req)
}

// dynamo posts a DynamoDB operation as JSON 1.0 has it, unsigned.
func dynamo(ctx context.Context, c *http.Client, url, op string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", strings.NewReader("{}"))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	return c.Do(req)
}

// answer reads a response's status and body, or says what failed.
func answer(resp *http.Response, err error) (int, string, error) {
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableCompression: true}}
}

func TestStartRejectsUpstream(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:5000", "ftp://127.0.0.1:5000", "http://127.0.0.1:5000/base", "http://127.0.0.1:5000/?a=b", "http://[::1"} {
		if p, err := Start(u); err == nil {
			p.Close()
			t.Errorf("Start(%q): got nil error, want one", u)
		}
	}
}

func TestForwardsUnchanged(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL+"/")
	c := newClient()
	defer c.CloseIdleConnections()
	host := strings.TrimPrefix(p.URL(), "http://")
	for i := range 3 {
		reused := false
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		ctx := httptrace.WithClientTrace(context.Background(), trace)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.URL()+"/path?q=1", strings.NewReader("hello"))
		resp, err := c.Do(req)
		status, body, err := answer(resp, err)
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		if want := "POST /path?q=1 hello host=" + host + ` xff=""`; status != http.StatusCreated || body != want {
			t.Errorf("request %d: got %d %q, want %d %q", i+1, status, body, http.StatusCreated, want)
		}
		if got := resp.Header.Get("X-Upstream"); got != "yes" {
			t.Errorf("request %d: got X-Upstream %q, want %q", i+1, got, "yes")
		}
		if got := resp.Header.Values("X-Multi"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
			t.Errorf("request %d: got X-Multi %q, want [a b]", i+1, got)
		}
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("request %d: got Content-Length %d, want %d", i+1, resp.ContentLength, len(body))
		}
		if reused != (i > 0) {
			t.Errorf("request %d: got connection reused %v, want %v", i+1, reused, i > 0)
		}
	}
	calls := p.Calls()
	if len(calls) != 3 || calls[0].Status != http.StatusCreated || calls[0].Fault != "" || calls[0].Duration <= 0 {
		t.Errorf("got calls %+v, want 3 forwarded with status 201", calls)
	}
	p.ResetCalls()
	if got := p.Calls(); len(got) != 0 {
		t.Errorf("after ResetCalls: got %d calls, want 0", len(got))
	}
}

func TestUpstreamDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := startProxy(t, "http://"+addr)
	status, _, err := answer(publish(context.Background(), newClient(), p.URL()))
	if err != nil || status != http.StatusBadGateway {
		t.Errorf("got %d, %v, want %d, nil", status, err, http.StatusBadGateway)
	}
	if calls := p.Calls(); len(calls) != 1 || calls[0].Status != http.StatusBadGateway {
		t.Errorf("got calls %+v, want one with status 502", calls)
	}
}

func TestInjectedErrors(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	c := newClient()
	defer c.CloseIdleConnections()
	tests := []struct {
		name      string
		fault     Fault
		send      func() (*http.Response, error)
		wantType  string
		wantParts []string
	}{
		{
			name:      "sns 500",
			fault:     Fault{Service: "sns", Action: "Publish", Status: 500, Code: "InternalFailure"},
			send:      func() (*http.Response, error) { return publish(context.Background(), c, p.URL()) },
			wantType:  "text/xml",
			wantParts: []string{"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>", "</Message></Error><RequestId>"},
		},
		{
			name:      "sns 400",
			fault:     Fault{Status: 400, Code: "Throttling"},
			send:      func() (*http.Response, error) { return publish(context.Background(), c, p.URL()) },
			wantType:  "text/xml",
			wantParts: []string{"<Type>Sender</Type><Code>Throttling</Code>"},
		},
		{
			name:      "dynamodb 400",
			fault:     Fault{Service: "dynamodb", Status: 400, Code: "ThrottlingException"},
			send:      func() (*http.Response, error) { return dynamo(context.Background(), c, p.URL(), "UpdateItem") },
			wantType:  "application/x-amz-json-1.0",
			wantParts: []string{`{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set(t, p, tt.fault)
			resp, err := tt.send()
			status, body, err := answer(resp, err)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.fault.Status {
				t.Errorf("got status %d, want %d", status, tt.fault.Status)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("got Content-Type %q, want %q", got, tt.wantType)
			}
			if resp.Header.Get("X-Amzn-Requestid") == "" {
				t.Errorf("got no x-amzn-RequestId")
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(body, part) {
					t.Errorf("got body %q, want it to contain %q", body, part)
				}
			}
		})
	}
	if n := up.hits.Load(); n != 0 {
		t.Errorf("upstream got %d requests, want 0", n)
	}
}

func TestNth(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	c := newClient()
	defer c.CloseIdleConnections()
	set(t, p, Fault{Service: "sns", Action: "Publish", Nth: 2, Status: 503, Code: "ServiceUnavailable"})
	ctx := context.Background()
	sends := []struct {
		send       func() (*http.Response, error)
		wantStatus int
		want       Call
	}{
		{func() (*http.Response, error) { return publish(ctx, c, p.URL()) }, 201, Call{Request: Request{"sns", "Publish"}, Status: 201}},
		{func() (*http.Response, error) { return dynamo(ctx, c, p.URL(), "Publish") }, 201, Call{Request: Request{"dynamodb", "Publish"}, Status: 201}},
		{func() (*http.Response, error) { return publish(ctx, c, p.URL()) }, 503, Call{Request: Request{"sns", "Publish"}, Fault: "status 503 ServiceUnavailable", Status: 503}},
		{func() (*http.Response, error) { return publish(ctx, c, p.URL()) }, 201, Call{Request: Request{"sns", "Publish"}, Status: 201}},
	}
	for i, s := range sends {
		status, _, err := answer(s.send())
		if err != nil || status != s.wantStatus {
			t.Errorf("request %d: got %d, %v, want %d, nil", i+1, status, err, s.wantStatus)
		}
	}
	calls := p.Calls()
	if len(calls) != len(sends) {
		t.Fatalf("got %d calls, want %d", len(calls), len(sends))
	}
	for i, s := range sends {
		got := calls[i]
		got.Start, got.Duration = time.Time{}, 0
		if got != s.want {
			t.Errorf("call %d: got %+v, want %+v", i+1, got, s.want)
		}
	}
	// Set counts afresh.
	set(t, p, Fault{Action: "Publish", Nth: 1, Status: 500, Code: "InternalFailure"})
	if status, _, err := answer(publish(ctx, c, p.URL())); err != nil || status != 500 {
		t.Errorf("first request after Set: got %d, %v, want 500, nil", status, err)
	}
}

func TestDelayAndLatency(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	c := newClient()
	defer c.CloseIdleConnections()
	const d = 150 * time.Millisecond
	tests := []struct {
		name      string
		fault     []Fault
		latency   time.Duration
		wantFault string
		wantMin   time.Duration
	}{
		{name: "delay", fault: []Fault{{Action: "Publish", Delay: d}}, wantFault: "delay", wantMin: d},
		{name: "latency", latency: d, wantMin: d},
		{name: "latency and delay", fault: []Fault{{Delay: d}}, latency: d, wantFault: "delay", wantMin: 2 * d},
		{name: "none", wantMin: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set(t, p, tt.fault...)
			p.Latency(tt.latency)
			p.ResetCalls()
			start := time.Now()
			status, _, err := answer(publish(context.Background(), c, p.URL()))
			took := time.Since(start)
			if err != nil || status != http.StatusCreated {
				t.Fatalf("got %d, %v, want 201, nil", status, err)
			}
			if took < tt.wantMin || took > tt.wantMin+time.Second {
				t.Errorf("took %s, want at least %s", took, tt.wantMin)
			}
			calls := p.Calls()
			if len(calls) != 1 || calls[0].Fault != tt.wantFault || calls[0].Duration < tt.wantMin {
				t.Fatalf("got calls %+v, want one with fault %q lasting at least %s", calls, tt.wantFault, tt.wantMin)
			}
			// Waited is the latency's part only, never a delay fault's.
			if w := calls[0].Waited; w < tt.latency || (tt.latency == 0 && w != 0) || w > tt.latency+time.Second || w > calls[0].Duration {
				t.Errorf("got Waited %s of Duration %s, want the latency %s", w, calls[0].Duration, tt.latency)
			}
		})
	}
}

func TestResets(t *testing.T) {
	tests := []struct {
		fault      Fault
		wantHits   int64
		wantStatus int
	}{
		{Fault{ResetBefore: true}, 0, 0},
		{Fault{ResetAfter: true}, 1, http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			up := startUpstream(t)
			p := startProxy(t, up.URL)
			set(t, p, tt.fault)
			_, _, err := answer(publish(context.Background(), newClient(), p.URL()))
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("got %v, want connection reset by peer", err)
			}
			if n := up.hits.Load(); n != tt.wantHits {
				t.Errorf("upstream got %d requests, want %d", n, tt.wantHits)
			}
			if calls := p.Calls(); len(calls) != 1 || calls[0].Fault != tt.fault.String() || calls[0].Status != tt.wantStatus {
				t.Errorf("got calls %+v, want one with fault %q and status %d", calls, tt.fault, tt.wantStatus)
			}
		})
	}
}

// TestTransportResendsOnlyReplayable pins down what Go's http.Transport
// does when a kept-alive connection is reset under a request: it sends a
// GET again on a new connection by itself, not a POST.
func TestTransportResendsOnlyReplayable(t *testing.T) {
	tests := []struct {
		method    string
		wantErr   bool
		wantCalls int
	}{
		{http.MethodGet, false, 3},
		{http.MethodPost, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			up := startUpstream(t)
			p := startProxy(t, up.URL)
			c := newClient()
			defer c.CloseIdleConnections()
			do := func() error {
				var body io.Reader
				if tt.method == http.MethodPost {
					body = strings.NewReader("Action=Publish")
				}
				req, _ := http.NewRequest(tt.method, p.URL()+"/", body)
				_, _, err := answer(c.Do(req))
				return err
			}
			if err := do(); err != nil { // the connection the next request reuses
				t.Fatal(err)
			}
			set(t, p, Fault{Nth: 1, ResetBefore: true})
			err := do()
			if (err != nil) != tt.wantErr {
				t.Errorf("got %v, want error %v", err, tt.wantErr)
			}
			if n := len(p.Calls()); n != tt.wantCalls {
				t.Errorf("got %d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestStallUntilClientGivesUp(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	set(t, p, Fault{Action: "UpdateItem", Stall: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := answer(dynamo(ctx, newClient(), p.URL(), "UpdateItem"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context deadline exceeded", err)
	}
	// The proxy notices the hang-up a moment later.
	deadline := time.Now().Add(2 * time.Second)
	for {
		calls := p.Calls()
		if len(calls) == 1 && calls[0].Duration > 0 {
			if calls[0].Fault != "stall" || calls[0].Status != 0 || calls[0].Duration < 150*time.Millisecond {
				t.Errorf("got call %+v, want a stall of about 200ms", calls[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got calls %+v, want one that ended", calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := up.hits.Load(); n != 0 {
		t.Errorf("upstream got %d requests, want 0", n)
	}
}

func TestCloseEndsStalls(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	set(t, p, Fault{Stall: true})
	const n = 3
	errs := make(chan error, n)
	for range n {
		go func() {
			_, _, err := answer(publish(context.Background(), newClient(), p.URL()))
			errs <- err
		}()
	}
	for deadline := time.Now().Add(2 * time.Second); len(p.Calls()) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("got %d calls, want %d", len(p.Calls()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Close took %s, want under 1s", took)
	}
	for range n {
		if err := <-errs; err == nil {
			t.Errorf("stalled request: got nil error, want one")
		}
	}
	// net/http's connection goroutines end a moment after their
	// connections close: give them a second before calling one a leak.
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "faultproxy.(*Proxy)") {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("a second after Close: got goroutines of the proxy still running:\n%s", stacks)
			break
		}
	}
	for _, c := range p.Calls() {
		if c.Duration == 0 {
			t.Errorf("after Close: got call %+v still in flight", c)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	if _, _, err := answer(publish(context.Background(), newClient(), p.URL())); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after Close: got %v, want connection refused", err)
	}
	if err := p.Set(); err != nil {
		t.Errorf("Set after Close: %v", err)
	}
	if _, _, err := answer(publish(context.Background(), newClient(), p.URL())); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Set after Close: got %v, want connection refused", err)
	}
}

func TestRefuse(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	url := p.URL()
	c := newClient()
	defer c.CloseIdleConnections()
	ctx := context.Background()
	if _, _, err := answer(publish(ctx, c, url)); err != nil { // a kept-alive connection
		t.Fatal(err)
	}
	set(t, p, Fault{Refuse: true})
	set(t, p, Fault{Refuse: true})    // again: still refusing
	time.Sleep(50 * time.Millisecond) // for c to see its idle connection closed
	_, _, err := answer(publish(ctx, c, url))
	var op *net.OpError
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("refusing: got %v, want a dial error, connection refused", err)
	}
	set(t, p)
	if p.URL() != url {
		t.Errorf("after Set(): got URL %s, want %s", p.URL(), url)
	}
	if status, _, err := answer(publish(ctx, c, url)); err != nil || status != http.StatusCreated {
		t.Errorf("after Set(): got %d, %v, want 201, nil", status, err)
	}
	if n := len(p.Calls()); n != 2 {
		t.Errorf("got %d calls, want 2", n)
	}
}

func TestConcurrent(t *testing.T) {
	up := startUpstream(t)
	p := startProxy(t, up.URL)
	c := newClient()
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		faults := [][]Fault{nil, {{Nth: 3, Status: 500, Code: "InternalFailure"}}, {{Action: "GetItem", Delay: time.Millisecond}}}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := p.Set(faults[i%len(faults)]...); err != nil {
				t.Error(err)
			}
			p.Latency(time.Duration(i%2) * time.Millisecond)
			_ = p.Calls()
			time.Sleep(time.Millisecond)
		}
	})
	var clients sync.WaitGroup
	for i := range 8 {
		clients.Go(func() {
			for range 10 {
				status, _, err := answer(dynamo(context.Background(), c, p.URL(), "GetItem"))
				if err != nil || (status != 201 && status != 500) {
					t.Errorf("client %d: got %d, %v, want 201 or 500", i, status, err)
				}
			}
		})
	}
	clients.Wait()
	close(stop)
	wg.Wait()
	if n := len(p.Calls()); n != 80 {
		t.Errorf("got %d calls, want 80", n)
	}
}
