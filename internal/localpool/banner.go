package localpool

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// AmplifyConfig returns the Amplify v6 configuration for the pool, ready to
// pass to Amplify.configure.
func (s *Server) AmplifyConfig() map[string]any {
	return map[string]any{"Auth": map[string]any{"Cognito": map[string]any{
		"userPoolId":       s.opts.PoolID,
		"userPoolClientId": s.opts.ClientID,
		"userPoolEndpoint": strings.TrimSuffix(s.opts.BaseURL, "/"),
		"loginWith":        map[string]any{"phone": true},
	}}}
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
	web := ""
	if s.opts.WebDir != "" {
		web = fmt.Sprintf("  web page:   %s/ (from %s)\n", base, s.opts.WebDir)
	}
	_, err = fmt.Fprintf(w, `phonepass local Cognito user pool listening on %s
  user pool:  %s   app client: %s   storage: %s
  Cognito API: POST %s/   (Amplify userPoolEndpoint, SDK endpoint / BaseEndpoint)
  SMS outbox: %s%s   (codes are also printed here)
  JWKS:       %s/.well-known/jwks.json   (iss %s)
%s
Amplify v6 (JavaScript):
  Amplify.configure(%s);
  // sign in: signIn({ username: '+447700900123', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } })

`, base, s.opts.PoolID, s.opts.ClientID, store, base, base, OutboxPath, s.tokens.issuer, s.tokens.issuer, web, cfg)
	if err != nil {
		return fmt.Errorf("write banner: %w", err)
	}
	return nil
}
