package localpool

// The contract with Cognito's own API model (issue 11): every action the
// pool serves is driven through the SDK and through raw requests, and each
// request it accepts, each answer and each error is checked against the
// model botocore ships (testenv.CognitoModel). Nothing here knows an
// action's shapes: they all come from the model, so a new action is checked
// as soon as it has a driver, and TestCognitoContract fails for an action
// that is served but not driven.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/phonepass/phonepass/internal/testenv"
)

// cognitoModel is the part of a botocore service model the contract reads.
type cognitoModel struct {
	Metadata struct {
		TargetPrefix string `json:"targetPrefix"`
		JSONVersion  string `json:"jsonVersion"`
	} `json:"metadata"`
	Operations map[string]*modelOperation `json:"operations"`
	Shapes     map[string]*modelShape     `json:"shapes"`

	patterns sync.Map // shape pattern → *regexp.Regexp, or nil when Go cannot compile it
}

type modelRef struct {
	Shape string `json:"shape"`
}

type modelOperation struct {
	Input  *modelRef   `json:"input"`
	Output *modelRef   `json:"output"`
	Errors []modelRef  `json:"errors"`
	Auth   []string    `json:"auth"`     // ["smithy.api#noAuth"] for the calls an app makes unsigned
	Legacy interface{} `json:"authtype"` // "none" in older models
}

// public reports whether the model lets the operation be called without
// AWS credentials.
func (o *modelOperation) public() bool {
	return slices.Contains(o.Auth, "smithy.api#noAuth") || o.Legacy == "none"
}

type modelShape struct {
	Type      string              `json:"type"`
	Members   map[string]modelRef `json:"members"`
	Required  []string            `json:"required"`
	Member    *modelRef           `json:"member"`
	Key       *modelRef           `json:"key"`
	Value     *modelRef           `json:"value"`
	Enum      []string            `json:"enum"`
	Min       *float64            `json:"min"`
	Max       *float64            `json:"max"`
	Pattern   string              `json:"pattern"`
	Exception bool                `json:"exception"`
	Fault     bool                `json:"fault"` // a server error: 5xx
	Document  bool                `json:"document"`
}

