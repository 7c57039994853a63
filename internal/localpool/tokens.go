// Tokens: the pool's JWTs (issuing, checking, the key set they verify
// with), refresh tokens, and the tokens that a sign-in or
// REFRESH_TOKEN_AUTH returns.

package localpool

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Token lifetimes, Cognito's defaults.
const (
	AccessTokenTTL  = time.Hour
	RefreshTokenTTL = 30 * 24 * time.Hour
)

// accessScope is the scope of an access token from the user pool API.
const accessScope = "aws.cognito.signin.user.admin"

// tokenSigner signs and checks the pool's JWTs with one RSA key.
type tokenSigner struct {
	key    *rsa.PrivateKey
	kid    string
	signer jose.Signer
	issuer string
}

func newTokenSigner(key *rsa.PrivateKey, issuer string) (*tokenSigner, error) {
	jwk := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("key thumbprint: %w", err)
	}
	kid := base64.StdEncoding.EncodeToString(tp)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, nil)
	if err != nil {
		return nil, fmt.Errorf("new signer: %w", err)
	}
	return &tokenSigner{key: key, kid: kid, signer: signer, issuer: issuer}, nil
}

// jwks returns the JSON Web Key Set with the public key.
func (t *tokenSigner) jwks() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &t.key.PublicKey, KeyID: t.kid, Algorithm: string(jose.RS256), Use: "sig"}}}
}

// authResult is the AuthenticationResult of a sign-in or refresh.
type authResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	IDToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType"`
}

// issue makes ID and access tokens for u, tied to originJTI, as an
// authResult without a refresh token. attrs are the attribute claims of the
// ID token (Schema.idClaims, which leaves out reservedClaims); the pool's
// own claims are set after them, so that no attribute can stand in for one.
func (t *tokenSigner) issue(u User, attrs map[string]any, clientID, originJTI string, authTime, now time.Time) (*authResult, error) {
	exp := now.Add(AccessTokenTTL).Unix()
	eventID := newUUID()
	id := make(map[string]any, len(attrs)+11)
	for k, v := range attrs {
		id[k] = v
	}
	for k, v := range map[string]any{
		"sub":              u.Username,
		"cognito:username": u.Username,
		"aud":              clientID,
		"event_id":         eventID,
		"token_use":        "id",
		"auth_time":        authTime.Unix(),
		"iss":              t.issuer,
		"exp":              exp,
		"iat":              now.Unix(),
		"jti":              newUUID(),
		"origin_jti":       originJTI,
	} {
		id[k] = v
	}
	access := map[string]any{
		"sub":        u.Username,
		"iss":        t.issuer,
		"client_id":  clientID,
		"origin_jti": originJTI,
		"event_id":   eventID,
		"token_use":  "access",
		"scope":      accessScope,
		"auth_time":  authTime.Unix(),
		"exp":        exp,
		"iat":        now.Unix(),
		"jti":        newUUID(),
		"username":   u.Username,
	}
	r := &authResult{ExpiresIn: int(AccessTokenTTL.Seconds()), TokenType: "Bearer"}
	var err error
	if r.IDToken, err = jwt.Signed(t.signer).Claims(id).Serialize(); err != nil {
		return nil, fmt.Errorf("sign id token: %w", err)
	}
	if r.AccessToken, err = jwt.Signed(t.signer).Claims(access).Serialize(); err != nil {
		return nil, fmt.Errorf("sign access token: %w", err)
	}
	return r, nil
}

// accessClaims are the claims the pool reads back from an access token.
type accessClaims struct {
	Sub       string          `json:"sub"`
	Issuer    string          `json:"iss"`
	ClientID  string          `json:"client_id"`
	OriginJTI string          `json:"origin_jti"`
	TokenUse  string          `json:"token_use"`
	Expires   int64           `json:"exp"`
	IssuedAt  int64           `json:"iat"`
	Username  string          `json:"username"`
	Audience  json.RawMessage `json:"aud"` // an ID token's; an access token has none
}

// IssuedAtLeeway is how far in the future an access token's iat may be:
// the pool signs with its own clock, so a token from further ahead was not
// made by this pool as it runs now.
const IssuedAtLeeway = 5 * time.Second

// Errors of parseAccess, worded as Cognito words them.
var (
	errInvalidAccess = errors.New("Invalid Access Token")
	errExpiredAccess = errors.New("Access Token has expired")
)

