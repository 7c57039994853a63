package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/ratelimit"
)

// checks are the assertions on a transformed template. Each returns nil for
// a good template and an error saying what is wrong otherwise; the same
// functions run on template.yaml and on its broken copies (mutations).
// A new resource or rule gets its own check here and a mutation it catches.
var checks = []struct {
	name  string
	check func(*cfnTemplate) error
}{
	{"function", checkFunction},
	{"triggers", checkTriggers},
	{"invoke permission", checkPermission},
	{"user pool", checkUserPool},
	{"user pool retention", checkUserPoolRetention},
	{"threat protection", checkThreatProtection},
	{"app client", checkClient},
	{"role", checkRole},
	{"log group", checkLogGroup},
	{"send-limit table", checkRateLimitTable},
	{"code key secret", checkCodeKeySecret},
	{"config mapping", checkConfigMapping},
	{"parameter values", checkParameterValues},
	{"environment size", checkEnvironmentSize},
	{"outputs", checkOutputs},
	{"web acl", checkWebACL},
	{"alarms", checkAlarms},
	{"dashboard", checkDashboard},
}

// functionID is the logical ID of the one function; the Makefile's
// build-PhonepassFunction target is named after it.
const functionID = "PhonepassFunction"

// cognitoTriggers are the LambdaConfig keys the function must serve, and the only ones.
var cognitoTriggers = []string{"PreSignUp", "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"}

// wantAuthFlows are the app client's ExplicitAuthFlows, exactly.
var wantAuthFlows = []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}

// smsOnly is the NotResource of the sns:Publish statement: every SNS ARN
// (in any partition, hence the Fn::Sub), so that only direct publishing to
// phone numbers, which has no ARN, is allowed.
const smsOnly = "arn:${AWS::Partition}:sns:*:*:*"

// rateLimitTableID is the DynamoDB table of the send limits and the guess
// budget (package ratelimit).
const rateLimitTableID = "RateLimitTable"

// codeKeySecretID is the Secrets Manager secret that holds the code key.
const codeKeySecretID = "CodeKeySecret"

// resourceVars lists the variables of config.Names that name a resource of
// the stack rather than take a parameter: the value is a Ref to the resource,
// or an Fn::If of the resource's own condition between that Ref and "".
var resourceVars = map[string]string{
	config.EnvRateLimitTable: rateLimitTableID,
}

// secretVars lists the variables of config.Names that hold codeKeySecretID's
// SecretString through a dynamic reference, which CloudFormation resolves at
// deploy time: the key is in no parameter and the cold start calls nothing.
// The value is the parameter naming the version to take, or "" for the
// current one; a variable with a version parameter is an Fn::If of a
// condition that holds exactly when that parameter is set, else "".
var secretVars = map[string]string{
	config.EnvCodeKey:         "",
	config.EnvCodeKeyPrevious: "CodeKeyPreviousVersion",
}

// sampleVersionID is a Secrets Manager version ID, as put-secret-value returns it.
const sampleVersionID = "3f1c9a5e-7b2d-4c8e-9a61-0d2f4b6c8e10"

// localOnly lists the variables of config.Names that the template must not
// give a value, each with the reason. The template may declare one as the
// empty string (the code's default), because `sam local invoke --env-vars`
// can only override variables the template declares. Every other variable of
// config.Names must be a parameter mapped into the function's environment.
var localOnly = map[string]string{
	config.EnvDryRun: "it prints codes instead of sending them; the code honours it only under sam local " +
		"(where it defaults to true) and a deployed true fails every cold start",
}

// infraParameters are the template parameters that configure AWS resources
// rather than the function's environment.
var infraParameters = []string{
	"DeletionProtection", "AuthSessionValidityMinutes", "AccessTokenValidityMinutes",
	"IdTokenValidityMinutes", "RefreshTokenValidityDays", "LogRetentionDays", "UserPoolTier",
	"UserPoolDeletionPolicy", "AllowAdminCreateUserOnly", "ThreatProtection",
	"WebACLMode", "WebACLRateLimit", "WebACLSignInRateLimit", "WebACLIpReputation", "ExistingWebACLArn",
	"AlarmEmail", "SMSSpendAlarmUSD", "SendFailureAlarmThreshold", "RefusalAlarmThreshold",
}

// function returns the one Lambda function, which must be functionID.
func function(c *cfnTemplate) (cfnResource, error) {
	id, fn, err := c.only("AWS::Lambda::Function")
	if err != nil {
		return fn, err
	}
	if id != functionID {
		return fn, fmt.Errorf("got function %s, want %s (the Makefile builds build-%s)", id, functionID, functionID)
	}
	return fn, nil
}

func checkFunction(c *cfnTemplate) error {
	fn, err := function(c)
	if err != nil {
		return err
	}
	if n := len(c.ofType("AWS::Serverless::Function")); n != 0 {
		return fmt.Errorf("got %d untransformed AWS::Serverless::Function, want 0", n)
	}
	p := fn.Properties
	var errs []error
	want := map[string]string{"Runtime": "provided.al2023", "Handler": "bootstrap"}
	for k, v := range want {
		if got, _ := scalar(p[k]); got != v {
			errs = append(errs, fmt.Errorf("%s: got %v, want %s", k, p[k], v))
		}
	}
	if got, ok := stringList(p["Architectures"]); !ok || !slices.Equal(got, []string{"arm64"}) {
		errs = append(errs, fmt.Errorf("Architectures: got %v, want [arm64]", p["Architectures"]))
	}
	if m, ok := number(p["MemorySize"]); !ok || m < 128 || m > 256 {
		errs = append(errs, fmt.Errorf("MemorySize: got %v, want 128 to 256", p["MemorySize"]))
	}
	if s, ok := number(p["Timeout"]); !ok || time.Duration(s*float64(time.Second)) != config.FunctionTimeout {
		errs = append(errs, fmt.Errorf("Timeout: got %v, want config.FunctionTimeout, %s, which the time budget fits inside Cognito's %s", p["Timeout"], config.FunctionTimeout, config.CognitoTimeout))
	}
	if got, _ := scalar(fn.Metadata["BuildMethod"]); got != "makefile" {
		errs = append(errs, fmt.Errorf("Metadata.BuildMethod: got %v, want makefile (go1.x omits -tags lambda.norpc and CGO_ENABLED=0)", fn.Metadata["BuildMethod"]))
	}
	return errors.Join(errs...)
}

func checkTriggers(c *cfnTemplate) error {
	if _, err := function(c); err != nil {
		return err
	}
	_, pool, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	lc, _ := pool.Properties["LambdaConfig"].(map[string]any)
	var errs []error
	for _, trig := range cognitoTriggers {
		if !isArnOf(lc[trig], functionID) {
			errs = append(errs, fmt.Errorf("LambdaConfig.%s: got %v, want the ARN of %s", trig, lc[trig], functionID))
		}
	}
	for k := range lc {
		if !slices.Contains(cognitoTriggers, k) {
			errs = append(errs, fmt.Errorf("LambdaConfig.%s: unexpected trigger, want only %v", k, cognitoTriggers))
		}
	}
	return errors.Join(errs...)
}

