package faultproxy

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is what a fault matches on, read from a request.
type Request struct {
	// Service is the AWS service the request is for, such as "sns" or
	// "dynamodb": the service of the SigV4 Authorization header's
	// credential scope, else "dynamodb" for an X-Amz-Target of
	// DynamoDB_<version>.<Operation>, else "sns" for a query-protocol
	// Action (the proxy fronts SNS and DynamoDB); "" if none of these.
	Service string
	// Action is the operation, such as "Publish" or "TransactWriteItems":
	// the X-Amz-Target's part after the dot, else the form's Action.
	Action string
}

// Fault is one fault the proxy injects. Exactly one of Delay, Stall,
// Status, ResetBefore, ResetAfter and Refuse is set.
type Fault struct {
	// Service and Action pick the requests the fault applies to (see
	// Request); "" matches any.
	Service, Action string
	// Nth applies the fault only to the Nth request it matches, counted
	// from Set and starting at 1; 0 applies it to every request it matches.
	Nth int
	// Delay forwards the request after this long.
	Delay time.Duration
	// Stall reads the request, forwards nothing and answers nothing: the
	// connection stays open until the client hangs up or Close.
	Stall bool
	// Status and Code answer, without forwarding, with an AWS error of this
	// HTTP status (400 to 599) and error code, such as 500 and
	// "InternalFailure", in the service's protocol: DynamoDB's JSON
	// ({"__type": "com.amazonaws.dynamodb.v20120810#<Code>", ...}), for
	// anything else the query protocol's XML ErrorResponse, whose Type is
	// Sender for a 4xx status and Receiver for a 5xx.
	Status int
	Code   string
	// ResetBefore reads the request and resets the TCP connection without
	// forwarding it.
	ResetBefore bool
	// ResetAfter forwards the request, so that it takes effect upstream,
	// reads the whole answer and then resets the connection instead of
	// sending it.
	ResetAfter bool
	// Refuse closes the listening socket, and the connections open, for as
	// long as the fault is set, so that connecting is refused; it applies
	// to the whole proxy, so Service, Action and Nth stay unset. A client
	// that takes a kept-alive connection from its pool before it has
	// noticed the close gets an error of its own instead (with Go's
	// http.Transport, "server closed idle connection").
	Refuse bool
}

// String returns the fault's short name, as Call.Fault has it: "delay",
// "stall", "status 500 InternalFailure", "reset before", "reset after" or
// "refuse".
func (f Fault) String() string {
	switch {
	case f.Delay > 0:
		return "delay"
	case f.Stall:
		return "stall"
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status) + " " + f.Code
	case f.ResetBefore:
		return "reset before"
	case f.ResetAfter:
		return "reset after"
	case f.Refuse:
		return "refuse"
	}
	return "none"
}

// validate says what is wrong with f, if anything.
func (f Fault) validate() error {
	kinds := 0
	for _, set := range []bool{f.Delay > 0, f.Stall, f.Status != 0, f.ResetBefore, f.ResetAfter, f.Refuse} {
		if set {
			kinds++
		}
	}
	switch {
	case f.Delay < 0:
		return fmt.Errorf("negative delay %s", f.Delay)
	case kinds != 1:
		return fmt.Errorf("%d kinds set, want exactly one of delay, stall, status, reset before, reset after and refuse", kinds)
	case f.Nth < 0:
		return fmt.Errorf("negative nth %d", f.Nth)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d, want 400 to 599", f.Status)
	case f.Status != 0 && f.Code == "":
		return errors.New("status without code")
	case f.Status == 0 && f.Code != "":
		return errors.New("code without status")
	case f.Refuse && (f.Service != "" || f.Action != "" || f.Nth != 0):
		return errors.New("refuse applies to every request: no service, action or nth")
	}
	return nil
}

// matches reports whether f picks req.
func (f Fault) matches(req Request) bool {
	return (f.Service == "" || f.Service == req.Service) && (f.Action == "" || f.Action == req.Action)
}

// parseRequest reads r's service and operation; body is r's body.
func parseRequest(r *http.Request, body []byte) Request {
	var req Request
	req.Service = scopeService(r.Header.Get("Authorization"))
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, ok := strings.Cut(target, ".")
		if ok {
			req.Action = op
		}
		if req.Service == "" && strings.HasPrefix(prefix, "DynamoDB_") {
			req.Service = "dynamodb"
		}
		return req
	}
	form := r.URL.Query()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/x-www-form-urlencoded" {
		if f, err := url.ParseQuery(string(body)); err == nil && f.Has("Action") {
			form = f
		}
	}
	req.Action = form.Get("Action")
	if req.Service == "" && req.Action != "" {
		req.Service = "sns"
	}
	return req
}

// scopeService returns the service of a SigV4 Authorization header's
// credential scope (Credential=<key>/<date>/<region>/<service>/aws4_request),
// "" if there is none.
func scopeService(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return ""
	}
	return parts[3]
}

// queryError is the query protocol's error answer.
type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// writeError answers with an AWS error of status and code in the protocol
// of req's service.
func writeError(w http.ResponseWriter, r *http.Request, req Request, status int, code string) {
	id := requestID()
	message := "injected by faultproxy: " + code
	var body []byte
	h := w.Header()
	if req.Service == "dynamodb" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json") {
		body, _ = json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message})
		h.Set("Content-Type", "application/x-amz-json-1.0")
		h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	} else {
		var e queryError
		e.Error.Type = "Sender"
		if status >= 500 {
			e.Error.Type = "Receiver"
		}
		e.Error.Code, e.Error.Message, e.RequestID = code, message, id
		b, _ := xml.Marshal(e)
		body = append([]byte(xml.Header), b...)
		h.Set("Content-Type", "text/xml")
	}
	h.Set("X-Amzn-Requestid", id)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// requestID returns a random request ID shaped as AWS's are, a UUID.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