func loadCognitoModel(t *testing.T) *cognitoModel {
	t.Helper()
	path := testenv.CognitoModel(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var m cognitoModel
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if m.Metadata.TargetPrefix+"." != targetPrefix || "application/x-amz-json-"+m.Metadata.JSONVersion != contentType {
		t.Fatalf("the model speaks %s.<Action> over JSON %s; the pool speaks %s<Action> as %s", m.Metadata.TargetPrefix, m.Metadata.JSONVersion, targetPrefix, contentType)
	}
	return &m
}

// commonErrors are the error types any operation may answer besides those
// the model declares for it, with whether they are server errors (5xx).
// They are AWS's "Common Errors" of every service's API reference (its
// older and newer lists; query-protocol names, and the JSON protocol's with
// "Exception", such as DynamoDB's reference lists), and two errors of the
// JSON protocol itself that no list names but Cognito answers:
// SerializationException for a body that does not decode (Cognito answers a
// boolean where a string belongs with it) and InvalidSignatureException for
// a SigV4 signature that does not match (the AWS SDKs list it among the
// clock-skew errors they retry). ValidationException is left out: Cognito
// reports constraint violations as its declared InvalidParameterException.
var commonErrors = map[string]bool{
	"AccessDeniedException":               false,
	"ExpiredTokenException":               false,
	"IncompleteSignature":                 false,
	"IncompleteSignatureException":        false,
	"InternalFailure":                     true,
	"InvalidAction":                       false,
	"InvalidClientTokenId":                false,
	"MalformedHttpRequestException":       false,
	"MissingAuthenticationToken":          false,
	"MissingAuthenticationTokenException": false,
	"NotAuthorized":                       false,
	"OptInRequired":                       false,
	"RequestAbortedException":             false,
	"RequestEntityTooLargeException":      false,
	"RequestExpired":                      false,
	"RequestTimeoutException":             false,
	"ServiceUnavailable":                  true,
	"ThrottlingException":                 false,
	"UnknownOperationException":           false,
	"UnrecognizedClientException":         false,
	"ValidationError":                     false,
	"SerializationException":              false,
	"InvalidSignatureException":           false,
}

// validate checks the JSON value v (decoded with UseNumber) against shape
// and appends what does not conform to errs, each prefixed with path. The
// constraints on lengths, ranges and patterns are checked in input only:
// they are what Cognito validates a request with, and Cognito's own answers
// do not keep them (DescribeUserPool lists the 21-character
// phone_number_verified where the model's CustomAttributeNameType allows 20).
// Types, members, required members and enums are checked both ways.
func (m *cognitoModel) validate(path string, v any, shape string, input bool, errs *[]string) {
	s := m.Shapes[shape]
	bad := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	if s == nil {
		bad("the model has no shape %s", shape)
		return
	}
	if s.Document {
		return // any JSON value
	}
	if v == nil {
		bad("null, want a %s or no member", s.Type)
		return
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("got %s, want an object (%s)", jsonType(v), shape)
			return
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			ref, ok := s.Members[k]
			if !ok {
				bad("member %s is not in %s", k, shape)
				continue
			}
			m.validate(path+"."+k, obj[k], ref.Shape, input, errs)
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				bad("required member %s of %s is missing", r, shape)
			}
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			bad("got %s, want an array (%s)", jsonType(v), shape)
			return
		}
		if input {
			m.bounds(path, float64(len(arr)), "items", s, errs)
		}
		for i, e := range arr {
			m.validate(fmt.Sprintf("%s[%d]", path, i), e, s.Member.Shape, input, errs)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("got %s, want an object (%s)", jsonType(v), shape)
			return
		}
		if input {
			m.bounds(path, float64(len(obj)), "entries", s, errs)
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			m.validate(path+" key "+k, k, s.Key.Shape, input, errs)
			m.validate(path+"."+k, obj[k], s.Value.Shape, input, errs)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("got %s, want a string (%s)", jsonType(v), shape)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			bad("%q is not in the enum %s %v", truncate(str, 40), shape, s.Enum)
		}
		if !input {
			return
		}
		m.bounds(path, float64(utf8.RuneCountInString(str)), "characters", s, errs)
		if re := m.pattern(s.Pattern); re != nil && !re.MatchString(str) {
			bad("%q does not match the pattern of %s, %s", truncate(str, 40), shape, s.Pattern)
		}
	case "integer", "long":
		n, ok := v.(json.Number)
		if !ok {
			bad("got %s, want an integer (%s)", jsonType(v), shape)
			return
		}
		i, err := n.Int64()
		if err != nil {
			bad("%s is not an integer (%s)", n, shape)
			return
		}
		if input {
			m.bounds(path, float64(i), "as a value", s, errs)
		}
	case "float", "double":
		if _, ok := v.(json.Number); !ok {
			bad("got %s, want a number (%s)", jsonType(v), shape)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("got %s, want a boolean (%s)", jsonType(v), shape)
		}
	case "timestamp": // the JSON protocol's default: epoch seconds
		if _, ok := v.(json.Number); !ok {
			bad("got %s, want a timestamp in epoch seconds (%s)", jsonType(v), shape)
		}
	case "blob":
		str, ok := v.(string)
		if _, err := base64.StdEncoding.DecodeString(str); !ok || err != nil {
			bad("got %s, want base64 (%s)", jsonType(v), shape)
		}
	default:
		bad("shape %s has type %s, which the contract does not know", shape, s.Type)
	}
}

func (m *cognitoModel) bounds(path string, n float64, what string, s *modelShape, errs *[]string) {
	if s.Min != nil && n < *s.Min {
		*errs = append(*errs, fmt.Sprintf("%s: %g %s, fewer than the minimum %g", path, n, what, *s.Min))
	}
	if s.Max != nil && n > *s.Max {
		*errs = append(*errs, fmt.Sprintf("%s: %g %s, more than the maximum %g", path, n, what, *s.Max))
	}
}

