package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/phonepass/phonepass/config"
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
	{"app client", checkClient},
	{"role", checkRole},
	{"log group", checkLogGroup},
	{"send-limit table", checkRateLimitTable},
	{"config mapping", checkConfigMapping},
	{"parameter values", checkParameterValues},
	{"outputs", checkOutputs},
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

// rateLimitTableID is the DynamoDB table of the send limiter (package
// ratelimit), created unless the RateLimiting parameter is Disabled.
const rateLimitTableID = "RateLimitTable"

// resourceVars lists the variables of config.Names that name a resource of
// the stack rather than take a parameter: the value is a Ref to the resource,
// or an Fn::If of the resource's own condition between that Ref and "".
var resourceVars = map[string]string{
	config.EnvRateLimitTable: rateLimitTableID,
}

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
	"IdTokenValidityMinutes", "RefreshTokenValidityDays", "LogRetentionDays", "RateLimiting", "UserPoolTier",
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
	if s, ok := number(p["Timeout"]); !ok || s < 1 || s >= 5 {
		errs = append(errs, fmt.Errorf("Timeout: got %v, want 1 to 4 seconds (Cognito waits 5)", p["Timeout"]))
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
	if admin, _ := p["AdminCreateUserConfig"].(map[string]any); admin["AllowAdminCreateUserOnly"] == true {
		errs = append(errs, errors.New("AdminCreateUserConfig.AllowAdminCreateUserOnly: got true, want self sign-up"))
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

// dynamodbRule allows the one item action the limiter uses, on its table only.
func dynamodbRule(c *cfnTemplate, action string, s statement) error {
	if !strings.EqualFold(action, "dynamodb:UpdateItem") {
		return fmt.Errorf("allows %s, want only dynamodb:UpdateItem", action)
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
	if _, ok := c.Resources[rateLimitTableID]; ok {
		needs = append(needs, "dynamodb:updateitem")
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
// names a resource of the stack has resource (and the resource's condition,
// if the value is an Fn::If of it) instead.
type binding struct {
	param    string
	format   string
	resource string
	cond     string
}

// render returns the variable's value for the parameter value v.
func (b binding) render(v string) string {
	return strings.ReplaceAll(b.format, "${"+b.param+"}", v)
}

// environment returns the function's variables as bindings: each value must
// be a Ref to a parameter or an Fn::Sub of exactly one parameter.
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
		b := binding{}
		if cond, yes, no, ok := ifBranches(v); ok {
			if r, ok := ref(yes); ok && no == "" {
				if _, isRes := c.Resources[r]; isRes {
					b = binding{resource: r, cond: cond}
				}
			}
		} else if p, ok := ref(v); ok {
			if _, isRes := c.Resources[p]; isRes {
				b = binding{resource: p}
			} else {
				b = binding{param: p, format: "${" + p + "}"}
			}
		} else if s, ok := sub(v); ok {
			refs := subVars.FindAllStringSubmatch(s, -1)
			if len(refs) == 1 {
				b = binding{param: refs[0][1], format: s}
			}
		}
		if _, ok := c.Parameters[b.param]; !ok && b.resource == "" {
			errs = append(errs, fmt.Errorf("%s: got %v, want a Ref to a parameter, an Fn::Sub of one, or a resource", name, v))
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
		switch {
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

// sample is a parameter value tried against both the template's constraint
// and config.Load. narrowed, when set, says why the template refuses a value
// that the code would take; every other sample must get the same answer
// from both.
type sample struct {
	value    string
	narrowed string
}

// samples are tried for each deployable variable of config.Names (as the
// parameter value, before a unit is appended). A variable without samples
// fails checkParameterValues.
var samples = map[string][]sample{
	config.EnvCodeLength: {{value: "3"}, {value: "4"}, {value: "6"}, {value: "10"}, {value: "11"}, {value: "six"}, {value: "-6"}},
	config.EnvCodeTTL: {{value: "29"}, {value: "30"}, {value: "45.5"}, {value: "300"}, {value: "900"}, {value: "901"},
		{value: "-300"}, {value: "5m"}, {value: "abc"}},
	config.EnvMaxAttempts:    {{value: "0"}, {value: "1"}, {value: "3"}, {value: "10"}, {value: "11"}, {value: "x"}},
	config.EnvMaxResends:     {{value: "-1"}, {value: "0"}, {value: "2"}, {value: "5"}, {value: "6"}},
	config.EnvResendInterval: {{value: "-1"}, {value: "0"}, {value: "30"}, {value: "300"}, {value: "301"}, {value: "1.5"}},
	config.EnvHideUnknownUsers: {{value: "false"}, {value: "true"}, {value: "yes"}, {value: "maybe"},
		{value: "1", narrowed: "only true and false are offered"}, {value: "TRUE", narrowed: "only true and false are offered"}},
	config.EnvAllowedCountryCodes: {{value: ""}, {value: "1"}, {value: "44"}, {value: "1,44"}, {value: "1, 44"}, {value: "+1,+44"},
		{value: "999"}, {value: "1000"}, {value: "0"}, {value: "01"}, {value: "1,,44"}, {value: ",1"}, {value: "1,a"},
		{value: "1 ,44", narrowed: "spaces only after commas"}},
	config.EnvSMSTemplate: {{value: ""}, {value: "Code {code}"}, {value: "{app}: {code} ({minutes} min)"}, {value: "Code:\n{code}"},
		{value: "Ваш код {code}"}, {value: "no code here"}, {value: "{Code}"},
		{value: strings.Repeat("x", 294) + "{code}"}, {value: strings.Repeat("x", 295) + "{code}"},
		{value: strings.Repeat("й", 294) + "{code}"}},
	config.EnvAppName: {{value: ""}, {value: "Acme"}, {value: "Café Crème"}, {value: strings.Repeat("a", 40)}, {value: strings.Repeat("a", 41)},
		{value: "two\nlines"}, {value: strings.Repeat("é", 40)}},
	config.EnvWebOTPDomain: {{value: ""}, {value: "example.com"}, {value: "app.example.com"}, {value: "EXAMPLE.COM"}, {value: "localhost"},
		{value: "-bad.example.com"}, {value: "exa mple.com"}, {value: "https://example.com"}},
	config.EnvSMSType: {{value: "Transactional"}, {value: "Promotional"}, {value: "transactional"},
		{value: "", narrowed: "the parameter default says Transactional explicitly"}},
	config.EnvSMSSenderID: {{value: ""}, {value: "Acme"}, {value: "ACME1234567"}, {value: "ACME12345678"}, {value: "12345"}, {value: "Ac me"}},
	config.EnvSMSOriginationNumber: {{value: ""}, {value: "+12065550100"}, {value: "12065550100"}, {value: "+0123"},
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
}

// loadOnly runs config.Load with only the given variables set.
func loadOnly(vars map[string]string) (config.Config, error) {
	return config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
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
		if b.resource != "" {
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
	// Resources get a name as CloudFormation makes them up, on both sides.
	named := map[string]string{}
	for name := range resourceVars {
		named[name] = "phonepass-" + resourceVars[name] + "-1ABCDEFGHIJ2K"
		defaults[name] = named[name]
	}
	got, err := loadOnly(defaults)
	want, wantErr := loadOnly(named)
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
	// The table exists unless the RateLimiting parameter says Disabled.
	cond, _ := c.Conditions[t.Condition].(map[string]any)
	eq, _ := cond["Fn::Equals"].([]any)
	if len(eq) != 2 || !reflect.DeepEqual(eq[0], map[string]any{"Ref": "RateLimiting"}) || eq[1] != "Enabled" {
		errs = append(errs, fmt.Errorf("%s.Condition %q: got %v, want RateLimiting equal to Enabled", rateLimitTableID, t.Condition, c.Conditions[t.Condition]))
	}
	if rl := c.Parameters["RateLimiting"]; rl.Default != "Enabled" {
		errs = append(errs, fmt.Errorf("parameter RateLimiting: got default %v, want Enabled", rl.Default))
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
	for out, want := range map[string]string{"UserPoolId": poolID, "UserPoolClientId": clientID, "Region": "AWS::Region", "FunctionName": functionID} {
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