func checkPermission(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	var errs []error
	scoped := 0
	for _, id := range c.ofType("AWS::Lambda::Permission") {
		p := c.Resources[id].Properties
		fnRef, _ := ref(p["FunctionName"])
		if !isArnOf(p["FunctionName"], functionID) && fnRef != functionID {
			continue
		}
		bad := false
		if got, _ := scalar(p["Action"]); got != "lambda:InvokeFunction" {
			errs = append(errs, fmt.Errorf("%s.Action: got %v, want lambda:InvokeFunction", id, p["Action"]))
			bad = true
		}
		if got, _ := scalar(p["Principal"]); got != "cognito-idp.amazonaws.com" {
			errs = append(errs, fmt.Errorf("%s.Principal: got %v, want cognito-idp.amazonaws.com", id, p["Principal"]))
			bad = true
		}
		if !isArnOf(p["SourceArn"], poolID) {
			errs = append(errs, fmt.Errorf("%s.SourceArn: got %v, want the ARN of %s (any other pool could invoke the function)", id, p["SourceArn"], poolID))
			bad = true
		}
		if !bad {
			scoped++
		}
	}
	if scoped == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("no AWS::Lambda::Permission lets %s invoke %s: every sign-in would fail", poolID, functionID))
	}
	return errors.Join(errs...)
}

func checkUserPool(c *cfnTemplate) error {
	_, pool, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	p := pool.Properties
	var errs []error
	if got, ok := stringList(p["UsernameAttributes"]); !ok || !slices.Equal(got, []string{"phone_number"}) {
		errs = append(errs, fmt.Errorf("UsernameAttributes: got %v, want [phone_number]", p["UsernameAttributes"]))
	}
	if p["AliasAttributes"] != nil {
		errs = append(errs, fmt.Errorf("AliasAttributes: got %v, want none (UsernameAttributes instead)", p["AliasAttributes"]))
	}
	// Self sign-up by default; administrator-created users only as a choice,
	// the one that goes with hidden unknown users.
	admin, _ := p["AdminCreateUserConfig"].(map[string]any)
	if err := wantChoice(c, admin["AllowAdminCreateUserOnly"], "AllowAdminCreateUserOnly", "false", "true"); err != nil {
		errs = append(errs, fmt.Errorf("AdminCreateUserConfig.AllowAdminCreateUserOnly: %w", err))
	}
	// phone_number: changed by administrators only, so Mutable, and not
	// Required, which Cognito allows only with phone_number in WriteAttributes.
	schema, _ := p["Schema"].([]any)
	i := slices.IndexFunc(schema, func(a any) bool { m, _ := a.(map[string]any); return m["Name"] == "phone_number" })
	if i < 0 {
		errs = append(errs, fmt.Errorf("Schema: got %v, want phone_number", p["Schema"]))
	} else if attr, _ := schema[i].(map[string]any); attr["Mutable"] != true || attr["Required"] == true {
		errs = append(errs, fmt.Errorf("Schema phone_number: got Mutable %v, Required %v; want Mutable true (administrators change numbers) "+
			"and not Required (Cognito would refuse an app client that cannot write it)", attr["Mutable"], attr["Required"]))
	}
	// Cognito's own verification SMS would be a second, unlimited SMS path.
	if p["UserAttributeUpdateSettings"] != nil {
		errs = append(errs, fmt.Errorf("UserAttributeUpdateSettings: got %v, want none (Cognito would send its own verification SMS)", p["UserAttributeUpdateSettings"]))
	}
	if got, _ := scalar(p["MfaConfiguration"]); got != "OFF" {
		errs = append(errs, fmt.Errorf("MfaConfiguration: got %v, want OFF", p["MfaConfiguration"]))
	}
	if v, ok := stringList(p["AutoVerifiedAttributes"]); p["AutoVerifiedAttributes"] != nil && (!ok || len(v) > 0) {
		errs = append(errs, fmt.Errorf("AutoVerifiedAttributes: got %v, want none (Cognito would send its own verification messages)", p["AutoVerifiedAttributes"]))
	}
	recovery, _ := p["AccountRecoverySetting"].(map[string]any)
	mechs, _ := recovery["RecoveryMechanisms"].([]any)
	if len(mechs) != 1 || mechs[0].(map[string]any)["Name"] != "admin_only" {
		errs = append(errs, fmt.Errorf("AccountRecoverySetting: got %v, want admin_only alone", p["AccountRecoverySetting"]))
	}
	if err := wantParameter(c, p["UserPoolTier"], "UserPoolTier"); err != nil {
		errs = append(errs, fmt.Errorf("UserPoolTier: %w", err))
	} else if d := c.Parameters["UserPoolTier"].Default; d != "LITE" {
		errs = append(errs, fmt.Errorf("parameter UserPoolTier: got default %v, want LITE (all phonepass needs, lowest price)", d))
	}
	if err := wantParameter(c, p["DeletionProtection"], "DeletionProtection"); err != nil {
		errs = append(errs, err)
	} else {
		name, _ := ref(p["DeletionProtection"])
		dp := c.Parameters[name]
		if d, _ := scalar(dp.Default); d != "ACTIVE" || len(dp.AllowedValues) != 2 {
			errs = append(errs, fmt.Errorf("parameter %s: got default %v of %v, want ACTIVE of [ACTIVE INACTIVE]", name, dp.Default, dp.AllowedValues))
		}
	}
	return errors.Join(errs...)
}

// wantChoice checks that v is a Ref to the parameter name, whose default is
// def and whose allowed values are exactly def and the others.
func wantChoice(c *cfnTemplate, v any, name, def string, others ...string) error {
	if err := wantParameter(c, v, name); err != nil {
		return err
	}
	p := c.Parameters[name]
	var got []string
	for _, a := range p.AllowedValues {
		s, _ := scalar(a)
		got = append(got, s)
	}
	want := append([]string{def}, others...)
	d, _ := scalar(p.Default)
	if d != def || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		return fmt.Errorf("parameter %s: got default %v of %v, want %s of %v", name, p.Default, p.AllowedValues, def, want)
	}
	return nil
}

// checkUserPoolRetention: the pool and its users outlive the stack and a
// replacement unless the UserPoolDeletionPolicy parameter says Delete.
func checkUserPoolRetention(c *cfnTemplate) error {
	id, pool, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	var errs []error
	if err := wantChoice(c, pool.DeletionPolicy, "UserPoolDeletionPolicy", "Retain", "Delete"); err != nil {
		errs = append(errs, fmt.Errorf("%s.DeletionPolicy: %w", id, err))
	}
	if err := wantParameter(c, pool.UpdateReplacePolicy, "UserPoolDeletionPolicy"); err != nil {
		errs = append(errs, fmt.Errorf("%s.UpdateReplacePolicy: %w", id, err))
	}
	// CloudFormation takes a Ref in these policies only through AWS::LanguageExtensions, applied before SAM's transform.
	lang := slices.Index(c.Transforms, "AWS::LanguageExtensions")
	if lang < 0 || lang > slices.Index(c.Transforms, "AWS::Serverless-2016-10-31") {
		errs = append(errs, fmt.Errorf("Transform: got %v, want AWS::LanguageExtensions before AWS::Serverless-2016-10-31", c.Transforms))
	}
	return errors.Join(errs...)
}