// pattern compiles a shape's pattern, unanchored as Smithy reads it; nil
// for none, or one that Go's regexp cannot compile (lookarounds).
func (m *cognitoModel) pattern(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if re, ok := m.patterns.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile(p)
	if err != nil {
		re = nil
	}
	m.patterns.Store(p, re)
	return re
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// exchange is one request to the pool's API and its answer.
type exchange struct {
	action string // from X-Amz-Target
	req    []byte
	status int
	ctype  string
	resp   []byte
	probe  string // what a probe changed in an accepted request; "" for a driver's request
}

// violations returns what in e breaks the model: a request the pool
// accepted that the model refuses, an answer that is not the operation's
// output, an error the operation does not declare and no operation may
// answer, or an error in the wrong shape or status class.
func (m *cognitoModel) violations(e exchange) []string {
	var errs []string
	op := m.Operations[e.action]
	if op == nil {
		if e.status == http.StatusOK {
			errs = append(errs, "the pool accepted an action Cognito does not have")
		}
		return errs
	}
	if e.ctype != contentType {
		errs = append(errs, fmt.Sprintf("answered with Content-Type %q, want %s", e.ctype, contentType))
	}
	body, err := decodeJSON(e.resp)
	if err != nil {
		return append(errs, fmt.Sprintf("status %d, answer is not JSON: %v", e.status, err))
	}
	if e.status == http.StatusOK {
		if req, err := decodeJSON(e.req); err != nil {
			errs = append(errs, "accepted a request that is not JSON")
		} else if op.Input != nil {
			var reqErrs []string
			m.validate("request", req, op.Input.Shape, true, &reqErrs)
			for _, r := range reqErrs {
				errs = append(errs, "accepted a request the model refuses: "+r)
			}
		}
		if op.Output == nil {
			if obj, ok := body.(map[string]any); !ok || len(obj) != 0 {
				errs = append(errs, fmt.Sprintf("answered %s, want {} (the operation has no output)", truncate(string(e.resp), 80)))
			}
			return errs
		}
		m.validate("answer", body, op.Output.Shape, false, &errs)
		return errs
	}
	obj, ok := body.(map[string]any)
	typ, _ := obj["__type"].(string)
	if !ok || typ == "" {
		return append(errs, fmt.Sprintf("status %d without an error object with __type: %s", e.status, truncate(string(e.resp), 80)))
	}
	// Clients read the name after any namespace and before any ":".
	name := typ[strings.LastIndexByte(typ, '#')+1:]
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	declared := slices.ContainsFunc(op.Errors, func(r modelRef) bool { return r.Shape == name })
	server, common := commonErrors[name]
	switch {
	case declared:
		server = m.Shapes[name].Fault
		rest := map[string]any{}
		for k, v := range obj {
			if k != "__type" {
				rest[k] = v
			}
		}
		m.validate("error "+name, rest, name, false, &errs)
	case common:
		if msg, ok := obj["message"]; ok {
			if _, ok := msg.(string); !ok {
				errs = append(errs, "error "+name+": message is not a string")
			}
		}
	default:
		return append(errs, fmt.Sprintf("error %s is neither declared for %s nor common to all operations", name, e.action))
	}
	if server != (e.status >= 500) || e.status < 400 || e.status > 599 {
		want := "4xx"
		if server {
			want = "5xx"
		}
		errs = append(errs, fmt.Sprintf("error %s with status %d, want %s", name, e.status, want))
	}
	return errs
}

// recorder is an http.RoundTripper that keeps every API exchange.
type recorder struct {
	mu   sync.Mutex
	log  []exchange
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.add(exchange{
		action: strings.TrimPrefix(req.Header.Get("X-Amz-Target"), targetPrefix),
		req:    body, status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), resp: b,
		probe: req.Header.Get("X-Contract-Probe"),
	})
	return resp, nil
}

func (r *recorder) add(e exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, e)
}

func (r *recorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// contractCredentials sign the admin calls, as dummy credentials in a
// backend's SDK would.
var contractCredentials = aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "contract test"}

// contract is a started pool with a recording SDK client and raw access.
type contract struct {
	t      *testing.T
	model  *cognitoModel
	pool   *Local
	url    string
	region string
	rec    *recorder
	http   *http.Client
	sdk    *cip.Client
	phones int
}

func newContract(t *testing.T, model *cognitoModel) *contract {
	t.Helper()
	// Limits high enough for the drivers and the probes, which ask for
	// many codes and leave most unanswered; the range guard off.
	env := map[string]string{"PHONEPASS_RATE_LIMIT_PER_PHONE": "100", "PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE": "0", "PHONEPASS_RANGE_MIN_ANSWERED_PERCENT": "0"}
	l, err := Start(StartOptions{InMemory: true, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatalf("start pool: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	rec := &recorder{next: http.DefaultTransport}
	hc := &http.Client{Transport: rec, Timeout: 10 * time.Second}
	region := DefaultPoolID[:strings.IndexByte(DefaultPoolID, '_')]
	sdk := cip.New(cip.Options{
		BaseEndpoint: aws.String(l.URL), Region: region, RetryMaxAttempts: 1, HTTPClient: hc,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return contractCredentials, nil }),
	})
	return &contract{t: t, model: model, pool: l, url: l.URL, region: region, rec: rec, http: hc, sdk: sdk}
}

// raw posts body to action as an SDK would: signed with SigV4 unless the
// model marks the operation public.
func (c *contract) raw(action string, body []byte, probe string) exchange {
	c.t.Helper()
	op := c.model.Operations[action]
	return c.send(action, body, probe, op == nil || !op.public())
}

// send posts body to action, signed or not, labelled with probe (what it
// changed), and returns the exchange.
func (c *contract) send(action string, body []byte, probe string, signed bool) exchange {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.url+"/", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+action)
	req.Header.Set("X-Contract-Probe", probe)
	if signed {
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), contractCredentials, req, hex.EncodeToString(sum[:]), "cognito-idp", c.region, time.Now()); err != nil {
			c.t.Fatal(err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", action, err)
	}
	resp.Body.Close()
	log := c.rec.exchanges()
	return log[len(log)-1]
}

