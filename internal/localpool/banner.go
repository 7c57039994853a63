package localpool

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// AmplifyConfig is the Amplify v6 configuration of the pool, ready to pass
// to Amplify.configure once encoded as JSON.
type AmplifyConfig struct {
	Auth struct {
		Cognito struct {
			UserPoolID       string `json:"userPoolId"`
			UserPoolClientID string `json:"userPoolClientId"`
			UserPoolEndpoint string `json:"userPoolEndpoint"`
			LoginWith        struct {
				Phone bool `json:"phone"`
			} `json:"loginWith"`
		} `json:"Cognito"`
	} `json:"Auth"`
}

// AmplifyConfig returns the Amplify v6 configuration that points at the server.
func (s *Server) AmplifyConfig() AmplifyConfig {
	var c AmplifyConfig
	c.Auth.Cognito.UserPoolID = s.opts.PoolID
	c.Auth.Cognito.UserPoolClientID = s.opts.ClientID
	c.Auth.Cognito.UserPoolEndpoint = strings.TrimSuffix(s.opts.BaseURL, "/")
	c.Auth.Cognito.LoginWith.Phone = true
	return c
}

// WriteBanner prints where the server listens, the Amplify configuration to
// paste, and where SMS and keys are.
func (s *Server) WriteBanner(w io.Writer) error {
	cfg, err := json.MarshalIndent(s.AmplifyConfig(), "  ", "  ")
	if err != nil {
		return fmt.Errorf("encode amplify config: %w", err)
	}
	base := strings.TrimSuffix(s.opts.BaseURL, "/")
	store := "data dir " + s.opts.DataDir
	if s.opts.InMemory {
		store = "in memory (nothing is kept after exit)"
	}
	key := "any access key"
	if c := s.opts.AdminCredentials; c != nil {
		key = "access key " + c.AccessKeyID
	}
	extra := ""
	if custom := s.schema.CustomAttributes(); len(custom) > 0 {
		extra += fmt.Sprintf("  custom attributes: %s\n", strings.Join(custom, ", "))
	}
	if s.opts.WebDir != "" {
		extra += fmt.Sprintf("  web page:   %s/ (from %s)\n", base, s.opts.WebDir)
	}
	_, err = fmt.Fprintf(w, `phonepass local Cognito user pool listening on %s
  user pool:  %s   app client: %s   storage: %s
  Cognito API: POST %s/   (Amplify userPoolEndpoint, SDK endpoint / BaseEndpoint)
  SMS outbox: %s%s   (codes are also printed here)
  JWKS:       %s/.well-known/jwks.json   (iss %s)
  Admin API:  SigV4-signed with %s, region %s (backends; no page from a foreign origin)
%s
Amplify v6 (JavaScript):
  Amplify.configure(%s);
  // sign in: signIn({ username: '+447700900123', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } })

`, base, s.opts.PoolID, s.opts.ClientID, store, base, base, OutboxPath, s.tokens.issuer, s.tokens.issuer, key, s.region, extra, cfg)
	if err != nil {
		return fmt.Errorf("write banner: %w", err)
	}
	return nil
}