// checkThreatProtection: the ThreatProtection parameter (OFF by default)
// sets the pool's threat protection for custom authentication too, and a
// rule refuses it without the Plus plan, which it needs.
func checkThreatProtection(c *cfnTemplate) error {
	_, pool, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	if err := wantChoice(c, map[string]any{"Ref": "ThreatProtection"}, "ThreatProtection", "OFF", "AUDIT", "ENFORCED"); err != nil {
		return err
	}
	var errs []error
	for _, mode := range []string{"OFF", "AUDIT", "ENFORCED"} {
		got, present, err := c.resolve(pool.Properties["UserPoolAddOns"], map[string]string{"ThreatProtection": mode, "UserPoolTier": "PLUS"})
		var want any
		if mode != "OFF" {
			want = map[string]any{"AdvancedSecurityMode": mode, "AdvancedSecurityAdditionalFlows": map[string]any{"CustomAuthMode": mode}}
		}
		if !present {
			got = nil
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			errs = append(errs, fmt.Errorf("UserPoolAddOns with ThreatProtection %s: got %v (%v), want %v", mode, got, err, want))
		}
		for _, tier := range c.Parameters["UserPoolTier"].AllowedValues {
			t, _ := scalar(tier)
			allowed, err := c.rulesAllow(map[string]string{"ThreatProtection": mode, "UserPoolTier": t})
			if want := mode == "OFF" || t == "PLUS"; err != nil || allowed != want {
				errs = append(errs, fmt.Errorf("Rules with ThreatProtection %s and UserPoolTier %s: got allowed %v (%v), want %v (threat protection needs PLUS)", mode, t, allowed, err, want))
			}
		}
	}
	return errors.Join(errs...)
}

func checkClient(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	_, client, err := c.only("AWS::Cognito::UserPoolClient")
	if err != nil {
		return err
	}
	p := client.Properties
	var errs []error
	if got, _ := ref(p["UserPoolId"]); got != poolID {
		errs = append(errs, fmt.Errorf("UserPoolId: got %v, want Ref %s", p["UserPoolId"], poolID))
	}
	if p["GenerateSecret"] != false {
		errs = append(errs, fmt.Errorf("GenerateSecret: got %v, want false (browser and mobile apps cannot keep a secret)", p["GenerateSecret"]))
	}
	flows, ok := stringList(p["ExplicitAuthFlows"])
	sorted := slices.Sorted(slices.Values(flows))
	if !ok || !slices.Equal(sorted, wantAuthFlows) {
		errs = append(errs, fmt.Errorf("ExplicitAuthFlows: got %v, want exactly %v (users must never sign in with their sign-up password)", p["ExplicitAuthFlows"], wantAuthFlows))
	}
	if got, _ := scalar(p["PreventUserExistenceErrors"]); got != "ENABLED" {
		errs = append(errs, fmt.Errorf("PreventUserExistenceErrors: got %v, want ENABLED", p["PreventUserExistenceErrors"]))
	}
	// Users edit their profile but never the number codes go to, nor what
	// says an attribute was verified. Without WriteAttributes all are writable.
	write, ok := stringList(p["WriteAttributes"])
	if !ok || slices.ContainsFunc(write, func(a string) bool { return a == "phone_number" || strings.HasSuffix(a, "_verified") }) ||
		!slices.Contains(write, "name") || !slices.Contains(write, "locale") {
		errs = append(errs, fmt.Errorf("WriteAttributes: got %v, want the profile attributes (name, locale, ...) without phone_number and any *_verified", p["WriteAttributes"]))
	}
	for prop, param := range map[string]string{
		"AuthSessionValidity":  "AuthSessionValidityMinutes",
		"AccessTokenValidity":  "AccessTokenValidityMinutes",
		"IdTokenValidity":      "IdTokenValidityMinutes",
		"RefreshTokenValidity": "RefreshTokenValidityDays",
	} {
		if err := wantParameter(c, p[prop], param); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", prop, err))
		}
	}
	if as := c.Parameters["AuthSessionValidityMinutes"]; as.Type != "" {
		lo, _ := number(as.MinValue)
		hi, _ := number(as.MaxValue)
		if lo < 3 || hi > 15 || hi < lo {
			errs = append(errs, fmt.Errorf("AuthSessionValidityMinutes: got %v to %v, want within Cognito's 3 to 15", as.MinValue, as.MaxValue))
		}
	}
	// A stolen refresh token works for its whole lifetime.
	if rt := c.Parameters["RefreshTokenValidityDays"]; rt.Type != "" {
		if hi, ok := number(rt.MaxValue); !ok || hi > 90 {
			errs = append(errs, fmt.Errorf("RefreshTokenValidityDays: got MaxValue %v, want at most 90 days", rt.MaxValue))
		}
	}
	units, _ := p["TokenValidityUnits"].(map[string]any)
	if units["AccessToken"] != "minutes" || units["IdToken"] != "minutes" || units["RefreshToken"] != "days" {
		errs = append(errs, fmt.Errorf("TokenValidityUnits: got %v, want minutes, minutes, days as the parameter names say", p["TokenValidityUnits"]))
	}
	return errors.Join(errs...)
}

// wantParameter checks that v is a Ref to the parameter name, which exists.
func wantParameter(c *cfnTemplate, v any, name string) error {
	if got, ok := ref(v); !ok || got != name {
		return fmt.Errorf("got %v, want Ref %s", v, name)
	}
	if _, ok := c.Parameters[name]; !ok {
		return fmt.Errorf("parameter %s is missing", name)
	}
	return nil
}

// statement is one IAM policy statement.
type statement map[string]any

// roleRule checks the actions of one service in an Allow statement of the
// function's role. A new AWS service the function uses gets a rule here.
type roleRule func(c *cfnTemplate, action string, s statement) error

// roleRules are the only services the function's role may use.
var roleRules = map[string]roleRule{
	"sns":      snsRule,
	"logs":     logsRule,
	"dynamodb": dynamodbRule,
}

// snsRule allows sns:Publish to phone numbers only: no Resource, and a
// NotResource covering every SNS ARN, so no topic can be published to.
func snsRule(_ *cfnTemplate, action string, s statement) error {
	if !strings.EqualFold(action, "sns:Publish") {
		return fmt.Errorf("allows %s, want only sns:Publish", action)
	}
	if s["Resource"] != nil {
		return fmt.Errorf("sns:Publish on Resource %v allows publishing to topics, want NotResource %s only", s["Resource"], smsOnly)
	}
	nr, ok := sub(s["NotResource"])
	if list, isList := s["NotResource"].([]any); isList && len(list) == 1 {
		nr, ok = sub(list[0])
	}
	if !ok || nr != smsOnly {
		return fmt.Errorf("sns:Publish with NotResource %v, want exactly %s (no topics)", s["NotResource"], smsOnly)
	}
	return nil
}