// ok fails the test if the call of a driver that should succeed did not.
func (c *contract) ok(what string, err error) {
	c.t.Helper()
	if err != nil {
		c.t.Errorf("%s: %v", what, err)
	}
}

// fails fails the test if the call of a driver that should fail did not.
func (c *contract) fails(what string, err error) {
	c.t.Helper()
	if err == nil {
		c.t.Errorf("%s: got no error, want one", what)
	}
}

// phone returns a number no driver has used yet.
func (c *contract) phone() string {
	c.phones++
	return fmt.Sprintf("+447700900%03d", 100+c.phones)
}

// The pool and app client the drivers call, and a pool and an app client
// that do not exist.
var (
	contractPool, contractClient = aws.String(DefaultPoolID), aws.String(DefaultClientID)
	noSuchPool, noSuchClient     = aws.String("us-east-1_nosuchpool"), aws.String("nosuchclient")
)

// attrList makes an attribute list of name, value pairs.
func attrList(nameValue ...string) []types.AttributeType {
	var out []types.AttributeType
	for i := 0; i+1 < len(nameValue); i += 2 {
		out = append(out, types.AttributeType{Name: aws.String(nameValue[i]), Value: aws.String(nameValue[i+1])})
	}
	return out
}

// user signs a new number up and returns it.
func (c *contract) user() string {
	c.t.Helper()
	p := c.phone()
	_, err := c.sdk.SignUp(context.Background(), &cip.SignUpInput{ClientId: contractClient, Username: aws.String(p)})
	c.ok("sign up "+p, err)
	return p
}

var contractCode = regexp.MustCompile(`\b\d{4,10}\b`)

// code returns the code of the newest SMS to phone.
func (c *contract) code(phone string) string {
	c.t.Helper()
	m, ok := c.pool.Outbox.Last(phone)
	if !ok {
		c.t.Fatalf("no SMS to %s", phone)
	}
	return contractCode.FindString(m.Message)
}

// initiate starts a CUSTOM_AUTH sign-in of username.
func (c *contract) initiate(username string) (*cip.InitiateAuthOutput, error) {
	return c.sdk.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: contractClient, AuthParameters: map[string]string{"USERNAME": username}})
}

// respond answers the challenge that a started with answer, in session.
func (c *contract) respond(a *cip.InitiateAuthOutput, session *string, answer string) (*cip.RespondToAuthChallengeOutput, error) {
	return c.sdk.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypeCustomChallenge, ClientId: contractClient, Session: session,
		ChallengeResponses: map[string]string{"USERNAME": a.ChallengeParameters["USERNAME"], "ANSWER": answer},
	})
}

// signIn signs phone in with CUSTOM_AUTH and returns its tokens.
func (c *contract) signIn(phone string) *types.AuthenticationResultType {
	c.t.Helper()
	a, err := c.initiate(phone)
	if err != nil {
		c.t.Fatalf("initiate auth %s: %v", phone, err)
	}
	r, err := c.respond(a, a.Session, c.code(phone))
	if err != nil || r.AuthenticationResult == nil {
		c.t.Fatalf("respond to auth challenge %s: %v, %+v", phone, err, r)
	}
	return r.AuthenticationResult
}

// adminInitiate starts a CUSTOM_AUTH sign-in of username as a backend.
func (c *contract) adminInitiate(pool *string, username string) (*cip.AdminInitiateAuthOutput, error) {
	return c.sdk.AdminInitiateAuth(context.Background(), &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, UserPoolId: pool, ClientId: contractClient, AuthParameters: map[string]string{"USERNAME": username}})
}

// adminSetName sets the name of the user of phone as a backend; "" for
// an unknown user.
func (c *contract) adminSetName(phone string) error {
	if phone == "" {
		phone = c.phone()
	}
	_, err := c.sdk.AdminUpdateUserAttributes(context.Background(), &cip.AdminUpdateUserAttributesInput{UserPoolId: contractPool, Username: aws.String(phone), UserAttributes: attrList("name", "Ada")})
	return err
}