// parseAccess checks an access token: its signature, issuer, token_use,
// app client (clientID), subject, issue time and expiry.
func (t *tokenSigner) parseAccess(token, clientID string, now time.Time) (accessClaims, error) {
	var c accessClaims
	if len(token) > 8192 {
		return c, errInvalidAccess
	}
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 || tok.Headers[0].KeyID != t.kid {
		return c, errInvalidAccess
	}
	if err := tok.Claims(&t.key.PublicKey, &c); err != nil {
		return c, errInvalidAccess
	}
	switch {
	case c.Issuer != t.issuer, c.TokenUse != "access", len(c.Audience) != 0,
		c.ClientID != clientID, c.Username == "", c.Sub != c.Username, c.OriginJTI == "",
		c.IssuedAt == 0, c.Expires <= c.IssuedAt, time.Unix(c.IssuedAt, 0).After(now.Add(IssuedAtLeeway)):
		return c, errInvalidAccess
	case now.Unix() >= c.Expires:
		return c, errExpiredAccess
	}
	return c, nil
}

// accessUser checks an access token (parseAccess) and returns its user:
// the refresh token it comes from must be this user's and client's and not
// revoked, and the user must exist and be enabled.
func (s *Server) accessUser(token string) (User, error) {
	if token == "" {
		return User{}, missing("accessToken")
	}
	c, err := s.tokens.parseAccess(token, s.opts.ClientID, s.now())
	if err != nil {
		return User{}, notAuthorized(err.Error())
	}
	rec, err := s.store.Refresh(c.OriginJTI)
	switch {
	case errors.Is(err, errNotFound):
		return User{}, notAuthorized(MsgAccessRevoked)
	case err != nil:
		return User{}, err
	case rec.Username != c.Username || rec.ClientID != c.ClientID:
		return User{}, notAuthorized(errInvalidAccess.Error())
	}
	u, err := s.store.UserByUsername(c.Username)
	switch {
	case err != nil:
		return User{}, userErr(err)
	case !u.Enabled:
		return User{}, notAuthorized(MsgUserDisabled)
	case rec.Revoked:
		return User{}, notAuthorized(MsgAccessRevoked)
	}
	return u, nil
}

// openIDConfiguration is the discovery document at
// /<poolId>/.well-known/openid-configuration.
func (t *tokenSigner) openIDConfiguration() ([]byte, error) {
	return json.Marshal(map[string]any{
		"issuer":                                t.issuer,
		"jwks_uri":                              t.issuer + "/.well-known/jwks.json",
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "token"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"claims_supported":                      []string{"sub", "cognito:username", "phone_number", "phone_number_verified", "token_use", "auth_time", "iss", "aud", "exp", "iat", "jti", "origin_jti"},
	})
}

// newRefreshToken returns a new opaque refresh token and its hash, the form
// in which it is stored.
func newRefreshToken() (token, hash string) {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatUUID(b[:])
}

// formatUUID writes 16 bytes as a UUID of version 4's form, setting its
// version and variant bits.
func formatUUID(b []byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// signIn makes a new refresh token and the ID and access tokens for u.
func (s *Server) signIn(u User, clientID string) (*authResult, error) {
	now := s.now()
	origin := newUUID()
	refresh, hash := newRefreshToken()
	rec := refreshRecord{TokenHash: hash, Username: u.Username, ClientID: clientID, AuthTime: now, Expires: now.Add(RefreshTokenTTL)}
	if err := s.store.PutRefresh(origin, rec); err != nil {
		return nil, err
	}
	r, err := s.tokens.issue(u, s.schema.idClaims(u), clientID, origin, now, now)
	if err != nil {
		return nil, err
	}
	r.RefreshToken = refresh
	return r, nil
}

// refresh serves REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken: new ID
// and access tokens with the same origin_jti and auth_time, no new refresh
// token (the template enables no rotation). The refresh token must be
// clientID's, live, and its user's, who must exist and be enabled.
func (s *Server) refresh(token, clientID string) (*authResult, error) {
	if token == "" {
		return nil, invalidParam("Missing required parameter REFRESH_TOKEN")
	}
	origin, rec, err := s.store.RefreshByToken(hashToken(token))
	if errors.Is(err, errNotFound) || (err == nil && rec.ClientID != clientID) {
		return nil, notAuthorized("Invalid Refresh Token")
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByUsername(rec.Username)
	now := s.now()
	switch {
	case errors.Is(err, errNotFound):
		return nil, notAuthorized("Refresh Token has been revoked")
	case err != nil:
		return nil, err
	case !u.Enabled:
		return nil, notAuthorized(MsgUserDisabled)
	case rec.Revoked:
		return nil, notAuthorized("Refresh Token has been revoked")
	case !now.Before(rec.Expires):
		return nil, notAuthorized("Refresh Token has expired")
	}
	return s.tokens.issue(u, s.schema.idClaims(u), rec.ClientID, origin, rec.AuthTime, now)
}