// logsRule allows writing log events to the function's own log group only.
func logsRule(c *cfnTemplate, action string, s statement) error {
	if !slices.ContainsFunc([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, func(a string) bool { return strings.EqualFold(a, action) }) {
		return fmt.Errorf("allows %s, want only logs:CreateLogStream and logs:PutLogEvents", action)
	}
	group, err := logGroupID(c)
	if err != nil {
		return err
	}
	res, _ := stringListOrValues(s["Resource"])
	if len(res) == 0 || s["NotResource"] != nil {
		return fmt.Errorf("%s on %v / NotResource %v, want Resource the ARN of %s", action, s["Resource"], s["NotResource"], group)
	}
	for _, r := range res {
		if !isArnOf(r, group) {
			return fmt.Errorf("%s on %v, want only the ARN of %s", action, r, group)
		}
	}
	return nil
}

// dynamodbActions are the item actions the limiter uses: UpdateItem for
// counters; GetItem (consistent), UpdateItem and DeleteItem for the guess budget.
var dynamodbActions = []string{"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}

// dynamodbRule allows the limiter's item actions on its table only.
func dynamodbRule(c *cfnTemplate, action string, s statement) error {
	if !slices.ContainsFunc(dynamodbActions, func(a string) bool { return strings.EqualFold(a, action) }) {
		return fmt.Errorf("allows %s, want only %v", action, dynamodbActions)
	}
	if c.Resources[rateLimitTableID].Type != "AWS::DynamoDB::Table" {
		return fmt.Errorf("allows %s but there is no table %s", action, rateLimitTableID)
	}
	res, ok := stringListOrValues(s["Resource"])
	if !ok || len(res) != 1 || !isArnOf(res[0], rateLimitTableID) || s["NotResource"] != nil {
		return fmt.Errorf("%s on %v, want only the ARN of %s", action, s["Resource"], rateLimitTableID)
	}
	return nil
}

// stringListOrValues returns v as a list: the elements of an array, or v alone.
func stringListOrValues(v any) ([]any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case []any:
		return x, true
	}
	return []any{v}, true
}

// logGroupID returns the log group the function writes to (LoggingConfig.LogGroup).
func logGroupID(c *cfnTemplate) (string, error) {
	fn, err := function(c)
	if err != nil {
		return "", err
	}
	lc, _ := fn.Properties["LoggingConfig"].(map[string]any)
	id, ok := ref(lc["LogGroup"])
	if !ok || c.Resources[id].Type != "AWS::Logs::LogGroup" {
		return "", fmt.Errorf("LoggingConfig.LogGroup: got %v, want Ref to an AWS::Logs::LogGroup of the template", lc["LogGroup"])
	}
	return id, nil
}

func checkRole(c *cfnTemplate) error {
	fn, err := function(c)
	if err != nil {
		return err
	}
	roleID, attr, ok := getAtt(fn.Properties["Role"])
	if !ok || attr != "Arn" || c.Resources[roleID].Type != "AWS::IAM::Role" {
		return fmt.Errorf("Role: got %v, want the ARN of an AWS::IAM::Role of the template", fn.Properties["Role"])
	}
	role := c.Resources[roleID].Properties
	var errs []error
	if m, _ := role["ManagedPolicyArns"].([]any); len(m) > 0 {
		errs = append(errs, fmt.Errorf("%s.ManagedPolicyArns: got %v, want none (AWSLambdaBasicExecutionRole writes to every log group)", roleID, m))
	}
	var docs []any
	policies, _ := role["Policies"].([]any)
	for _, p := range policies {
		for _, branch := range expandIf(p) {
			pm, _ := branch.(map[string]any)
			docs = append(docs, pm["PolicyDocument"])
		}
	}
	for id, r := range c.Resources { // policies attached to the role from outside
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy":
			roles, _ := r.Properties["Roles"].([]any)
			name, _ := ref(r.Properties["RoleName"])
			if name == roleID || slices.ContainsFunc(roles, func(v any) bool { n, _ := ref(v); return n == roleID }) {
				docs = append(docs, r.Properties["PolicyDocument"])
			} else if len(roles) > 0 || name != "" {
				continue
			} else {
				errs = append(errs, fmt.Errorf("%s: policy attached to nothing this check understands", id))
			}
		}
	}
	allowed := map[string]bool{}
	for _, d := range docs {
		dm, _ := d.(map[string]any)
		stmts, _ := dm["Statement"].([]any)
		if s, ok := dm["Statement"].(map[string]any); ok {
			stmts = []any{s}
		}
		for _, raw := range stmts {
			s, _ := raw.(map[string]any)
			if s["Effect"] != "Allow" {
				continue
			}
			if s["NotAction"] != nil {
				errs = append(errs, fmt.Errorf("statement with NotAction %v allows nearly everything", s["NotAction"]))
				continue
			}
			actions, ok := stringList(s["Action"])
			if !ok {
				errs = append(errs, fmt.Errorf("statement Action: got %v, want a list of actions", s["Action"]))
				continue
			}
			for _, a := range actions {
				svc, _, _ := strings.Cut(strings.ToLower(a), ":")
				rule := roleRules[svc]
				if rule == nil {
					errs = append(errs, fmt.Errorf("allows %s: the function needs no %s permission", a, svc))
					continue
				}
				if err := rule(c, a, statement(s)); err != nil {
					errs = append(errs, err)
					continue
				}
				allowed[strings.ToLower(a)] = true
			}
		}
	}
	needs := []string{"sns:publish", "logs:createlogstream", "logs:putlogevents"}
	for _, a := range dynamodbActions {
		needs = append(needs, strings.ToLower(a))
	}
	for _, need := range needs {
		if !allowed[need] {
			errs = append(errs, fmt.Errorf("%s: not allowed, but the function needs it", need))
		}
	}
	return errors.Join(errs...)
}

func checkLogGroup(c *cfnTemplate) error {
	id, err := logGroupID(c)
	if err != nil {
		return err
	}
	fn, _ := function(c)
	lg := c.Resources[id].Properties
	var errs []error
	if err := wantParameter(c, lg["RetentionInDays"], "LogRetentionDays"); err != nil {
		errs = append(errs, fmt.Errorf("%s.RetentionInDays: %w", id, err))
	}
	fnName, ok1 := sub(fn.Properties["FunctionName"])
	lgName, ok2 := sub(lg["LogGroupName"])
	if !ok1 || !ok2 || lgName != "/aws/lambda/"+fnName {
		errs = append(errs, fmt.Errorf("%s.LogGroupName: got %v for function %v, want /aws/lambda/<function name>", id, lg["LogGroupName"], fn.Properties["FunctionName"]))
	}
	return errors.Join(errs...)
}

// binding is how a parameter becomes one environment variable's value:
// format is the Fn::Sub string (just "${Param}" for a Ref). A variable that
// names a resource of the stack has resource instead, and one that holds a
// secret's value has secret (and version, the parameter naming the version,
// if any); either may be an Fn::If of cond between that value and "".
type binding struct {
	param    string
	format   string
	resource string
	secret   string
	version  string
	cond     string
}

// String describes b for error messages.
func (b binding) String() string {
	var s string
	switch {
	case b.secret != "" && b.version != "":
		s = "the SecretString of " + b.secret + " at the version " + b.version + " names"
	case b.secret != "":
		s = "the SecretString of " + b.secret
	case b.resource != "":
		s = "the resource " + b.resource
	default:
		s = "parameter " + b.param + " as " + strconv.Quote(b.format)
	}
	if b.cond != "" {
		s = "if " + b.cond + " then " + s + " else empty"
	}
	return s
}