// contractDrivers drive each action the pool serves, through the SDK: at
// least one call that succeeds, and calls that fail as clients make them
// fail. An action that SupportedActions lists needs a driver here.
var contractDrivers = map[string]func(c *contract){
	"SignUp": func(c *contract) {
		ctx, p := context.Background(), c.phone()
		_, err := c.sdk.SignUp(ctx, &cip.SignUpInput{ClientId: contractClient, Username: aws.String(p), Password: aws.String("Aa1!unused-password"),
			UserAttributes: attrList("name", "Ada"), ClientMetadata: map[string]string{"k": "v"}})
		c.ok("sign up", err)
		_, err = c.sdk.SignUp(ctx, &cip.SignUpInput{ClientId: contractClient, Username: aws.String(p)})
		c.fails("sign up again", err)
		_, err = c.sdk.SignUp(ctx, &cip.SignUpInput{ClientId: noSuchClient, Username: aws.String(c.phone())})
		c.fails("sign up with an unknown client", err)
		_, err = c.sdk.SignUp(ctx, &cip.SignUpInput{ClientId: contractClient, Username: aws.String("not-a-phone")})
		c.fails("sign up a name that is no phone number", err)
	},
	"InitiateAuth": func(c *contract) {
		p := c.user()
		_, err := c.initiate(p)
		c.ok("initiate auth", err)
		_, err = c.initiate(c.phone())
		c.fails("initiate auth of an unknown number", err)
		_, err = c.initiate("")
		c.fails("initiate auth without a username", err)
		_, err = c.sdk.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: contractClient, AuthParameters: map[string]string{"USERNAME": p, "PASSWORD": "x"}})
		c.fails("initiate auth with a password", err)
	},
	"RespondToAuthChallenge": func(c *contract) {
		p := c.user()
		a, err := c.initiate(p)
		if err != nil {
			c.t.Fatal(err)
		}
		wrong := "000000"
		if c.code(p) == wrong {
			wrong = "111111"
		}
		r, err := c.respond(a, a.Session, wrong)
		c.ok("a wrong code", err)
		if err == nil {
			_, err = c.respond(a, r.Session, c.code(p))
			c.ok("the right code", err)
		}
		_, err = c.respond(a, aws.String("not-a-session"), "123456")
		c.fails("a made-up session", err)
	},
	"GetTokensFromRefreshToken": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: contractClient, RefreshToken: tok.RefreshToken})
		c.ok("refresh", err)
		_, err = c.sdk.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: contractClient, RefreshToken: aws.String("not-a-refresh-token")})
		c.fails("refresh with a made-up token", err)
	},
	"GetUser": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
		c.ok("get user", err)
		_, err = c.sdk.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.IdToken})
		c.fails("get user with an ID token", err)
	},
	"UpdateUserAttributes": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrList("name", "Grace")})
		c.ok("update name", err)
		_, err = c.sdk.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrList("sub", "x")})
		c.fails("update sub", err)
	},
	"DeleteUserAttributes": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrList("name", "Grace")})
		c.ok("update name", err)
		_, err = c.sdk.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"name"}})
		c.ok("delete name", err)
		_, err = c.sdk.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"sub"}})
		c.fails("delete sub", err)
	},
	"GlobalSignOut": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: tok.AccessToken})
		c.ok("global sign-out", err)
		_, err = c.sdk.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: tok.AccessToken})
		c.fails("global sign-out with a revoked token", err)
	},
	"RevokeToken": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: contractClient, Token: tok.RefreshToken})
		c.ok("revoke", err)
		_, err = c.sdk.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: contractClient, Token: tok.AccessToken})
		c.fails("revoke an access token", err)
	},
	"DeleteUser": func(c *contract) {
		ctx, tok := context.Background(), c.signIn(c.user())
		_, err := c.sdk.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken})
		c.ok("delete user", err)
		_, err = c.sdk.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken})
		c.fails("delete the user again", err)
	},
	"AdminInitiateAuth": func(c *contract) {
		p := c.user()
		_, err := c.adminInitiate(contractPool, p)
		c.ok("admin initiate auth", err)
		_, err = c.adminInitiate(noSuchPool, p)
		c.fails("admin initiate auth in an unknown pool", err)
	},
	"AdminRespondToAuthChallenge": func(c *contract) {
		p := c.user()
		a, err := c.adminInitiate(contractPool, p)
		if err != nil {
			c.t.Fatal(err)
		}
		respond := func() error {
			_, err := c.sdk.AdminRespondToAuthChallenge(context.Background(), &cip.AdminRespondToAuthChallengeInput{
				ChallengeName: types.ChallengeNameTypeCustomChallenge, UserPoolId: contractPool, ClientId: contractClient, Session: a.Session,
				ChallengeResponses: map[string]string{"USERNAME": a.ChallengeParameters["USERNAME"], "ANSWER": c.code(p)},
			})
			return err
		}
		c.ok("admin respond with the right code", respond())
		c.fails("admin respond with a used session", respond())
	},
	"AdminGetUser": func(c *contract) {
		ctx, p := context.Background(), c.user()
		_, err := c.sdk.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: contractPool, Username: aws.String(p)})
		c.ok("admin get user", err)
		_, err = c.sdk.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: contractPool, Username: aws.String(c.phone())})
		c.fails("admin get an unknown user", err)
	},
	"AdminCreateUser": func(c *contract) {
		ctx, p := context.Background(), c.phone()
		_, err := c.sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: contractPool, Username: aws.String(p), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: attrList("phone_number_verified", "true")})
		c.ok("admin create user", err)
		_, err = c.sdk.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: contractPool, Username: aws.String(p), MessageAction: types.MessageActionTypeSuppress})
		c.fails("admin create the user again", err)
	},
	"AdminUpdateUserAttributes": func(c *contract) {
		c.ok("admin update name", c.adminSetName(c.user()))
		c.fails("admin update an unknown user", c.adminSetName(""))
	},
	"AdminDeleteUserAttributes": func(c *contract) {
		p := c.user()
		c.ok("admin update name", c.adminSetName(p))
		del := func(name string) error {
			_, err := c.sdk.AdminDeleteUserAttributes(context.Background(), &cip.AdminDeleteUserAttributesInput{UserPoolId: contractPool, Username: aws.String(p), UserAttributeNames: []string{name}})
			return err
		}
		c.ok("admin delete name", del("name"))
		c.fails("admin delete sub", del("sub"))
	},
	"AdminDisableUser": func(c *contract) {
		ctx, p := context.Background(), c.user()
		_, err := c.sdk.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: contractPool, Username: aws.String(p)})
		c.ok("admin disable", err)
		_, err = c.initiate(p)
		c.fails("initiate auth of a disabled user", err)
		_, err = c.sdk.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: contractPool, Username: aws.String(c.phone())})
		c.fails("admin disable an unknown user", err)
	},
	"AdminEnableUser": func(c *contract) {
		ctx, p := context.Background(), c.user()
		_, err := c.sdk.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: contractPool, Username: aws.String(p)})
		c.ok("admin disable", err)
		_, err = c.sdk.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: contractPool, Username: aws.String(p)})
		c.ok("admin enable", err)
		_, err = c.sdk.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: contractPool, Username: aws.String(c.phone())})
		c.fails("admin enable an unknown user", err)
	},
	"AdminUserGlobalSignOut": func(c *contract) {
		ctx, p := context.Background(), c.user()
		c.signIn(p)
		_, err := c.sdk.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: contractPool, Username: aws.String(p)})
		c.ok("admin global sign-out", err)
		_, err = c.sdk.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: contractPool, Username: aws.String(c.phone())})
		c.fails("admin global sign-out of an unknown user", err)
	},
	"AdminDeleteUser": func(c *contract) {
		p := c.user()
		del := func() error {
			_, err := c.sdk.AdminDeleteUser(context.Background(), &cip.AdminDeleteUserInput{UserPoolId: contractPool, Username: aws.String(p)})
			return err
		}
		c.ok("admin delete", del())
		c.fails("admin delete again", del())
	},
	"ListUsers": func(c *contract) {
		p := c.user()
		c.user()
		list := func(in cip.ListUsersInput) (*cip.ListUsersOutput, error) {
			if in.UserPoolId == nil {
				in.UserPoolId = contractPool
			}
			return c.sdk.ListUsers(context.Background(), &in)
		}
		_, err := list(cip.ListUsersInput{})
		c.ok("list users", err)
		out, err := list(cip.ListUsersInput{Limit: aws.Int32(1), AttributesToGet: []string{"phone_number"}})
		c.ok("list one user", err)
		if err == nil && out.PaginationToken != nil {
			_, err = list(cip.ListUsersInput{Limit: aws.Int32(1), PaginationToken: out.PaginationToken})
			c.ok("list the next user", err)
		}
		_, err = list(cip.ListUsersInput{Filter: aws.String(`phone_number = "` + p + `"`)})
		c.ok("list users by phone number", err)
		_, err = list(cip.ListUsersInput{Filter: aws.String(`phone_number ~ "x"`)})
		c.fails("list users with a bad filter", err)
		_, err = list(cip.ListUsersInput{UserPoolId: noSuchPool})
		c.fails("list users of an unknown pool", err)
	},
	"DescribeUserPool": func(c *contract) {
		describe := func(pool *string) error {
			_, err := c.sdk.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: pool})
			return err
		}
		c.ok("describe the pool", describe(contractPool))
		c.fails("describe an unknown pool", describe(noSuchPool))
	},
	"DescribeUserPoolClient": func(c *contract) {
		describe := func(client *string) error {
			_, err := c.sdk.DescribeUserPoolClient(context.Background(), &cip.DescribeUserPoolClientInput{UserPoolId: contractPool, ClientId: client})
			return err
		}
		c.ok("describe the app client", describe(contractClient))
		c.fails("describe an unknown app client", describe(noSuchClient))
	},
}

