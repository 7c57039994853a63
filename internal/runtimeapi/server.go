package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// APIVersion is the Runtime API version in every path the Server serves.
const APIVersion = "2018-06-01"

// Headers of the next-invocation answer, and the error-type header a runtime
// may send with an error.
const (
	HeaderRequestID   = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMs  = "Lambda-Runtime-Deadline-Ms"
	HeaderFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID     = "Lambda-Runtime-Trace-Id"
	HeaderErrorType   = "Lambda-Runtime-Function-Error-Type"
)

// DefaultTimeout is the function time-out the Server gives each invocation
// when none is set: Cognito's limit for a trigger.
const DefaultTimeout = 5 * time.Second

// DefaultFunctionARN is the invoked-function ARN the Server reports when none is set.
const DefaultFunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:phonepass"

// MaxPayload is the largest event or response, in bytes, as in Lambda's
// synchronous invocations.
const MaxPayload = 6 << 20

// ErrorResponse is the body of an error that a runtime reports, for an
// invocation or for its initialization.
type ErrorResponse struct {
	// ErrorMessage is the error's message.
	ErrorMessage string `json:"errorMessage"`
	// ErrorType names the kind of error, such as the Go type of the error value.
	ErrorType string `json:"errorType"`
	// StackTrace is the runtime's stack trace, if it sent one.
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
}

// Error returns "<type>: <message>".
func (e *ErrorResponse) Error() string { return e.ErrorType + ": " + e.ErrorMessage }

// ErrClosed is returned by Invoke once the Server is closed.
var ErrClosed = errors.New("runtime api server closed")

// Option changes a Server made by New.
type Option func(*Server)

// WithTimeout sets the function time-out: the deadline the runtime is given,
// and how long Invoke waits for its answer.
func WithTimeout(d time.Duration) Option { return func(s *Server) { s.timeout = d } }

// WithFunctionARN sets the invoked-function ARN the runtime is told.
func WithFunctionARN(arn string) Option { return func(s *Server) { s.arn = arn } }

// invocation is one event on its way to the runtime and back.
type invocation struct {
	id      string
	payload []byte
	done    chan result // buffered: the answer never blocks
}

type result struct {
	body []byte
	lerr *ErrorResponse
}

// Server is a Lambda Runtime API server on a loopback address. It is safe
// for concurrent use; invocations are handed to the runtime one at a time.
type Server struct {
	timeout time.Duration
	arn     string
	ln      net.Listener
	srv     *http.Server
	queue   chan *invocation // unbuffered: a send means the runtime took it
	turn    chan struct{}    // holds a token while an invocation runs
	seq     atomic.Uint64

	mu       sync.Mutex
	inflight map[string]*invocation
	initErr  *ErrorResponse
	gone     chan struct{} // closed when no runtime will answer any more
	goneErr  error
}

// New starts a Server on a free port of 127.0.0.1.
func New(opts ...Option) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{
		timeout:  DefaultTimeout,
		arn:      DefaultFunctionARN,
		ln:       ln,
		queue:    make(chan *invocation),
		turn:     make(chan struct{}, 1),
		inflight: map[string]*invocation{},
		gone:     make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	base := "/" + APIVersion + "/runtime"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"/invocation/next", s.next)
	mux.HandleFunc("POST "+base+"/invocation/{id}/response", s.response)
	mux.HandleFunc("POST "+base+"/invocation/{id}/error", s.invocationError)
	mux.HandleFunc("POST "+base+"/init/error", s.initError)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr returns the host:port to put in AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the Server; a pending Invoke returns ErrClosed.
func (s *Server) Close() error {
	s.stop(ErrClosed)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// InitError returns the error the runtime reported at initialization, or nil.
func (s *Server) InitError() *ErrorResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// stop records why no runtime will answer any more; the first reason wins.
func (s *Server) stop(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.gone:
	default:
		s.goneErr = err
		close(s.gone)
	}
}

func (s *Server) stopped() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.goneErr
}

