package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/phonepass/phonepass/internal/motoserver"
)

// RunMotoLoad measures moto's Cognito as RunLoad measures the local pool,
// with the same client code, options and bounds (opts.Env aside): it starts
// moto as its users run it (motoserver.Threaded), makes a user pool and an
// app client that allows USER_PASSWORD_AUTH, creates opts.Users users with a permanent password
// (AdminCreateUser, then AdminSetUserPassword), and then opts.Clients
// concurrent clients sign them in, each sign-in one InitiateAuth
// USER_PASSWORD_AUTH that answers with tokens. moto does not check
// signatures, so the set-up calls go unsigned like the rest.
func RunMotoLoad(ctx context.Context, opts LoadOptions) (MotoResult, error) {
	if err := opts.check(); err != nil {
		return MotoResult{}, err
	}
	m, err := motoserver.Start(ctx, motoserver.Threaded)
	if err != nil {
		return MotoResult{}, err
	}
	defer m.Close()
	r, err := runMoto(ctx, m, opts)
	return MotoResult{LoadResult: r, Version: m.Version}, err
}

// MotoResult is what RunMotoLoad measured, and of which moto.
type MotoResult struct {
	LoadResult
	// Version is moto's.
	Version string
}

// runMoto sets up and measures the moto server m for RunMotoLoad.
func runMoto(ctx context.Context, m *motoserver.Server, opts LoadOptions) (LoadResult, error) {
	c := newClient(m.URL, "", opts.Clients)
	defer c.http.CloseIdleConnections()

	var pool struct{ UserPool struct{ Id string } }
	if err := c.call(ctx, "CreateUserPool", map[string]any{"PoolName": "phonepass-bench"}, &pool); err != nil {
		return LoadResult{}, err
	}
	poolID := pool.UserPool.Id
	var app struct{ UserPoolClient struct{ ClientId string } }
	if err := c.call(ctx, "CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "phonepass-bench",
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	}, &app); err != nil {
		return LoadResult{}, err
	}
	c.clientID = app.UserPoolClient.ClientId
	if poolID == "" || c.clientID == "" {
		return LoadResult{}, fmt.Errorf("moto: got pool %q and app client %q, want both", poolID, c.clientID)
	}

	return setUpAndMeasure(ctx, opts, m.CPU, func(ctx context.Context, u *user) error {
		var out struct{}
		if err := c.call(ctx, "AdminCreateUser", map[string]any{
			"UserPoolId": poolID, "Username": u.phone, "MessageAction": "SUPPRESS",
			"UserAttributes": []map[string]string{{"Name": "phone_number", "Value": u.phone}},
		}, &out); err != nil {
			return err
		}
		return c.call(ctx, "AdminSetUserPassword", map[string]any{
			"UserPoolId": poolID, "Username": u.phone, "Password": u.password(), "Permanent": true,
		}, &out)
	}, c.passwordSignIn)
}

// passwordSignIn runs one USER_PASSWORD_AUTH sign-in of u and returns how
// long it took.
func (c *client) passwordSignIn(ctx context.Context, u *user) (time.Duration, error) {
	t0 := time.Now()
	var a authAnswer
	if err := c.call(ctx, "InitiateAuth", map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": c.clientID,
		"AuthParameters": map[string]string{"USERNAME": u.phone, "PASSWORD": u.password()},
	}, &a); err != nil {
		return 0, err
	}
	if a.AuthenticationResult == nil || a.AuthenticationResult.IdToken == "" || a.AuthenticationResult.AccessToken == "" {
		return 0, fmt.Errorf("InitiateAuth USER_PASSWORD_AUTH: got challenge %q and no tokens, want tokens", a.ChallengeName)
	}
	return time.Since(t0), nil
}