// wrongType returns a JSON value of another type than shape's: an array
// for an object, an object for anything else ("Start of structure or map
// found where not expected", as Cognito answers).
func (m *cognitoModel) wrongType(shape string) any {
	if s := m.Shapes[shape]; s != nil && (s.Type == "structure" || s.Type == "map") {
		return []any{}
	}
	return map[string]any{}
}

// probe replays an accepted request with one thing wrong each time: each
// required member left out, at any depth; each value, at any depth, of
// the wrong type; and, for an operation that needs AWS credentials, no
// signature. The pool must refuse every one (and the exchange checks say
// whether with an error the model allows).
func (c *contract) probe(e exchange) {
	c.t.Helper()
	op := c.model.Operations[e.action]
	if op == nil || op.Input == nil {
		return
	}
	req, err := decodeJSON(e.req)
	if err != nil {
		return
	}
	send := func(what string, body any, signed bool) {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		// An accepted request with a member missing or of the wrong type
		// is a violation of the model that the exchange checks report.
		if got := c.send(e.action, b, what, signed); got.status == http.StatusOK && !signed {
			c.t.Errorf("%s: accepted a request without a signature, which Cognito refuses", e.action)
		}
	}
	c.model.walk(req, op.Input.Shape, "request", func(path string, v any, shape string, set func(any)) {
		s := c.model.Shapes[shape]
		if obj, ok := v.(map[string]any); ok && s.Type == "structure" {
			for _, r := range s.Required {
				if old, ok := obj[r]; ok {
					delete(obj, r)
					send(fmt.Sprintf("required member %s.%s left out", path, r), req, !op.public())
					obj[r] = old
				}
			}
		}
		if set != nil {
			set(c.model.wrongType(shape))
			send(fmt.Sprintf("%s of the wrong type", path), req, !op.public())
			set(v)
		}
	})
	if !op.public() {
		send("no signature (the model requires AWS credentials)", req, false)
	}
}

