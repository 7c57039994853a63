// Describe: DescribeUserPool and DescribeUserPoolClient, reporting the
// settings template.yaml deploys (with the local pool's session validity
// and custom attributes), so that a backend that reads them finds the same.

package localpool

import (
	"context"
	"strconv"
	"time"
)

// Names of the local pool and its client, in the template's pattern
// (<stack>-users, <stack>-app).
const (
	poolName   = "phonepass-local-users"
	clientName = "phonepass-local-app"
	// localAccount is the account ID in the ARNs the local pool reports.
	localAccount = "000000000000"
)

// Token validities of the template's defaults, in its units.
const (
	accessTokenMinutes = int(AccessTokenTTL / time.Minute)
	refreshTokenDays   = int(RefreshTokenTTL / (24 * time.Hour))
)

type poolIDInput struct {
	UserPoolID string `json:"UserPoolId"`
	ClientID   string `json:"ClientId"` // DescribeUserPoolClient's
}

// schemaAttributeType is Cognito's SchemaAttributeType.
type schemaAttributeType struct {
	Name                       string             `json:"Name"`
	AttributeDataType          string             `json:"AttributeDataType"`
	DeveloperOnlyAttribute     bool               `json:"DeveloperOnlyAttribute"`
	Mutable                    bool               `json:"Mutable"`
	Required                   bool               `json:"Required"`
	StringAttributeConstraints *map[string]string `json:"StringAttributeConstraints,omitempty"`
	NumberAttributeConstraints *map[string]string `json:"NumberAttributeConstraints,omitempty"`
}

func (s *Server) describeUserPool(_ context.Context, body []byte) (any, error) {
	var in poolIDInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return nil, err
	}
	n, err := s.store.CountUsers()
	if err != nil {
		return nil, err
	}
	var attrs []schemaAttributeType
	for _, a := range s.schema.ordered() {
		t := schemaAttributeType{Name: a.name, AttributeDataType: a.dataType, Mutable: a.mutable, Required: a.required}
		bounds := map[string]string{"MinLength": strconv.Itoa(a.min), "MaxLength": strconv.Itoa(a.max)}
		switch a.dataType {
		case "String":
			t.StringAttributeConstraints = &bounds
		case "Number":
			t.NumberAttributeConstraints = &map[string]string{"MinValue": "0"}
		}
		attrs = append(attrs, t)
	}
	trigger := "arn:aws:lambda:" + s.region + ":" + localAccount + ":function:PhonepassFunction"
	created := epochSeconds(s.started)
	return map[string]any{"UserPool": map[string]any{
		"Id":                 s.opts.PoolID,
		"Name":               poolName,
		"Arn":                "arn:aws:cognito-idp:" + s.region + ":" + localAccount + ":userpool/" + s.opts.PoolID,
		"CreationDate":       created,
		"LastModifiedDate":   created,
		"DeletionProtection": "ACTIVE",
		"UserPoolTier":       "LITE",
		"Policies": map[string]any{"PasswordPolicy": map[string]any{
			"MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true,
			"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
		}},
		"LambdaConfig": map[string]string{
			"PreSignUp": trigger, "DefineAuthChallenge": trigger,
			"CreateAuthChallenge": trigger, "VerifyAuthChallengeResponse": trigger,
		},
		"SchemaAttributes":            attrs,
		"UsernameAttributes":          []string{AttrPhone},
		"UsernameConfiguration":       map[string]bool{"CaseSensitive": false},
		"UserAttributeUpdateSettings": map[string][]string{"AttributesRequireVerificationBeforeUpdate": {}},
		"MfaConfiguration":            "OFF",
		"EstimatedNumberOfUsers":      n,
		"AdminCreateUserConfig":       map[string]any{"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7},
		"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []map[string]any{
			{"Name": "admin_only", "Priority": 1},
		}},
		"UserPoolAddOns": map[string]string{"AdvancedSecurityMode": "OFF"},
	}}, nil
}

func (s *Server) describeUserPoolClient(_ context.Context, body []byte) (any, error) {
	var in poolIDInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return nil, err
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	created := epochSeconds(s.started)
	return map[string]any{"UserPoolClient": map[string]any{
		"UserPoolId":                               s.opts.PoolID,
		"ClientName":                               clientName,
		"ClientId":                                 s.opts.ClientID,
		"CreationDate":                             created,
		"LastModifiedDate":                         created,
		"ExplicitAuthFlows":                        []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		"WriteAttributes":                          s.schema.writeAttributes(),
		"PreventUserExistenceErrors":               "ENABLED",
		"EnableTokenRevocation":                    true,
		"AuthSessionValidity":                      int(s.opts.SessionTTL / time.Minute),
		"AccessTokenValidity":                      accessTokenMinutes,
		"IdTokenValidity":                          accessTokenMinutes,
		"RefreshTokenValidity":                     refreshTokenDays,
		"TokenValidityUnits":                       map[string]string{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
		"AllowedOAuthFlowsUserPoolClient":          false,
		"EnablePropagateAdditionalUserContextData": false,
	}}, nil
}