// render returns the variable's value for the parameter value v.
func (b binding) render(v string) string {
	return strings.ReplaceAll(b.format, "${"+b.param+"}", v)
}

// dynamicRef matches an Fn::Sub string that is one Secrets Manager dynamic
// reference to a whole SecretString ({{resolve:secretsmanager:
// secret-id:SecretString:json-key:version-stage:version-id}}), with the
// secret as ${LogicalID}, no JSON key or stage, and optionally the version
// ID as ${Parameter}.
var dynamicRef = regexp.MustCompile(`^\{\{resolve:secretsmanager:\$\{([A-Za-z0-9]+)\}:SecretString(?::::\$\{([A-Za-z0-9]+)\})?\}\}$`)

// bind reads one variable's value as a binding, or reports that it is none:
// a Ref to a parameter or resource, an Fn::Sub of one parameter, a dynamic
// reference to a secret of the stack, or an Fn::If between a resource or a
// secret and "".
func bind(c *cfnTemplate, v any) (binding, bool) {
	if cond, yes, no, ok := ifBranches(v); ok {
		b, ok := bind(c, yes)
		if !ok || no != "" || b.cond != "" || b.resource == "" && b.secret == "" {
			return binding{}, false
		}
		b.cond = cond
		return b, true
	}
	if r, ok := ref(v); ok {
		if _, isRes := c.Resources[r]; isRes {
			return binding{resource: r}, true
		}
		_, isParam := c.Parameters[r]
		return binding{param: r, format: "${" + r + "}"}, isParam
	}
	s, ok := sub(v)
	if !ok {
		return binding{}, false
	}
	if m := dynamicRef.FindStringSubmatch(s); m != nil {
		_, isParam := c.Parameters[m[2]]
		ok := c.Resources[m[1]].Type == "AWS::SecretsManager::Secret" && (m[2] == "" || isParam)
		return binding{secret: m[1], version: m[2]}, ok
	}
	refs := subVars.FindAllStringSubmatch(s, -1)
	if len(refs) != 1 {
		return binding{}, false
	}
	_, isParam := c.Parameters[refs[0][1]]
	return binding{param: refs[0][1], format: s}, isParam
}

// environment returns the function's variables as bindings (see bind).
func environment(c *cfnTemplate) (map[string]binding, error) {
	fn, err := function(c)
	if err != nil {
		return nil, err
	}
	env, _ := fn.Properties["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	out := map[string]binding{}
	var errs []error
	for name, v := range vars {
		if why, local := localOnly[name]; local {
			if str, ok := v.(string); !ok || str != "" {
				errs = append(errs, fmt.Errorf("%s: got %v, want it unset or the empty placeholder: %s", name, v, why))
			}
			continue
		}
		b, ok := bind(c, v)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: got %v, want a Ref to a parameter, an Fn::Sub of one, a resource or a secret of the stack", name, v))
			continue
		}
		out[name] = b
	}
	return out, errors.Join(errs...)
}

// deployable returns config.Names without the local-only variables.
func deployable() []string {
	return slices.DeleteFunc(slices.Clone(config.Names), func(n string) bool { _, local := localOnly[n]; return local })
}

func checkConfigMapping(c *cfnTemplate) error {
	env, err := environment(c)
	if err != nil {
		return err
	}
	var errs []error
	want := deployable()
	for _, name := range want {
		if _, ok := env[name]; !ok {
			errs = append(errs, fmt.Errorf("%s (config.Names) is not in the function's environment, want it mapped to a parameter", name))
		}
	}
	usedBy := map[string]string{}
	for name, b := range env {
		if !slices.Contains(want, name) {
			errs = append(errs, fmt.Errorf("%s is in the environment but not in config.Names", name))
		}
		wantRes := resourceVars[name]
		version, wantSecret := secretVars[name]
		switch {
		case wantSecret:
			if err := checkSecretBinding(c, name, b, version); err != nil {
				errs = append(errs, err)
			}
			if version != "" {
				usedBy[version] = name
			}
			continue
		case b.secret != "":
			errs = append(errs, fmt.Errorf("%s: got %v, want a parameter", name, b))
			continue
		case b.resource != wantRes && wantRes != "":
			errs = append(errs, fmt.Errorf("%s: got %v, want the resource %s", name, b, wantRes))
			continue
		case b.resource != wantRes:
			errs = append(errs, fmt.Errorf("%s: got the resource %s, want a parameter", name, b.resource))
			continue
		case b.resource != "":
			if b.cond != c.Resources[b.resource].Condition {
				errs = append(errs, fmt.Errorf("%s: got condition %q, want %s's own %q", name, b.cond, b.resource, c.Resources[b.resource].Condition))
			}
			continue
		}
		if other, dup := usedBy[b.param]; dup {
			errs = append(errs, fmt.Errorf("parameter %s sets both %s and %s", b.param, other, name))
		}
		usedBy[b.param] = name
	}
	for p := range c.Parameters {
		_, used := usedBy[p]
		infra := slices.Contains(infraParameters, p)
		switch {
		case used && infra:
			errs = append(errs, fmt.Errorf("parameter %s is listed as infrastructure but sets %s", p, usedBy[p]))
		case !used && !infra:
			errs = append(errs, fmt.Errorf("parameter %s sets no config variable and is not an infrastructure parameter", p))
		}
	}
	for _, p := range infraParameters {
		if _, ok := c.Parameters[p]; !ok {
			errs = append(errs, fmt.Errorf("infrastructure parameter %s is missing", p))
		}
	}
	return errors.Join(errs...)
}

// checkSecretBinding checks that the variable name holds codeKeySecretID's
// SecretString: the current value if version is "", else, only while the
// parameter version is set, the value of the version it names.
func checkSecretBinding(c *cfnTemplate, name string, b binding, version string) error {
	want := binding{secret: codeKeySecretID, version: version}
	if got := (binding{secret: b.secret, version: b.version}); got != want {
		return fmt.Errorf("%s: got %v, want a dynamic reference to %v", name, b, want)
	}
	switch {
	case version == "" && b.cond != "":
		return fmt.Errorf("%s: got %v, want it always (the key is required)", name, b)
	case version == "":
		return nil
	case b.cond == "":
		return fmt.Errorf("%s: got %v, want it an Fn::If that leaves it empty while %s is empty (a reference to no version is an error)", name, b, version)
	}
	for v, wantSet := range map[string]bool{"": false, sampleVersionID: true} {
		got, err := c.evalBool(map[string]any{"Condition": b.cond}, map[string]string{version: v})
		if err != nil || got != wantSet {
			return fmt.Errorf("%s: condition %s with %s=%q: got %v (%v), want %v (the reference only while a version is named)", name, b.cond, version, v, got, err, wantSet)
		}
	}
	return nil
}

// sample is a parameter value tried against both the template's constraint
// and config.Load. narrowed, when set, says why the template refuses a value
// that the code would take. combined, when set, says why the code refuses a
// value the template takes: a limit that joins it with another variable at
// its default, which only the code checks, so its error must name that other
// variable. codeOnly, when set, says why no parameter constraint can refuse
// a value that the code refuses (JSON, the segments of a message): the code's
// error must name this variable. Every other sample must get the same answer
// from both.
type sample struct {
	value    string
	narrowed string
	combined string
	codeOnly string
}