// walk calls fn for v, of shape, and every value inside it, depth first,
// with its path and a function that replaces it in its parent (nil for the
// top).
func (m *cognitoModel) walk(v any, shape, path string, fn func(path string, v any, shape string, set func(any))) {
	var visit func(v any, shape, path string, set func(any))
	visit = func(v any, shape, path string, set func(any)) {
		fn(path, v, shape, set)
		s := m.Shapes[shape]
		if s == nil || s.Document {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				var ref *modelRef
				if s.Type == "structure" {
					if r, ok := s.Members[k]; ok {
						ref = &r
					}
				} else if s.Type == "map" {
					ref = s.Value
				}
				if ref != nil {
					visit(x[k], ref.Shape, path+"."+k, func(nv any) { x[k] = nv })
				}
			}
		case []any:
			if s.Type == "list" {
				for i := range x {
					visit(x[i], s.Member.Shape, fmt.Sprintf("%s[%d]", path, i), func(nv any) { x[i] = nv })
				}
			}
		}
	}
	visit(v, shape, path, nil)
}

func TestCognitoContract(t *testing.T) {
	model := loadCognitoModel(t)
	c := newContract(t, model)

	for _, a := range SupportedActions {
		if model.Operations[a] == nil {
			t.Errorf("the pool serves %s, which Cognito's API model does not have", a)
		}
	}
	for name := range contractDrivers {
		if !slices.Contains(SupportedActions, name) {
			t.Errorf("contractDrivers drives %s, which the pool does not serve: remove the driver", name)
		}
	}
	for _, a := range SupportedActions {
		drive, ok := contractDrivers[a]
		if !ok {
			t.Errorf("the pool serves %s but contractDrivers does not drive it: add a driver, so that its requests, answers and errors are checked against the model", a)
			continue
		}
		drive(c)
	}

	// Raw probes of every served action, driven or not: an empty object
	// (refused if the model requires a member), bodies that are not an
	// object, and each accepted request with one thing wrong.
	for _, a := range SupportedActions {
		op := model.Operations[a]
		if op == nil {
			continue
		}
		if op.Input != nil && len(model.Shapes[op.Input.Shape].Required) > 0 {
			if e := c.raw(a, []byte(`{}`), "no members"); e.status == http.StatusOK {
				t.Errorf("%s: accepted {}, which lacks the members the model requires", a)
			}
		}
		for _, body := range []string{`not json`, `[]`, `{"a":`} {
			if e := c.raw(a, []byte(body), "body "+body); e.status == http.StatusOK {
				t.Errorf("%s: accepted the body %s", a, body)
			}
		}
	}
	probed := map[string]int{}
	for _, e := range c.rec.exchanges() {
		if e.probe == "" && e.status == http.StatusOK && probed[e.action] < 2 {
			probed[e.action]++
			c.probe(e)
		}
	}
	// An action Cognito has and the pool does not serve.
	for _, name := range slices.Sorted(maps.Keys(model.Operations)) {
		if !slices.Contains(SupportedActions, name) {
			if e := c.raw(name, []byte(`{}`), "an action the pool does not serve"); e.status == http.StatusOK {
				t.Errorf("%s is not served, yet the pool accepted it", name)
			}
			break
		}
	}

	// Check every exchange, and that every served action succeeded at
	// least once (else it was not really driven).
	succeeded := map[string]bool{}
	drift := map[string]int{}
	for _, e := range c.rec.exchanges() {
		if e.status == http.StatusOK && e.probe == "" {
			succeeded[e.action] = true
		}
		for _, v := range model.violations(e) {
			what := e.action
			if e.probe != "" {
				what += " (probe: " + e.probe + ")"
			}
			drift[what+": "+v]++
		}
	}
	for _, a := range SupportedActions {
		if _, driven := contractDrivers[a]; driven && !succeeded[a] {
			t.Errorf("%s: no request of its driver succeeded, so its answer was never checked", a)
		}
	}
	for _, d := range slices.Sorted(maps.Keys(drift)) {
		t.Errorf("drift from Cognito's model: %s (%d×)", d, drift[d])
	}
	t.Logf("%d exchanges with the pool checked against Cognito's model, %d actions served", len(c.rec.exchanges()), len(SupportedActions))
}

