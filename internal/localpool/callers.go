// Callers: who may call what. Public actions (those Cognito's API model
// marks as needing no AWS credentials) answer anyone, with CORS for pages
// on loopback origins only; admin actions need a SigV4 Authorization
// header, as in Cognito, and refuse pages from other origins.

package localpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// AdminCredentials is an AWS key pair that admin calls are signed with.
type AdminCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// exposedHeaders are the response headers a page may read.
const exposedHeaders = "x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, date"

// apiCORS lets a page on a loopback origin (a dev server on another port)
// call the API; pages on other origins get no CORS headers, so browsers
// keep them out.
func apiCORS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Origin")
	if o := r.Header.Get("Origin"); o != "" && isLoopbackOrigin(o) {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
	}
}

// Errors of the AWS protocol for admin calls without valid credentials.
const (
	TypeMissingAuthToken     = "MissingAuthenticationTokenException"
	TypeIncompleteSignature  = "IncompleteSignatureException"
	TypeInvalidSignature     = "InvalidSignatureException"
	TypeUnrecognizedClient   = "UnrecognizedClientException"
	TypeAccessDenied         = "AccessDeniedException"
	sigV4Algorithm           = "AWS4-HMAC-SHA256"
	sigV4Service             = "cognito-idp"
	msgSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// sigV4Header is the Authorization header of a SigV4-signed request.
var sigV4Header = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$`)

// amzDateLayout is the form of X-Amz-Date.
const amzDateLayout = "20060102T150405Z"

// signatureSkew is how far from now AWS accepts a signing time, so that a
// signed request seen once cannot be replayed for longer.
const signatureSkew = 15 * time.Minute

// checkAdminAuth checks that an admin call comes from no page but one on a
// loopback origin, and carries a SigV4 Authorization header for
// cognito-idp in the pool's region, signed within 15 minutes of now. With
// Options.AdminCredentials it must be signed with that pair; without, any
// access key and signature of the right form is accepted, as dummy
// credentials in an SDK make.
func (s *Server) checkAdminAuth(r *http.Request, body []byte) *APIError {
	if o := r.Header.Get("Origin"); o != "" && !isLoopbackOrigin(o) {
		return &APIError{Status: http.StatusForbidden, Type: TypeAccessDenied, Message: "admin actions of the local user pool answer no page from " + truncate(o, 80) + ": call them from a backend with AWS credentials"}
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &APIError{Status: http.StatusBadRequest, Type: TypeMissingAuthToken, Message: "Missing Authentication Token"}
	}
	m := sigV4Header.FindStringSubmatch(auth)
	if m == nil {
		return apiErr(TypeIncompleteSignature, "Authorization header requires %s with Credential, SignedHeaders and Signature", sigV4Algorithm)
	}
	keyID, day, region, service, signed, signature := m[1], m[2], m[3], m[4], m[5], m[6]
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateLayout, amzDate)
	// The wall clock, not Options.Now: callers sign with their real clock.
	now := time.Now().UTC()
	switch {
	case err != nil || amzDate[:8] != day:
		return apiErr(TypeIncompleteSignature, "X-Amz-Date must be the signing time, of the day in the credential scope")
	case signedAt.Before(now.Add(-signatureSkew)):
		return apiErr(TypeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-signatureSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	case signedAt.After(now.Add(signatureSkew)):
		return apiErr(TypeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(signatureSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	case service != sigV4Service:
		return apiErr(TypeInvalidSignature, "Credential should be scoped to correct service: '%s'.", sigV4Service)
	case region != s.region:
		return apiErr(TypeInvalidSignature, "Credential should be scoped to a valid region, not '%s'; this pool is in '%s'.", truncate(region, 32), s.region)
	}
	if h := missingSignedHeader(r, signed); h != "" {
		return apiErr(TypeIncompleteSignature, "SignedHeaders must include %s", h)
	}
	creds := s.opts.AdminCredentials
	if creds == nil {
		return nil
	}
	if keyID != creds.AccessKeyID {
		return apiErr(TypeUnrecognizedClient, "The security token included in the request is invalid.")
	}
	scope := day + "/" + region + "/" + service + "/aws4_request"
	want := sigV4Signature(creds.SecretAccessKey, amzDate, scope, canonicalRequest(r, signed, body))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return apiErr(TypeInvalidSignature, msgSignatureDoesNotMatch)
	}
	return nil
}

// mustSign are the headers a signature must cover, as every AWS SDK signs
// them: without x-amz-target, one captured signed call could be replayed
// as another action; without x-amz-date, at another time.
var mustSign = []string{"host", "x-amz-date", "x-amz-target"}

// missingSignedHeader returns the first header of mustSign, or
// content-type when r has one, that the signed list leaves out; "" if none.
func missingSignedHeader(r *http.Request, signed string) string {
	for _, h := range mustSign {
		if !containsHeader(signed, h) {
			return h
		}
	}
	if r.Header.Get("Content-Type") != "" && !containsHeader(signed, "content-type") {
		return "content-type"
	}
	return ""
}

func containsHeader(signed, name string) bool {
	for _, h := range strings.Split(signed, ";") {
		if h == name {
			return true
		}
	}
	return false
}

// canonicalRequest is SigV4's canonical form of r with the headers signed
// (names in lower case, separated by ";") and body.
func canonicalRequest(r *http.Request, signed string, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	b.WriteString(p + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range strings.Split(signed, ";") {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			vals := r.Header.Values(h)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			v = strings.Join(vals, ",")
		}
		b.WriteString(h + ":" + v + "\n")
	}
	b.WriteString("\n" + signed + "\n")
	// Always the hash of the body received: an X-Amz-Content-Sha256 header
	// that claims another (signed or not) must not stand in for the body.
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

// canonicalQuery is SigV4's canonical query string: sorted, encoded pairs.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, sigV4Escape(k)+"="+sigV4Escape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// sigV4Escape percent-encodes s as SigV4 wants: all but A-Z a-z 0-9 - _ . ~.
func sigV4Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// sigV4Signature returns the hexadecimal SigV4 signature of a canonical
// request made at amzDate in scope (day/region/service/aws4_request).
func sigV4Signature(secret, amzDate, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + secret)
	for _, part := range strings.Split(scope, "/") {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