// samples are tried for each deployable variable of config.Names (as the
// parameter value, before a unit is appended). A variable without samples
// fails checkParameterValues.
var samples = map[string][]sample{
	config.EnvCodeLength: {{value: "3"}, {value: "4", combined: "the default GuessLockAfter of 100 needs 5 digits or more"},
		{value: "5", combined: "the default GuessDailyLimit of 24 needs 6 digits or more"}, {value: "6"}, {value: "10"}, {value: "11"}, {value: "six"}, {value: "-6"}},
	config.EnvCodeTTL: {{value: "29"}, {value: "30"}, {value: "45.5"}, {value: "300"}, {value: "900"}, {value: "901"},
		{value: "-300"}, {value: "5m"}, {value: "abc"}},
	config.EnvMaxAttempts:    {{value: "0"}, {value: "1"}, {value: "3"}, {value: "10"}, {value: "11"}, {value: "x"}},
	config.EnvMaxResends:     {{value: "-1"}, {value: "0"}, {value: "2"}, {value: "5"}, {value: "6"}},
	config.EnvResendInterval: {{value: "-1"}, {value: "0"}, {value: "30"}, {value: "300"}, {value: "301"}, {value: "1.5"}},
	config.EnvAcceptedLineTypes: {{value: "mobile"}, {value: "mobile,fixed_line_or_mobile,voip,personal_number"}, {value: " mobile , voip "},
		{value: "fixed_line,mobile,fixed_line_or_mobile,toll_free,premium_rate,shared_cost,voip,personal_number,pager,uan,voicemail"},
		{value: "mobile,mobile"}, {value: "unknown"}, {value: "Mobile"}, {value: "mobile,,voip"}, {value: "sms"}},
	config.EnvHideUnknownUsers: {{value: "false"}, {value: "true"}, {value: "yes"}, {value: "maybe"},
		{value: "1", narrowed: "only true and false are offered"}, {value: "TRUE", narrowed: "only true and false are offered"}},
	config.EnvAllowedCountryCodes: {{value: ""}, {value: "1"}, {value: "44"}, {value: "1,44"}, {value: "1, 44"}, {value: "+1,+44"},
		{value: "999"}, {value: "1000"}, {value: "0"}, {value: "01"}, {value: "1,,44"}, {value: ",1"}, {value: "1,a"},
		{value: "1 ,44", narrowed: "spaces only after commas"}},
	config.EnvSMSTemplate: {{value: ""}, {value: "Code {code}"}, {value: "{app}: {code} ({minutes} min)"}, {value: "Code:\n{code}"},
		{value: "Ваш код {code}"}, {value: "no code here"}, {value: "{Code}"},
		{value: strings.Repeat("x", 154) + "{code}"}, {value: strings.Repeat("x", 155) + "{code}"},
		{value: strings.Repeat("й", 64) + "{code}"},
		{value: strings.Repeat("й", 65) + "{code}", codeOnly: "71 UCS-2 characters take two segments, and CloudFormation cannot count segments"}},
	config.EnvSMSTemplates: {{value: ""}, {value: `{"de": "Code {code}"}`}, {value: `{"pt_BR": "Código {code}", "zh-Hant": "驗證碼 {code}"}`},
		{value: ` {"de": "Code {code}"} `}, {value: `["de"]`}, {value: "de: Code {code}"},
		{value: `{"de": "no code"}`, codeOnly: "a parameter pattern cannot read JSON"},
		{value: `{"deutsch": "{code}"}`, codeOnly: "a parameter pattern cannot read JSON"},
		{value: `{"de": "{code}", "de": "{code}"}`, codeOnly: "a parameter pattern cannot read JSON"},
		{value: `{"de": 5}`, codeOnly: "a parameter pattern cannot read JSON"},
		{value: `{"ru": "` + strings.Repeat("й", 65) + `{code}"}`, codeOnly: "CloudFormation cannot count segments"},
		{value: `{"de": "` + strings.Repeat("x", 154) + `{code}", "fr": "` + strings.Repeat("x", 54) + `{code}"}`,
			narrowed: "MaxLength keeps the function's environment within Lambda's 4 KB (checkEnvironmentSize)"}},
	config.EnvSMSMaxSegments: {{value: "1"}, {value: "2"}, {value: "10"}, {value: "0"}, {value: "11"}, {value: "two"},
		{value: "01", narrowed: "only 1 to 10 are offered"}},
	config.EnvAppName: {{value: ""}, {value: "Acme"}, {value: "Café Crème"}, {value: strings.Repeat("a", 40)}, {value: strings.Repeat("a", 41)},
		{value: "two\nlines"}, {value: strings.Repeat("é", 40)}},
	config.EnvAndroidAppHash: {{value: ""}, {value: "FA+9qCX9VSu"}, {value: "abc/DEF+123"}, {value: "FA+9qCX9VS"}, {value: "FA+9qCX9VSu1"},
		{value: "FA-9qCX9VSu"}, {value: "FA_9qCX9VSu"}, {value: "FA+9qCX9VS "}},
	config.EnvWebOTPDomain: {{value: ""}, {value: "example.com"}, {value: "app.example.com"}, {value: "EXAMPLE.COM"}, {value: "localhost"},
		{value: "-bad.example.com"}, {value: "exa mple.com"}, {value: "https://example.com"}},
	config.EnvSMSType: {{value: "Transactional"}, {value: "Promotional"}, {value: "transactional"},
		{value: "", narrowed: "the parameter default says Transactional explicitly"}},
	config.EnvSMSSenderID: {{value: ""}, {value: "Acme"}, {value: "ACME1234567"}, {value: "ACME12345678"}, {value: "12345"}, {value: "Ac me"}},
	config.EnvSMSOriginationNumber: {{value: ""}, {value: "+12065550100"}, {value: "12065550100"}, {value: "+0123"}, {value: "+123456"}, {value: "+6834002"},
		{value: "+1234567890123456"}, {value: "+1 206 555 0100"}},
	config.EnvSMSTimeout: {{value: "0"}, {value: "99"}, {value: "100"}, {value: "3000"}, {value: "3500"}, {value: "3501"}, {value: "4000"}, {value: "3s"}},
	config.EnvLogLevel: {{value: "debug"}, {value: "info"}, {value: "warn"}, {value: "error"}, {value: "dpanic"}, {value: "fatal"},
		{value: "INFO", narrowed: "lower case only"}, {value: "", narrowed: "the parameter default says info explicitly"}},
	config.EnvRateLimitPerPhone: {{value: "0"}, {value: "1"}, {value: "5"}, {value: "99"}, {value: "100"}, {value: "101"},
		{value: "2.5"}, {value: "-1"}, {value: "05", narrowed: "no leading zeros"}},
	config.EnvRateLimitPhoneWindow: {{value: "0"}, {value: "0.5"}, {value: "1"}, {value: "1.5"}, {value: "15"}, {value: "1440"},
		{value: "1441"}, {value: "15m"}},
	config.EnvRateLimitPoolPerMinute: {{value: "0"}, {value: "1"}, {value: "60"}, {value: "99999"}, {value: "100000"},
		{value: "100001"}, {value: "-1"}, {value: "1e3"}, {value: "060", narrowed: "no leading zeros"}},
	config.EnvRateLimitFailOpen: {{value: "false"}, {value: "true"}, {value: "yes"},
		{value: "1", narrowed: "only true and false are offered"}},
	config.EnvGuessCoolOffEvery: {{value: "0"}, {value: "1"}, {value: "10"}, {value: "99"}, {value: "100"}, {value: "101"},
		{value: "-1"}, {value: "2.5"}, {value: "x"}, {value: "010", narrowed: "no leading zeros"}},
	config.EnvGuessCoolOff: {{value: "0"}, {value: "0.5"}, {value: "1"}, {value: "1.5"}, {value: "15"}, {value: "1440"},
		{value: "1441"}, {value: "15m"}},
	config.EnvGuessLockAfter: {{value: "0"}, {value: "1", combined: "below the default GuessCoolOffEvery of 10"},
		{value: "9", combined: "below the default GuessCoolOffEvery of 10"}, {value: "10"}, {value: "99"}, {value: "100"},
		{value: "101"}, {value: "x"}, {value: "0100", narrowed: "no leading zeros"}},
	config.EnvGuessDailyLimit: {{value: "0"}, {value: "1"}, {value: "24"}, {value: "100"}, {value: "101"},
		{value: "-1"}, {value: "2.5"}, {value: "x"}, {value: "024", narrowed: "no leading zeros"}},
	config.EnvRangeDigits: {{value: "0"}, {value: "1"}, {value: "3"}, {value: "6"}, {value: "7"}, {value: "x"}, {value: "-3"},
		{value: "03", narrowed: "only 1 to 6 are offered"}},
	config.EnvRangeWindow: {{value: "0"}, {value: "0.5"}, {value: "1"}, {value: "1.5"}, {value: "60"}, {value: "1440"},
		{value: "1441"}, {value: "60m"}},
	config.EnvRangeMinCodes: {{value: "0"}, {value: "1"}, {value: "10"}, {value: "9999"}, {value: "10000"}, {value: "10001"},
		{value: "-1"}, {value: "2.5"}, {value: "x"}, {value: "010", narrowed: "no leading zeros"}},
	config.EnvRangeMinAnsweredPercent: {{value: "0"}, {value: "1"}, {value: "20"}, {value: "99"}, {value: "100"}, {value: "101"},
		{value: "-1"}, {value: "20%"}, {value: "0.5"}, {value: "020", narrowed: "no leading zeros"}, {value: "00", narrowed: "no leading zeros"}},
	config.EnvCountryBudgets: {{value: ""}, {value: "44:200"}, {value: "44:200,1:500"}, {value: "44:200, 1:500"}, {value: "+44:200,+1:500"},
		{value: "999:1000000"}, {value: "1:1"}, {value: "44:200,44:100"}, {value: "44:0"}, {value: "44:1000001"}, {value: "44"},
		{value: "44:"}, {value: ":200"}, {value: "44:200,"}, {value: "44:200,,1:500"}, {value: "uk:200"}, {value: "0044:200"},
		{value: "1000:5"}, {value: "44:2e2"}, {value: "44:-5"}, {value: "44:+5"}, {value: "44 :200"}, {value: "44: 200"},
		{value: "44:0200", narrowed: "no leading zeros"}, {value: " 44:200", narrowed: "spaces only after commas"},
		{value: "44:200 ,1:500", narrowed: "spaces only after commas"}},
}