// TestContractChecks checks the checker on hand-made exchanges, so that a
// clean contract run means something.
func TestContractChecks(t *testing.T) {
	model := loadCognitoModel(t)
	for _, tt := range []struct {
		name string
		e    exchange
		want string // a violation containing this; "" for none
	}{
		{"a good answer", exchange{action: "SignUp", req: []byte(`{"ClientId":"c","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"UserConfirmed":true,"UserSub":"s"}`)}, ""},
		{"a missing required member", exchange{action: "SignUp", req: []byte(`{"ClientId":"c","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"UserSub":"s"}`)}, "required member UserConfirmed"},
		{"a member the model lacks", exchange{action: "SignUp", req: []byte(`{"ClientId":"c","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"UserConfirmed":true,"UserSub":"s","Extra":1}`)}, "member Extra is not in SignUpResponse"},
		{"a wrong type", exchange{action: "SignUp", req: []byte(`{"ClientId":"c","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"UserConfirmed":"true","UserSub":"s"}`)}, "want a boolean"},
		{"a value outside the enum", exchange{action: "AdminGetUser", req: []byte(`{"UserPoolId":"p","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"Username":"u","UserStatus":"HAPPY"}`)}, "not in the enum"},
		{"a timestamp as text", exchange{action: "AdminGetUser", req: []byte(`{"UserPoolId":"p","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"Username":"u","UserCreateDate":"2026-05-01"}`)}, "epoch seconds"},
		{"an accepted request without a required member", exchange{action: "SignUp", req: []byte(`{"Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"UserConfirmed":true,"UserSub":"s"}`)}, "accepted a request the model refuses"},
		{"a declared error", exchange{action: "SignUp", req: []byte(`{}`), status: 400, ctype: contentType, resp: []byte(`{"__type":"UsernameExistsException","message":"m"}`)}, ""},
		{"a common error", exchange{action: "SignUp", req: []byte(`x`), status: 400, ctype: contentType, resp: []byte(`{"__type":"SerializationException","message":"m"}`)}, ""},
		{"an undeclared error", exchange{action: "GetUser", req: []byte(`{}`), status: 400, ctype: contentType, resp: []byte(`{"__type":"UsernameExistsException","message":"m"}`)}, "neither declared for GetUser nor common"},
		{"a client error as 500", exchange{action: "SignUp", req: []byte(`{}`), status: 500, ctype: contentType, resp: []byte(`{"__type":"InvalidParameterException","message":"m"}`)}, "want 4xx"},
		{"a server error as 400", exchange{action: "SignUp", req: []byte(`{}`), status: 400, ctype: contentType, resp: []byte(`{"__type":"InternalErrorException","message":"m"}`)}, "want 5xx"},
		{"an error with a namespace", exchange{action: "SignUp", req: []byte(`{}`), status: 400, ctype: contentType, resp: []byte(`{"__type":"com.amazonaws.cognito#InvalidParameterException","message":"m"}`)}, ""},
		{"no output but a body", exchange{action: "AdminDeleteUser", req: []byte(`{"UserPoolId":"p","Username":"u"}`), status: 200, ctype: contentType, resp: []byte(`{"Deleted":true}`)}, "want {}"},
		{"the wrong content type", exchange{action: "AdminDeleteUser", req: []byte(`{"UserPoolId":"p","Username":"u"}`), status: 200, ctype: "application/json", resp: []byte(`{}`)}, "Content-Type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := model.violations(tt.e)
			if tt.want == "" {
				if len(got) > 0 {
					t.Fatalf("got violations %q, want none", got)
				}
				return
			}
			if !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, tt.want) }) {
				t.Fatalf("got violations %q, want one containing %q", got, tt.want)
			}
		})
	}
}
