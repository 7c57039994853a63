package localpool

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Defaults of Options.
const (
	DefaultPoolID     = "us-east-1_phonepass"
	DefaultClientID   = "phonepasslocalappclient001"
	DefaultSessionTTL = 3 * time.Minute
	MinSessionTTL     = 3 * time.Minute
	MaxSessionTTL     = 15 * time.Minute
)

// MaxBodyBytes is the largest request body the API reads.
const MaxBodyBytes = 64 << 10

var (
	poolIDPattern   = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDPattern = regexp.MustCompile(`^[\w+]+$`)
)

// Options configures a Server.
type Options struct {
	// BaseURL is where clients reach the server, such as
	// "http://127.0.0.1:9229"; the token issuer is BaseURL + "/" + PoolID.
	BaseURL string
	// PoolID is the user pool ID, "<region>_<letters and digits>".
	PoolID string
	// ClientID is the ID of the pool's one app client.
	ClientID string
	// DataDir holds the database, unless InMemory.
	DataDir string
	// InMemory keeps nothing after Close.
	InMemory bool
	// SessionTTL is how long each challenge may take to answer: 3 to 15 minutes.
	SessionTTL time.Duration
	// Invoker runs the triggers. Required.
	Invoker Invoker
	// CodeKey keys the usernames the pool gives numbers with no account
	// (see CodeKey); empty means a fresh random one.
	CodeKey string
	// CustomAttributes names the custom attributes of the schema, with or
	// without the "custom:" prefix; the app client may write them.
	CustomAttributes []string
	// AdminCredentials, if not nil, is the one key pair whose SigV4
	// signatures admin calls must carry; nil accepts any well-formed
	// signature (see checkAdminAuth).
	AdminCredentials *AdminCredentials
	// Outbox, if not nil, is served at /_local/outbox.
	Outbox *Outbox
	// WebDir, if not empty, is served for GET requests, index.html for paths it lacks.
	WebDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives the server's own log lines; nil means none.
	Log *zap.Logger
}

// Server is the local user pool. It is an http.Handler, safe for
// concurrent use; Close releases its database.
type Server struct {
	opts   Options
	region string
	store  *Store
	tokens *tokenSigner
	log    *zap.Logger
	now    func() time.Time
	schema *Schema
	// started stands for the creation time of the pool and its client.
	started time.Time

	usernameKey []byte
	unknown     unknownNames

	sessions *sessionStore
}

// New checks opts, opens the store and returns a Server.
func New(opts Options) (*Server, error) {
	if opts.PoolID == "" {
		opts.PoolID = DefaultPoolID
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.CodeKey == "" {
		k, err := randomKey()
		if err != nil {
			return nil, err
		}
		opts.CodeKey = k
	}
	schema, err := NewSchema(opts.CustomAttributes)
	if err != nil {
		return nil, err
	}
	store, err := OpenStore(opts.DataDir, opts.InMemory)
	if err != nil {
		return nil, err
	}
	key, err := store.SigningKey()
	if err != nil {
		store.Close()
		return nil, err
	}
	ts, err := newTokenSigner(key, opts.Issuer())
	if err != nil {
		store.Close()
		return nil, err
	}
	return &Server{
		opts:     opts,
		region:   opts.PoolID[:strings.IndexByte(opts.PoolID, '_')],
		store:    store,
		tokens:   ts,
		log:      opts.Log,
		now:      opts.Now,
		schema:   schema,
		started:  opts.Now(),
		sessions: newSessionStore(MaxSessions, MaxSessionsPerName),

		usernameKey: []byte(opts.CodeKey),
	}, nil
}

func (o Options) validate() error {
	u, err := url.Parse(o.BaseURL)
	switch {
	case o.BaseURL == "":
		return errors.New("base URL is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/"):
		return fmt.Errorf("base URL %q must be http://host:port", o.BaseURL)
	case isUnspecifiedHost(u.Hostname()):
		return fmt.Errorf("base URL %q names no address a client can reach: give the pool's loopback or network address", o.BaseURL)
	case len(o.PoolID) > 55 || !poolIDPattern.MatchString(o.PoolID):
		return fmt.Errorf("pool id %q must be <region>_<letters and digits>, such as %s", o.PoolID, DefaultPoolID)
	case len(o.ClientID) > 128 || !clientIDPattern.MatchString(o.ClientID):
		return fmt.Errorf("client id %q must be 1 to 128 letters, digits, _ or +", o.ClientID)
	case o.SessionTTL < MinSessionTTL || o.SessionTTL > MaxSessionTTL:
		return fmt.Errorf("session validity %s is not in %s..%s", o.SessionTTL, MinSessionTTL, MaxSessionTTL)
	case o.Invoker == nil:
		return errors.New("invoker is required")
	case !o.InMemory && o.DataDir == "":
		return errors.New("data dir is required unless in memory")
	case o.AdminCredentials != nil && (o.AdminCredentials.AccessKeyID == "" || o.AdminCredentials.SecretAccessKey == ""):
		return errors.New("admin credentials need an access key ID and a secret access key")
	}
	return nil
}

// isUnspecifiedHost reports whether host is empty or an address that means
// "every interface" (0.0.0.0, ::), which no client can connect to.
func isUnspecifiedHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}

// Issuer returns the iss claim of the pool's tokens: BaseURL/PoolID.
func (o Options) Issuer() string {
	return strings.TrimSuffix(o.BaseURL, "/") + "/" + o.PoolID
}

// PoolID returns the user pool ID.
func (s *Server) PoolID() string { return s.opts.PoolID }

// ClientID returns the app client ID.
func (s *Server) ClientID() string { return s.opts.ClientID }

// Issuer returns the iss claim of the pool's tokens.
func (s *Server) Issuer() string { return s.tokens.issuer }

// Schema returns the pool's attribute schema.
func (s *Server) Schema() *Schema { return s.schema }

// Outbox returns the outbox the server was given, or nil.
func (s *Server) Outbox() *Outbox { return s.opts.Outbox }

// Close closes the store.
func (s *Server) Close() error { return s.store.Close() }

// checkClient checks the app client ID of a call.
func (s *Server) checkClient(id string) error {
	return checkID(id, s.opts.ClientID, "clientId", "User pool client", 128)
}

// checkPool checks the user pool ID of a call.
func (s *Server) checkPool(id string) error {
	return checkID(id, s.opts.PoolID, "userPoolId", "User pool", 64)
}

// checkID checks that a call gave in member the ID id and that it is want,
// the pool's own; what names the resource in the error for another, which
// shows at most n characters of id.
func checkID(id, want, member, what string, n int) error {
	if id == "" {
		return missing(member)
	}
	if id != want {
		return apiErr(TypeResourceNotFound, "%s %s does not exist.", what, truncate(id, n))
	}
	return nil
}