// deployedKey and deployedTable stand in for what the stack always gives the
// function besides the parameters, and config.Load requires: a key as
// CodeKeySecret generates it (64 letters and digits) and a table name as
// CloudFormation makes it up.
var (
	deployedKey   = "j3zaVnDKjq56LtRT3wNTnWuRbs6Y2YK8enm6cmBmuRVqBTZJZJRRbus84XvFsAuS" // 64 random letters and digits, as the template makes
	deployedTable = "phonepass-" + rateLimitTableID + "-1ABCDEFGHIJ2K"
)

// loadOnly runs config.Load with only the given variables set, besides the
// stand-ins for the key and the table (unless vars sets those).
func loadOnly(vars map[string]string) (config.Config, error) {
	env := map[string]string{config.EnvCodeKey: deployedKey, config.EnvRateLimitTable: deployedTable}
	maps.Copy(env, vars)
	return config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func checkParameterValues(c *cfnTemplate) error {
	env, err := environment(c)
	if err != nil {
		return err
	}
	var errs []error
	defaults := map[string]string{}
	for _, name := range deployable() {
		b, ok := env[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: not mapped to a parameter", name))
			continue
		}
		if b.resource != "" || b.secret != "" {
			continue
		}
		p := c.Parameters[b.param]
		def, ok := scalar(p.Default)
		if !ok {
			errs = append(errs, fmt.Errorf("parameter %s: got default %v, want one (the code's)", b.param, p.Default))
			continue
		}
		if err := p.accepts(def); err != nil {
			errs = append(errs, fmt.Errorf("parameter %s: its default is refused: %w", b.param, err))
		}
		defaults[name] = b.render(def)
		if len(samples[name]) == 0 {
			errs = append(errs, fmt.Errorf("%s: no samples; add values to try to samples in checks_test.go", name))
		}
		for _, s := range samples[name] {
			paramErr := p.accepts(s.value)
			_, codeErr := loadOnly(map[string]string{name: b.render(s.value)})
			switch {
			case s.codeOnly != "":
				if paramErr != nil || codeErr == nil || !strings.HasPrefix(codeErr.Error(), name+":") {
					errs = append(errs, fmt.Errorf("%s=%q: got parameter error %v and code error %v, want only the code to refuse it, naming %s (%s)",
						name, b.render(s.value), paramErr, codeErr, name, s.codeOnly))
				}
			case s.combined != "":
				if paramErr != nil || codeErr == nil || strings.HasPrefix(codeErr.Error(), name+":") {
					errs = append(errs, fmt.Errorf("%s=%q: got parameter error %v and code error %v, want only the code to refuse it, naming another variable (%s)",
						name, b.render(s.value), paramErr, codeErr, s.combined))
				}
			case paramErr == nil && codeErr != nil:
				errs = append(errs, fmt.Errorf("parameter %s takes %q but the code refuses %s=%q (%v): the deployment would succeed and every cold start fail",
					b.param, s.value, name, b.render(s.value), codeErr))
			case paramErr != nil && codeErr == nil && s.narrowed == "":
				errs = append(errs, fmt.Errorf("parameter %s refuses %q (%v) but the code takes %s=%q", b.param, s.value, paramErr, name, b.render(s.value)))
			case paramErr == nil && s.narrowed != "":
				errs = append(errs, fmt.Errorf("parameter %s takes %q, which the samples say it refuses (%s)", b.param, s.value, s.narrowed))
			}
		}
	}
	// Resources and the secret get their values as the stack makes them, on
	// both sides (loadOnly's stand-ins).
	got, err := loadOnly(defaults)
	want, wantErr := loadOnly(nil)
	if err != nil || wantErr != nil {
		errs = append(errs, fmt.Errorf("the code refuses the parameter defaults %v: %w", defaults, errors.Join(err, wantErr)))
	} else if !reflect.DeepEqual(got, want) {
		errs = append(errs, fmt.Errorf("parameter defaults give config %+v, want the code's defaults %+v", got, want))
	}
	return errors.Join(errs...)
}

func checkRateLimitTable(c *cfnTemplate) error {
	t, ok := c.Resources[rateLimitTableID]
	if !ok || t.Type != "AWS::DynamoDB::Table" {
		return fmt.Errorf("got %s %v, want an AWS::DynamoDB::Table", rateLimitTableID, t.Type)
	}
	p := t.Properties
	var errs []error
	if p["BillingMode"] != "PAY_PER_REQUEST" {
		errs = append(errs, fmt.Errorf("BillingMode: got %v, want PAY_PER_REQUEST (nothing to pay while idle)", p["BillingMode"]))
	}
	keys, _ := p["KeySchema"].([]any)
	if len(keys) != 1 || !reflect.DeepEqual(keys[0], map[string]any{"AttributeName": ratelimit.AttrKey, "KeyType": "HASH"}) {
		errs = append(errs, fmt.Errorf("KeySchema: got %v, want the one HASH key %s", p["KeySchema"], ratelimit.AttrKey))
	}
	attrs, _ := p["AttributeDefinitions"].([]any)
	if len(attrs) != 1 || !reflect.DeepEqual(attrs[0], map[string]any{"AttributeName": ratelimit.AttrKey, "AttributeType": "S"}) {
		errs = append(errs, fmt.Errorf("AttributeDefinitions: got %v, want %s of type S", p["AttributeDefinitions"], ratelimit.AttrKey))
	}
	ttl, _ := p["TimeToLiveSpecification"].(map[string]any)
	if ttl["AttributeName"] != ratelimit.AttrExpiresAt || ttl["Enabled"] != true {
		errs = append(errs, fmt.Errorf("TimeToLiveSpecification: got %v, want %s enabled", p["TimeToLiveSpecification"], ratelimit.AttrExpiresAt))
	}
	// Always there: the function refuses to start without it.
	if t.Condition != "" {
		errs = append(errs, fmt.Errorf("%s.Condition: got %q, want none (config.Load requires the table)", rateLimitTableID, t.Condition))
	}
	return errors.Join(errs...)
}

// checkCodeKeySecret: CloudFormation generates the code key, so that it is
// in no template, parameter or person's hands, as a whole SecretString that
// otp.NewKeys takes; and the version ID that picks the previous key cannot
// break out of its dynamic reference.
func checkCodeKeySecret(c *cfnTemplate) error {
	s, ok := c.Resources[codeKeySecretID]
	if !ok || s.Type != "AWS::SecretsManager::Secret" {
		return fmt.Errorf("got %s %v, want an AWS::SecretsManager::Secret", codeKeySecretID, s.Type)
	}
	p := s.Properties
	var errs []error
	gen, ok := p["GenerateSecretString"].(map[string]any)
	if !ok || p["SecretString"] != nil {
		errs = append(errs, fmt.Errorf("%s: got SecretString %v, GenerateSecretString %v; want it generated, not written in the template", codeKeySecretID, p["SecretString"], p["GenerateSecretString"]))
	}
	if n, ok := number(gen["PasswordLength"]); !ok || n < otp.MinKeyLength || n > otp.MaxKeyLength {
		errs = append(errs, fmt.Errorf("GenerateSecretString.PasswordLength: got %v, want %d to %d (otp.NewKeys)", gen["PasswordLength"], otp.MinKeyLength, otp.MaxKeyLength))
	}
	if gen["GenerateStringKey"] != nil || gen["SecretStringTemplate"] != nil {
		errs = append(errs, fmt.Errorf("GenerateSecretString: got a JSON secret (%v, %v), want the key as the whole SecretString", gen["SecretStringTemplate"], gen["GenerateStringKey"]))
	}
	if gen["ExcludePunctuation"] != true {
		errs = append(errs, fmt.Errorf("GenerateSecretString.ExcludePunctuation: got %v, want true (nothing to quote in a shell, JSON or env file)", gen["ExcludePunctuation"]))
	}
	for _, name := range slices.Sorted(maps.Values(secretVars)) {
		if name == "" {
			continue
		}
		vp := c.Parameters[name]
		for v, wantOK := range map[string]bool{"": true, sampleVersionID: true, strings.ToUpper(sampleVersionID): true,
			"AWSPREVIOUS": false, sampleVersionID + "}}": false, ":AWSPREVIOUS:" + sampleVersionID: false} {
			if err := vp.accepts(v); (err == nil) != wantOK {
				errs = append(errs, fmt.Errorf("parameter %s: %q accepted %v (%v), want %v (a version ID or empty, nothing else inside the dynamic reference)", name, v, err == nil, err, wantOK))
			}
		}
		if d, _ := scalar(vp.Default); d != "" {
			errs = append(errs, fmt.Errorf("parameter %s: got default %v, want empty (no rotation going on)", name, vp.Default))
		}
	}
	return errors.Join(errs...)
}

// amplifyConfig is the part of the Amplify JS v6 configuration the output gives.
type amplifyConfig struct {
	Auth struct {
		Cognito struct {
			UserPoolID       string `json:"userPoolId"`
			UserPoolClientID string `json:"userPoolClientId"`
			LoginWith        struct {
				Phone bool `json:"phone"`
			} `json:"loginWith"`
		} `json:"Cognito"`
	} `json:"Auth"`
}

func checkOutputs(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	clientID, _, err := c.only("AWS::Cognito::UserPoolClient")
	if err != nil {
		return err
	}
	var errs []error
	for out, want := range map[string]string{"UserPoolId": poolID, "UserPoolClientId": clientID, "Region": "AWS::Region", "FunctionName": functionID, "CodeKeySecret": codeKeySecretID} {
		o, ok := c.Outputs[out]
		if got, _ := ref(o.Value); !ok || got != want {
			errs = append(errs, fmt.Errorf("output %s: got %v, want Ref %s", out, o.Value, want))
		}
	}
	s, ok := sub(c.Outputs["AmplifyConfig"].Value)
	if !ok {
		return errors.Join(append(errs, fmt.Errorf("output AmplifyConfig: got %v, want an Fn::Sub of JSON", c.Outputs["AmplifyConfig"].Value))...)
	}
	const fakePool, fakeClient = "eu-west-1_AbCdEf123", "1example23456789"
	filled := subVars.ReplaceAllStringFunc(s, func(m string) string {
		switch m {
		case "${" + poolID + "}":
			return fakePool
		case "${" + clientID + "}":
			return fakeClient
		}
		errs = append(errs, fmt.Errorf("output AmplifyConfig: unexpected %s", m))
		return m
	})
	var cfg amplifyConfig
	dec := json.NewDecoder(strings.NewReader(filled))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return errors.Join(append(errs, fmt.Errorf("output AmplifyConfig: %q is not the expected JSON: %w", filled, err))...)
	}
	cg := cfg.Auth.Cognito
	if cg.UserPoolID != fakePool || cg.UserPoolClientID != fakeClient || !cg.LoginWith.Phone {
		errs = append(errs, fmt.Errorf("output AmplifyConfig: got %+v, want pool %s, client %s, loginWith.phone true", cg, fakePool, fakeClient))
	}
	return errors.Join(errs...)
}