// Invoke gives payload to the runtime as one invocation and waits for its
// answer: the response body, or the error the runtime reported for the
// invocation (lambdaErr). err is for everything else: ctx ended, the runtime
// gave no answer within the time-out, reported an init error (err is then
// an *ErrorResponse), exited, or the Server was closed.
func (s *Server) Invoke(ctx context.Context, payload []byte) (resp []byte, lambdaErr *ErrorResponse, err error) {
	if len(payload) > MaxPayload {
		return nil, nil, fmt.Errorf("payload of %d bytes is larger than %d", len(payload), MaxPayload)
	}
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("wait for the previous invocation: %w", ctx.Err())
	case <-s.gone:
		return nil, nil, s.stopped()
	}
	defer func() { <-s.turn }()

	inv := &invocation{
		id:      fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq.Add(1)),
		payload: payload,
		done:    make(chan result, 1),
	}
	s.mu.Lock()
	s.inflight[inv.id] = inv
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.inflight, inv.id)
		s.mu.Unlock()
	}()

	select {
	case s.queue <- inv:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("wait for the runtime to ask for an invocation: %w", ctx.Err())
	case <-s.gone:
		return nil, nil, s.stopped()
	}
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case r := <-inv.done:
		return r.body, r.lerr, nil
	case <-timer.C:
		return nil, nil, fmt.Errorf("invocation %s: no answer within the %s time-out", inv.id, s.timeout)
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("invocation %s: %w", inv.id, ctx.Err())
	case <-s.gone:
		return nil, nil, fmt.Errorf("invocation %s: %w", inv.id, s.stopped())
	}
}

// next answers GET .../invocation/next once an invocation is waiting.
func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-s.queue:
	case <-r.Context().Done():
		return
	case <-s.gone:
		writeError(w, http.StatusGone, "Runtime.Stopped", "the runtime api server is shutting down")
		return
	}
	deadline := time.Now().Add(s.timeout)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(HeaderRequestID, inv.id)
	h.Set(HeaderDeadlineMs, strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set(HeaderFunctionARN, s.arn)
	h.Set(HeaderTraceID, "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// response accepts POST .../invocation/{id}/response.
func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, func(body []byte) result { return result{body: body} })
}

// invocationError accepts POST .../invocation/{id}/error.
func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, func(body []byte) result { return result{lerr: parseError(r, body)} })
}

// answer hands the invocation of r the result that res makes of r's body.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, res func(body []byte) result) {
	inv, ok := s.lookup(w, r)
	if !ok {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	inv.done <- res(body)
	accepted(w)
}

// initError accepts POST .../init/error: no invocation will be answered.
func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	e := parseError(r, body)
	s.mu.Lock()
	if s.initErr == nil {
		s.initErr = e
	}
	s.mu.Unlock()
	s.stop(fmt.Errorf("runtime init error: %w", e))
	accepted(w)
}

// lookup finds the invocation named in the path; each is answered once.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*invocation, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	inv, ok := s.inflight[id]
	delete(s.inflight, id)
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidRequestID", fmt.Sprintf("no invocation %q is waiting for an answer", id))
	}
	return inv, ok
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPayload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("body is larger than %d bytes", MaxPayload))
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "InvalidRequest", "read body: "+err.Error())
		return nil, false
	}
	return body, true
}

// parseError reads an error body; a body that is not the JSON error shape
// becomes the message.
func parseError(r *http.Request, body []byte) *ErrorResponse {
	e := &ErrorResponse{}
	if err := json.Unmarshal(body, e); err != nil || (e.ErrorMessage == "" && e.ErrorType == "") {
		e = &ErrorResponse{ErrorMessage: string(body)}
	}
	if e.ErrorType == "" {
		e.ErrorType = r.Header.Get(HeaderErrorType)
	}
	if e.ErrorType == "" {
		e.ErrorType = "Runtime.Unknown"
	}
	return e
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	b, _ := json.Marshal(ErrorResponse{ErrorMessage: msg, ErrorType: typ})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
