package localpool

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
)

// targetPrefix starts the X-Amz-Target header of every Cognito call.
const targetPrefix = "AWSCognitoIdentityProviderService."

// contentType is the content type of Cognito's JSON protocol.
const contentType = "application/x-amz-json-1.1"

// OutboxPath is where the outbox is served.
const OutboxPath = "/_local/outbox"

// ConfigPath is where the pool serves its Amplify v6 configuration (the one
// the banner prints), so that a page it serves needs no settings.
const ConfigPath = "/_local/config"

// allowedHeaders are the request headers a browser may send to the API.
var allowedHeaders = []string{"content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}

// ServeHTTP routes a request: POST / to the Cognito API, /_local/outbox to
// the outbox, /<poolId>/.well-known/ to the key set and OpenID
// configuration, and other GET requests to the web directory.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic serving request", zap.Any("panic", v), zap.String("path", r.URL.Path))
			writeError(w, "", internalErr())
		}
	}()
	wellKnown := "/" + s.opts.PoolID + "/.well-known/"
	switch p := r.URL.Path; {
	case p == OutboxPath:
		s.serveOutbox(w, r)
	case p == ConfigPath && isRead(r):
		cors(w)
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, "application/json", s.AmplifyConfig())
	case strings.HasPrefix(p, "/_local/"):
		http.Error(w, "not found", http.StatusNotFound)
	case r.Method == http.MethodOptions:
		s.preflight(w, r)
	case p == wellKnown+"jwks.json" && isRead(r):
		cors(w)
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, "application/json", s.tokens.jwks())
	case p == wellKnown+"openid-configuration" && isRead(r):
		cors(w)
		b, err := s.tokens.openIDConfiguration()
		if err != nil {
			writeError(w, "", internalErr())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	case r.Method == http.MethodPost && p == "/":
		s.serveAPI(w, r)
	case r.Method == http.MethodPost:
		cors(w)
		writeError(w, "", &APIError{Status: http.StatusNotFound, Type: TypeUnknownOperation, Message: "the Cognito API is served at POST /, not " + truncate(p, 64)})
	case isRead(r):
		s.serveStatic(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func isRead(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// cors lets pages from any origin call the API, as Cognito does.
func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
}

// preflight answers a CORS preflight for the API and the well-known
// documents: for pages on loopback origins only (apiCORS).
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	apiCORS(w, r)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", allowHeaders(r.Header.Get("Access-Control-Request-Headers")))
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// allowHeaders returns the fixed allowed headers plus any requested amz-sdk-*
// header, which browsers' SDKs add and CORS cannot match by prefix.
func allowHeaders(requested string) string {
	out := append([]string{}, allowedHeaders...)
	for _, h := range strings.Split(requested, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if strings.HasPrefix(h, "amz-sdk-") && len(h) <= 64 {
			out = append(out, h)
		}
	}
	return strings.Join(out, ", ")
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	apiCORS(w, r)
	reqID := newUUID()
	w.Header().Set("X-Amzn-Requestid", reqID)
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	if !ok || name == "" {
		writeError(w, "", apiErr(TypeUnknownOperation, "X-Amz-Target must be %s<Action>, got %q", targetPrefix, truncate(target, 80)))
		return
	}
	act, ok := actions[name]
	if !ok {
		writeError(w, name, apiErr(TypeUnknownOperation, "%s is not supported by the phonepass local user pool; supported: %s", truncate(name, 64), strings.Join(SupportedActions, ", ")))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != contentType && mt != "application/x-amz-json-1.0") {
		writeError(w, name, apiErr(TypeSerialization, "Content-Type must be %s, got %q", contentType, truncate(r.Header.Get("Content-Type"), 80)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, name, apiErr(TypeInvalidParameter, "request body is larger than %d bytes", MaxBodyBytes))
			return
		}
		writeError(w, name, apiErr(TypeSerialization, "could not read the request body"))
		return
	}
	if act.admin {
		if ae := s.checkAdminAuth(r, body); ae != nil {
			writeError(w, name, ae)
			return
		}
	}
	out, err := act.fn(s, r.Context(), body)
	if err != nil {
		var ae *APIError
		if !errors.As(err, &ae) {
			s.log.Error("action failed", zap.String("action", name), zap.String("requestId", reqID), zap.Error(err))
			ae = internalErr()
		} else {
			s.log.Info("action refused", zap.String("action", name), zap.String("type", ae.Type), zap.String("message", ae.Message))
		}
		writeError(w, name, ae)
		return
	}
	s.log.Debug("action", zap.String("action", name), zap.String("requestId", reqID))
	writeJSON(w, http.StatusOK, contentType, out)
}

// decode reads a JSON object from body into v; a body that is not one is a
// SerializationException naming what was wrong.
func decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return apiErr(TypeSerialization, "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return apiErr(TypeSerialization, "%s must be a JSON %s, got %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return apiErr(TypeSerialization, "the request body is not valid JSON")
	}
	if dec.More() {
		return apiErr(TypeSerialization, "the request body has data after the JSON object")
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	case "bool":
		return "boolean"
	default:
		return "number"
	}
}

func writeError(w http.ResponseWriter, action string, e *APIError) {
	w.Header().Set("X-Amzn-Errortype", e.Type)
	writeJSON(w, e.Status, contentType, map[string]string{"__type": e.Type, "message": e.Message})
}

func writeJSON(w http.ResponseWriter, status int, ctype string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"__type":"InternalErrorException","message":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// serveOutbox serves GET (list) and DELETE (clear) of the outbox, to
// loopback clients only, with CORS for loopback origins (a dev server on
// another port). GET returns the newest DefaultOutboxRead messages, oldest
// first; ?phone=<E.164> keeps those to one number, ?after=<id> those newer
// than a message already seen, ?limit=<n> sets how many (see
// readOutboxQuery).
func (s *Server) serveOutbox(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRequest(r) {
		http.Error(w, "the outbox is served to loopback clients only", http.StatusForbidden)
		return
	}
	if o := r.Header.Get("Origin"); o != "" && isLoopbackOrigin(o) {
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Set("Vary", "Origin")
	}
	if s.opts.Outbox == nil {
		http.Error(w, "this server has no outbox", http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q, err := readOutboxQuery(r.URL.Query(), s.opts.Outbox.Size())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, "application/json", map[string][]Message{"messages": s.opts.Outbox.Find(q)})
	case http.MethodDelete:
		s.opts.Outbox.Clear()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodOptions:
		w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, DELETE, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "content-type, cache-control")
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, HEAD, DELETE, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// isLoopbackRequest reports whether both the peer and the Host header are
// loopback, so that neither other machines nor DNS rebinding reach the outbox.
func isLoopbackRequest(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return false
	}
	return isLoopbackHost(r.Host)
}

func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackOrigin(origin string) bool {
	rest, ok := strings.CutPrefix(origin, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(origin, "https://")
	}
	return ok && !strings.Contains(rest, "/") && isLoopbackHost(rest)
}

// serveStatic serves the web directory, index.html for paths it lacks; with
// none, a short page that says what the server is.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	dir := s.opts.WebDir
	if dir == "" {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "phonepass local Cognito user pool %s\n\nCognito API: POST %s/ (X-Amz-Target: %s<Action>)\nOutbox:      GET %s%s\nJWKS:        %s/.well-known/jwks.json\n",
			s.opts.PoolID, strings.TrimSuffix(s.opts.BaseURL, "/"), targetPrefix, strings.TrimSuffix(s.opts.BaseURL, "/"), OutboxPath, s.tokens.issuer)
		return
	}
	clean := path.Clean("/" + r.URL.Path)
	full := filepath.Join(dir, filepath.FromSlash(clean))
	if fi, err := os.Stat(full); err != nil || fi.IsDir() {
		if err == nil && fi.IsDir() {
			if _, err := os.Stat(filepath.Join(full, "index.html")); err == nil {
				http.ServeFile(w, r, filepath.Join(full, "index.html"))
				return
			}
		}
		http.ServeFile(w, r, filepath.Join(dir, "index.html"))
		return
	}
	http.ServeFile(w, r, full)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
