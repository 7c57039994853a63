package localpool

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestAdminDisableEnable(t *testing.T) {
	const phone = "+447700900400"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	res := p.signedIn(t, phone)
	user := &cip.AdminDisableUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(phone)}
	if _, err := p.client.AdminDisableUser(ctx, user); err != nil {
		t.Fatalf("disable: %v", err)
	}
	if got, err := p.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(phone)}); err != nil || got.Enabled {
		t.Fatalf("admin get: got %v, %v; want the user disabled", got, err)
	}
	_, err := p.client.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID), AuthParameters: map[string]string{"USERNAME": phone}})
	wantAPIError(t, err, TypeNotAuthorized, MsgUserDisabled)
	_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	wantAPIError(t, err, TypeNotAuthorized, MsgUserDisabled)
	_, err = p.refresh(res.RefreshToken)
	wantAPIError(t, err, TypeNotAuthorized, MsgUserDisabled)

	if _, err := p.client.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(phone)}); err != nil {
		t.Fatalf("enable: %v", err)
	}
	// Disabling revoked the tokens of the time before.
	_, err = p.refresh(res.RefreshToken)
	wantAPIError(t, err, TypeNotAuthorized, "Refresh Token has been revoked")
	first := p.initiate(t, phone)
	if out, err := p.respond(first, first.Session, p.code(t, phone), nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign in after enable: got %v, want tokens", err)
	}
	_, err = p.client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String("+447700900499")})
	wantAPIError(t, err, TypeUserNotFound, MsgUserNotExist)
}

// TestAdminAuthFlows signs in from a backend: AdminInitiateAuth and
// AdminRespondToAuthChallenge with CUSTOM_AUTH, then REFRESH_TOKEN_AUTH,
// GetTokensFromRefreshToken and AdminUserGlobalSignOut.
func TestAdminAuthFlows(t *testing.T) {
	const phone = "+447700900410"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	sub := p.signUp(t, phone)
	pool, client := aws.String(DefaultPoolID), aws.String(DefaultClientID)
	first, err := p.client.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: client, AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": phone}})
	if err != nil || first.ChallengeName != types.ChallengeNameTypeCustomChallenge || first.ChallengeParameters["USERNAME"] != sub {
		t.Fatalf("admin initiate: got %+v, %v; want a custom challenge for %s", first, err, sub)
	}
	answer := func(session *string, code string) (*cip.AdminRespondToAuthChallengeOutput, error) {
		return p.client.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: pool, ClientId: client,
			ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": sub, "ANSWER": code}})
	}
	code := p.code(t, phone)
	wrong, err := answer(first.Session, wrongCode(code))
	if err != nil || wrong.ChallengeParameters["attemptsLeft"] != "2" {
		t.Fatalf("wrong code: got %+v, %v; want a new challenge with 2 attempts left", wrong, err)
	}
	done, err := answer(wrong.Session, code)
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("right code: got %v, want tokens", err)
	}
	tokens := done.AuthenticationResult

	ref, err := p.client.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: client, AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
	if err != nil || ref.AuthenticationResult == nil || ref.AuthenticationResult.RefreshToken != nil {
		t.Fatalf("admin refresh: got %+v, %v; want new tokens and no refresh token", ref, err)
	}
	got, err := p.client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: client, RefreshToken: tokens.RefreshToken})
	if err != nil || got.AuthenticationResult == nil || got.AuthenticationResult.AccessToken == nil {
		t.Fatalf("GetTokensFromRefreshToken: got %+v, %v; want new tokens", got, err)
	}
	if _, err := p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: got.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("get user with the new access token: %v", err)
	}
	_, err = p.client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: client, RefreshToken: aws.String("nope")})
	wantAPIError(t, err, TypeNotAuthorized, "Invalid Refresh Token")

	if _, err := p.client.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: aws.String(phone)}); err != nil {
		t.Fatalf("admin global sign out: %v", err)
	}
	_, err = p.client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: client, RefreshToken: tokens.RefreshToken})
	wantAPIError(t, err, TypeNotAuthorized, "Refresh Token has been revoked")
	_, err = p.client.GetUser(ctx, &cip.GetUserInput{AccessToken: got.AuthenticationResult.AccessToken})
	wantAPIError(t, err, TypeNotAuthorized, MsgAccessRevoked)

	_, err = p.client.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String("us-east-1_other"), ClientId: client, AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": phone}})
	wantAPIError(t, err, TypeResourceNotFound, "User pool us-east-1_other does not exist.")
	_, err = p.client.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: client, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": phone, "PASSWORD": "x"}})
	wantAPIError(t, err, TypeInvalidParameter, "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")
}

// TestDescribe checks that DescribeUserPool and DescribeUserPoolClient
// report the settings template.yaml deploys.
func TestDescribe(t *testing.T) {
	ctx := context.Background()
	p := startPool(t, poolSetup{custom: []string{"tenant"}})
	p.signUp(t, "+447700900420")
	pool, err := p.client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(DefaultPoolID)})
	if err != nil {
		t.Fatalf("describe pool: %v", err)
	}
	up := pool.UserPool
	if aws.ToString(up.Id) != DefaultPoolID || !slices.Equal(up.UsernameAttributes, []types.UsernameAttributeType{types.UsernameAttributeTypePhoneNumber}) ||
		up.MfaConfiguration != types.UserPoolMfaTypeOff || up.EstimatedNumberOfUsers != 1 || up.AdminCreateUserConfig == nil || up.AdminCreateUserConfig.AllowAdminCreateUserOnly ||
		up.UsernameConfiguration == nil || aws.ToBool(up.UsernameConfiguration.CaseSensitive) || up.LambdaConfig == nil || up.LambdaConfig.DefineAuthChallenge == nil {
		t.Fatalf("describe pool: got %+v", up)
	}
	schema := map[string]types.SchemaAttributeType{}
	for _, a := range up.SchemaAttributes {
		schema[aws.ToString(a.Name)] = a
	}
	if a, ok := schema["phone_number"]; !ok || !aws.ToBool(a.Mutable) || aws.ToBool(a.Required) {
		t.Fatalf("schema phone_number: got %+v, want mutable and not required", a)
	}
	if _, ok := schema["custom:tenant"]; !ok || len(schema) != len(standardAttributes)+1 {
		t.Fatalf("schema: got %d attributes, want the %d standard ones and custom:tenant", len(schema), len(standardAttributes))
	}

	c, err := p.client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(DefaultPoolID), ClientId: aws.String(DefaultClientID)})
	if err != nil {
		t.Fatalf("describe client: %v", err)
	}
	uc := c.UserPoolClient
	wantWrite := append(append([]string(nil), clientWriteAttributes...), "custom:tenant")
	slices.Sort(wantWrite)
	if !slices.Equal(uc.WriteAttributes, wantWrite) {
		t.Errorf("WriteAttributes: got %v, want %v", uc.WriteAttributes, wantWrite)
	}
	if !slices.Equal(uc.ExplicitAuthFlows, []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}) {
		t.Errorf("ExplicitAuthFlows: got %v", uc.ExplicitAuthFlows)
	}
	if uc.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled || !aws.ToBool(uc.EnableTokenRevocation) ||
		aws.ToInt32(uc.AuthSessionValidity) != 3 || uc.AccessTokenValidity == nil || *uc.AccessTokenValidity != 60 || *uc.IdTokenValidity != 60 || uc.RefreshTokenValidity != 30 ||
		uc.TokenValidityUnits == nil || uc.TokenValidityUnits.RefreshToken != types.TimeUnitsTypeDays || uc.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes || uc.ClientSecret != nil {
		t.Errorf("describe client: got %+v", uc)
	}
	_, err = p.client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(DefaultPoolID), ClientId: aws.String("other")})
	wantAPIError(t, err, TypeResourceNotFound, "User pool client other does not exist.")
}
