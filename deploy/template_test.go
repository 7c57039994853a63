package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/testenv"
)

// mutation is a copy of template.yaml broken on purpose, and the check that
// must catch it.
type mutation struct {
	name     string
	edit     func(src string) (string, error)
	caughtBy string
}

// replace returns an edit that replaces old, which must occur once, by new.
func replace(old, new string) func(string) (string, error) {
	return func(s string) (string, error) { return replaceOnce(s, old, new) }
}

// chain returns an edit that applies the edits in order.
func chain(edits ...func(string) (string, error)) func(string) (string, error) {
	return func(s string) (string, error) {
		var err error
		for _, e := range edits {
			if s, err = e(s); err != nil {
				return "", err
			}
		}
		return s, nil
	}
}

// mutations are the broken copies; loadAll transforms them with template.yaml.
var mutations = []mutation{
	{"templates of 1000 characters", replace("    MaxLength: 237\n", "    MaxLength: 1000\n"), "environment size"},
	{"domain without MaxLength", replace("    MaxLength: 253\n", ""), "environment size"},
	{"wrong trigger name", replace("        PreSignUp: !GetAtt PhonepassFunction.Arn", "        PreAuthentication: !GetAtt PhonepassFunction.Arn"), "triggers"},
	{"trigger missing", replace("        VerifyAuthChallengeResponse: !GetAtt PhonepassFunction.Arn\n", ""), "triggers"},
	{"password flow added", replace("        - ALLOW_CUSTOM_AUTH\n", "        - ALLOW_CUSTOM_AUTH\n        - ALLOW_USER_PASSWORD_AUTH\n"), "app client"},
	{"srp flow instead of refresh", replace("        - ALLOW_REFRESH_TOKEN_AUTH\n", "        - ALLOW_USER_SRP_AUTH\n"), "app client"},
	{"client secret", replace("GenerateSecret: false", "GenerateSecret: true"), "app client"},
	{"user existence errors", replace("PreventUserExistenceErrors: ENABLED", "PreventUserExistenceErrors: LEGACY"), "app client"},
	{"missing permission", func(s string) (string, error) { return removeResource(s, "PhonepassInvokePermission") }, "invoke permission"},
	{"permission for any pool", replace("      SourceArn: !GetAtt PhonepassUserPool.Arn\n", ""), "invoke permission"},
	{"topic publish allowed", replace("NotResource: !Sub arn:${AWS::Partition}:sns:*:*:*", `Resource: "*"`), "role"},
	{"all sns actions", replace("Action: sns:Publish", `Action: "sns:*"`), "role"},
	{"logs anywhere", replace("Resource: !GetAtt PhonepassLogGroup.Arn", `Resource: "*"`), "role"},
	{"basic execution policy", replace("      Policies:\n        - PolicyName: logs\n",
		"      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]\n      Policies:\n        - PolicyName: logs\n"), "role"},
	{"mfa on", replace(`MfaConfiguration: "OFF"`, `MfaConfiguration: "OPTIONAL"`), "user pool"},
	{"verification messages", replace("      MfaConfiguration:", "      AutoVerifiedAttributes: [phone_number]\n      MfaConfiguration:"), "user pool"},
	{"topic arns only excluded in one region", replace("NotResource: !Sub arn:${AWS::Partition}:sns:*:*:*", "NotResource: !Sub arn:${AWS::Partition}:sns:eu-west-1:*:*"), "role"},
	{"essentials tier by default", replace("    Default: LITE\n", "    Default: ESSENTIALS\n"), "user pool"},
	{"email as username", replace("UsernameAttributes: [phone_number]", "UsernameAttributes: [email]"), "user pool"},
	{"timeout at cognito's limit", replace("Timeout: 4", "Timeout: 5"), "function"},
	{"go1.x build", replace("BuildMethod: makefile", "BuildMethod: go1.x"), "function"},
	{"x86", replace("Architectures: [arm64]", "Architectures: [x86_64]"), "function"},
	{"log group of another name", replace("LogGroupName: !Sub /aws/lambda/${AWS::StackName}-phonepass", "LogGroupName: !Sub /phonepass/${AWS::StackName}"), "log group"},
	{"variable not mapped", replace("          PHONEPASS_APP_NAME: !Ref AppName\n", ""), "config mapping"},
	{"dry run set", replace("          PHONEPASS_DRY_RUN: \"\"\n", "          PHONEPASS_DRY_RUN: \"true\"\n"), "config mapping"},
	{"dry run as a parameter", replace("          PHONEPASS_DRY_RUN: \"\"\n", "          PHONEPASS_DRY_RUN: !Ref HideUnknownUsers\n"), "config mapping"},
	{"unknown variable", replace("          PHONEPASS_LOG_LEVEL: !Ref LogLevel\n", "          PHONEPASS_LOG_LEVEL: !Ref LogLevel\n          PHONEPASS_COLOUR: !Ref LogLevel\n"), "config mapping"},
	{"default differs from code", replace("    Default: \"6\"\n", "    Default: \"8\"\n"), "parameter values"},
	{"range wider than code", replace("    MaxValue: 900\n", "    MaxValue: 1800\n"), "parameter values"},
	{"sender id pattern dropped", replace("    AllowedPattern: '([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)?'\n", ""), "parameter values"},
	{"table without ttl", replace("        Enabled: true\n", "        Enabled: false\n"), "send-limit table"},
	{"table key renamed", replace("      KeySchema:\n        - AttributeName: pk\n", "      KeySchema:\n        - AttributeName: id\n"), "send-limit table"},
	{"table made optional", replace("    Type: AWS::DynamoDB::Table\n", "    Type: AWS::DynamoDB::Table\n    Condition: HasPreviousCodeKey\n"), "send-limit table"},
	{"all dynamodb actions", replace("                  - dynamodb:DeleteItem\n", "                  - \"dynamodb:*\"\n"), "role"},
	{"scan allowed", replace("                  - dynamodb:DeleteItem\n", "                  - dynamodb:DeleteItem\n                  - dynamodb:Scan\n"), "role"},
	{"delete not allowed", replace("                  - dynamodb:DeleteItem\n", ""), "role"},
	{"every table", replace("Resource: !GetAtt RateLimitTable.Arn", `Resource: "*"`), "role"},
	{"table not passed", replace("PHONEPASS_RATE_LIMIT_TABLE: !Ref RateLimitTable", `PHONEPASS_RATE_LIMIT_TABLE: ""`), "config mapping"},
	{"guess lock not mapped", replace("          PHONEPASS_GUESS_LOCK_AFTER: !Ref GuessLockAfter\n", ""), "config mapping"},
	{"cool-off in seconds", replace("!Sub ${GuessCoolOffMinutes}m", "!Sub ${GuessCoolOffMinutes}s"), "parameter values"},
	{"lock above nist's 100", replace("    Default: \"100\"\n    AllowedPattern: '[1-9][0-9]?|100'\n", "    Default: \"100\"\n    AllowedPattern: '[1-9][0-9]{0,2}'\n"), "parameter values"},
	{"code key as a parameter", chain(
		replace("Parameters:\n", "Parameters:\n  CodeKey:\n    Type: String\n    NoEcho: true\n    Default: \"\"\n"),
		replace("PHONEPASS_CODE_KEY: !Sub '{{resolve:secretsmanager:${CodeKeySecret}:SecretString}}'", "PHONEPASS_CODE_KEY: !Ref CodeKey")), "config mapping"},
	{"code key from a secret named by hand", replace("PHONEPASS_CODE_KEY: !Sub '{{resolve:secretsmanager:${CodeKeySecret}:SecretString}}'",
		"PHONEPASS_CODE_KEY: '{{resolve:secretsmanager:phonepass/code-key:SecretString}}'"), "config mapping"},
	{"code key from another secret", chain(
		replace("Resources:\n", "Resources:\n  OtherSecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      GenerateSecretString: {PasswordLength: 64}\n"),
		replace("${CodeKeySecret}:SecretString}}'\n", "${OtherSecret}:SecretString}}'\n")), "config mapping"},
	{"code key missing", replace("          PHONEPASS_CODE_KEY: !Sub '{{resolve:secretsmanager:${CodeKeySecret}:SecretString}}'\n", ""), "config mapping"},
	{"previous key always resolved", replace("!If [HasPreviousCodeKey, !Sub '{{resolve:secretsmanager:${CodeKeySecret}:SecretString:::${CodeKeyPreviousVersion}}}', \"\"]",
		"!Sub '{{resolve:secretsmanager:${CodeKeySecret}:SecretString:::${CodeKeyPreviousVersion}}}'"), "config mapping"},
	{"previous key condition inverted", replace(`HasPreviousCodeKey: !Not [!Equals [!Ref CodeKeyPreviousVersion, ""]]`,
		`HasPreviousCodeKey: !Equals [!Ref CodeKeyPreviousVersion, ""]`), "config mapping"},
	{"previous key is the current one", replace("SecretString:::${CodeKeyPreviousVersion}}}', \"\"]", "SecretString}}', \"\"]"), "config mapping"},
	{"secret written in the template", replace("      GenerateSecretString:\n        PasswordLength: 64\n        ExcludePunctuation: true\n",
		"      SecretString: change-me-0123456789-0123456789-0123456789\n"), "code key secret"},
	{"short generated key", replace("PasswordLength: 64", "PasswordLength: 16"), "code key secret"},
	{"key as a json field", replace("        ExcludePunctuation: true\n",
		"        ExcludePunctuation: true\n        SecretStringTemplate: '{}'\n        GenerateStringKey: key\n"), "code key secret"},
	{"punctuation in the key", replace("ExcludePunctuation: true", "ExcludePunctuation: false"), "code key secret"},
	{"version id unconstrained", replace("    AllowedPattern: '([0-9A-Za-z-]{32,64})?'\n", ""), "code key secret"},
	{"pool deleted with the stack", replace("    DeletionPolicy: !Ref UserPoolDeletionPolicy\n", "    DeletionPolicy: Delete\n"), "user pool retention"},
	{"pool replaced without a trace", replace("    UpdateReplacePolicy: !Ref UserPoolDeletionPolicy\n", "    UpdateReplacePolicy: Delete\n"), "user pool retention"},
	{"pool deleted by default", replace("    Default: Retain\n", "    Default: Delete\n"), "user pool retention"},
	{"no language extensions", replace("Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]", "Transform: AWS::Serverless-2016-10-31"), "user pool retention"},
	{"admin-only sign-up fixed", replace("AllowAdminCreateUserOnly: !Ref AllowAdminCreateUserOnly", "AllowAdminCreateUserOnly: true"), "user pool"},
	{"phone number required", replace("          AttributeDataType: String\n          Mutable: true\n", "          AttributeDataType: String\n          Mutable: true\n          Required: true\n"), "user pool"},
	{"phone number immutable", replace("          AttributeDataType: String\n          Mutable: true\n", "          AttributeDataType: String\n          Mutable: false\n"), "user pool"},
	{"cognito verifies number changes", replace("      AdminCreateUserConfig:\n",
		"      UserAttributeUpdateSettings:\n        AttributesRequireVerificationBeforeUpdate: [phone_number]\n      AdminCreateUserConfig:\n"), "user pool"},
	{"threat protection on by default", replace("    Default: \"OFF\"\n", "    Default: AUDIT\n"), "threat protection"},
	{"threat protection without plus", func(s string) (string, error) {
		return replaceOnce(s, "      - Assert: !Equals [!Ref UserPoolTier, PLUS]\n", "      - Assert: !Contains [[ESSENTIALS, PLUS], !Ref UserPoolTier]\n")
	}, "threat protection"},
	{"no plus rule", func(s string) (string, error) {
		i, j := strings.Index(s, "\nRules:\n"), strings.Index(s, "\nConditions:\n")
		if i < 0 || j < i {
			return "", errors.New("Rules section not found")
		}
		return s[:i] + s[j:], nil
	}, "threat protection"},
	{"custom auth not protected", replace("          AdvancedSecurityAdditionalFlows:\n            CustomAuthMode: !Ref ThreatProtection\n", ""), "threat protection"},
	{"phone number writable", replace("        - nickname\n", "        - nickname\n        - phone_number\n"), "app client"},
	{"verified flag writable", replace("        - email\n", "        - email\n        - email_verified\n"), "app client"},
	{"write attributes removed", func(s string) (string, error) {
		i := strings.Index(s, "      WriteAttributes:\n")
		j := strings.Index(s, "        - zoneinfo\n")
		if i < 0 || j < i {
			return "", errors.New("WriteAttributes list not found")
		}
		return s[:i] + s[j+len("        - zoneinfo\n"):], nil
	}, "app client"},
	{"refresh tokens for ten years", replace("    MaxValue: 90\n", "    MaxValue: 3650\n"), "app client"},
	{"secret output missing", replace("    Value: !Ref CodeKeySecret\n", "    Value: !Ref PhonepassFunction\n"), "outputs"},
	{"amplify config wrong key", replace(`"userPoolClientId":"${PhonepassUserPoolClient}"`, `"clientId":"${PhonepassUserPoolClient}"`), "outputs"},
	{"range guard not mapped", replace("          PHONEPASS_RANGE_MIN_ANSWERED_PERCENT: !Ref RangeMinAnsweredPercent\n", ""), "config mapping"},
	{"range window in seconds", replace("!Sub ${RangeWindowMinutes}m", "!Sub ${RangeWindowMinutes}s"), "parameter values"},
	{"answered share above 100", replace("    AllowedPattern: '[0-9]|[1-9][0-9]|100'\n", "    AllowedPattern: '[0-9]{1,3}'\n"), "parameter values"},
	{"range guard off by default", replace("    Default: \"20\"\n", "    Default: \"0\"\n"), "parameter values"},
	{"country budgets unconstrained", replace("    AllowedPattern: '(\\+?[1-9][0-9]{0,2}:([1-9][0-9]{0,5}|1000000)(, ?\\+?[1-9][0-9]{0,2}:([1-9][0-9]{0,5}|1000000))*)?'\n", ""), "parameter values"},
	{"web acl of cloudfront scope", replace("      Scope: REGIONAL\n", "      Scope: CLOUDFRONT\n"), "web acl"},
	{"rate per forwarded header", replace("AggregateKeyType: IP\n              Limit: !Ref WebACLRateLimit", "AggregateKeyType: FORWARDED_IP\n              Limit: !Ref WebACLRateLimit"), "web acl"},
	{"rate rule only counts", replace("        - Name: rate-per-ip\n          Priority: 1\n          Action:\n            Block: {}\n", "        - Name: rate-per-ip\n          Priority: 1\n          Action:\n            Count: {}\n"), "web acl"},
	{"sign-in rule only counts", replace("        - Name: sign-ins-per-ip\n          Priority: 2\n          Action:\n            Block: {}\n", "        - Name: sign-ins-per-ip\n          Priority: 2\n          Action:\n            Count: {}\n"), "web acl"},
	{"sign-in limit fixed", replace("Limit: !Ref WebACLSignInRateLimit", "Limit: 2000"), "web acl"},
	{"sign-ins of another target", replace("SearchString: InitiateAuth", "SearchString: SignUp"), "web acl"},
	{"sign-in rule unscoped", replace("              EvaluationWindowSec: 300\n              ScopeDownStatement:\n                ByteMatchStatement:\n                  FieldToMatch:\n                    SingleHeader:\n                      Name: x-amz-target\n                  PositionalConstraint: ENDS_WITH\n                  SearchString: InitiateAuth\n                  TextTransformations:\n                    - Priority: 0\n                      Type: NONE\n", "              EvaluationWindowSec: 300\n"), "web acl"},
	{"rate limit fixed", replace("Limit: !Ref WebACLRateLimit", "Limit: 2000"), "web acl"},
	{"ip reputation only counts", replace("            OverrideAction:\n              None: {}\n", "            OverrideAction:\n              Count: {}\n"), "web acl"},
	{"ip reputation always", replace("        - !If\n          - HasIpReputation\n", "        - !If\n          - CreateWebACL\n"), "web acl"},
	{"web acl always created", replace("    Condition: CreateWebACL\n", ""), "web acl"},
	{"web acl on another resource", replace("ResourceArn: !GetAtt PhonepassUserPool.Arn", "ResourceArn: !GetAtt PhonepassFunction.Arn"), "web acl"},
	{"existing web acl ignored", replace("WebACLArn: !If [UseExistingWebACL, !Ref ExistingWebACLArn, !GetAtt PhonepassWebACL.Arn]", "WebACLArn: !GetAtt PhonepassWebACL.Arn"), "web acl"},
	{"existing mode without an arn", replace("      - Assert: !Not [!Equals [!Ref ExistingWebACLArn, \"\"]]\n", "      - Assert: !Equals [!Ref ExistingWebACLArn, !Ref ExistingWebACLArn]\n"), "web acl"},
	{"web acl arn unconstrained", replace("    AllowedPattern: '(arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{36})?'\n", ""), "web acl"},
	{"spend alarm on another metric", replace("MetricName: SMSMonthToDateSpentUSD\n", "MetricName: SMSSuccessRate\n"), "alarms"},
	{"spend threshold fixed", replace("      Threshold: !Ref SMSSpendAlarmUSD\n", "      Threshold: 1000\n"), "alarms"},
	{"spend alarm notifies nobody", replace("      TreatMissingData: ignore\n      AlarmActions: [!Ref AlarmTopic]\n", "      TreatMissingData: ignore\n"), "alarms"},
	{"failure alarm on a misspelt metric", replace("      MetricName: SendFailures\n", "      MetricName: SendFailure\n"), "alarms"},
	{"refusal alarm without the pool", replace("      MetricName: SendsRefused\n      Dimensions:\n        - Name: UserPoolId\n          Value: !Ref PhonepassUserPool\n",
		"      MetricName: SendsRefused\n"), "alarms"},
	{"refusal alarm missing", func(s string) (string, error) { return removeResource(s, "RefusalSurgeAlarm") }, "alarms"},
	{"failure threshold of 0", replace("    Default: 5\n    MinValue: 1\n", "    Default: 5\n    MinValue: 0\n"), "alarms"},
	{"e-mail subscribed when empty", replace("    Condition: HasAlarmEmail\n", ""), "alarms"},
	{"e-mail to a fixed address", replace("Endpoint: !Ref AlarmEmail", "Endpoint: ops@example.com"), "alarms"},
	{"dashboard misses a metric", replace(`              ["phonepass", "SMSSegments", "UserPoolId", "${PhonepassUserPool}"]]}},`, `              ["AWS/SNS", "SMSMonthToDateSpentUSD"]]}},`), "dashboard"},
	{"dashboard metric misspelt", replace(`["phonepass", "CodesSent", "UserPoolId"`, `["phonepass", "CodeSent", "UserPoolId"`), "dashboard"},
	{"dashboard of another pool", replace(`["phonepass", "AnswersWrong", "UserPoolId", "${PhonepassUserPool}"]`, `["phonepass", "AnswersWrong", "UserPoolId", "eu-west-1_Other"]`), "dashboard"},
	{"dashboard without the spend", replace(`              ["AWS/SNS", "SMSMonthToDateSpentUSD"]]}}`, `              ["phonepass", "CodesSent", "UserPoolId", "${PhonepassUserPool}"]]}}`), "dashboard"},
}

func TestTemplatePassesChecks(t *testing.T) {
	t.Parallel()
	l := load(t)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.check(l.real); err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

func TestMutationsAreCaught(t *testing.T) {
	t.Parallel()
	l := load(t)
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			i := slices.IndexFunc(checks, func(c struct {
				name  string
				check func(*cfnTemplate) error
			}) bool {
				return c.name == m.caughtBy
			})
			if i < 0 {
				t.Fatalf("no check named %q", m.caughtBy)
			}
			if err := checks[i].check(l.real); err != nil {
				t.Fatalf("check %q fails on template.yaml itself (%v): the mutation would prove nothing", m.caughtBy, err)
			}
			err := checks[i].check(l.mutated[m.name])
			if err == nil {
				t.Fatalf("check %q: got no error on the broken copy, want one", m.caughtBy)
			}
			t.Logf("caught: %v", err)
		})
	}
}

// TestEveryCheckIsExercised makes sure that each check catches at least one
// mutation, so that none of them passes everything.
func TestEveryCheckIsExercised(t *testing.T) {
	for _, c := range checks {
		if !slices.ContainsFunc(mutations, func(m mutation) bool { return m.caughtBy == c.name }) {
			t.Errorf("check %q: got no mutation that it must catch, want at least one", c.name)
		}
	}
}

// TestCfnLint lints template.yaml and a copy with a misspelt trigger in one
// cfn-lint run: the first must be clean, the second must not.
func TestCfnLint(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatalf("read template: %v", err)
	}
	broken, err := replaceOnce(string(src), "DefineAuthChallenge: !GetAtt", "DefineAuthChalenge: !GetAtt")
	if err != nil {
		t.Fatal(err)
	}
	brokenPath := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(brokenPath, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	found := lintFindings(t, templatePath, brokenPath)
	if got := found[templatePath]; len(got) > 0 {
		t.Errorf("cfn-lint %s: got %d findings, want none:\n%s", templatePath, len(got), strings.Join(got, "\n"))
	}
	if got := found[brokenPath]; !slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, "DefineAuthChalenge") }) {
		t.Errorf("cfn-lint on a misspelt trigger: got %q, want a finding naming DefineAuthChalenge", got)
	}
}

// TestMakefileBuildsFunction checks that `sam build` (BuildMethod: makefile)
// finds the build-PhonepassFunction target and that it builds the binary the
// way provided.al2023 on arm64 needs it.
func TestMakefileBuildsFunction(t *testing.T) {
	artifacts := "/sam/artifacts/dir"
	out, err := makeDryRun(t, "build-"+functionID, "ARTIFACTS_DIR="+artifacts)
	if err != nil {
		t.Fatalf("make -n build-%s: %v: %s", functionID, err, out)
	}
	for _, want := range []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "-tags lambda.norpc", "-o " + artifacts + "/bootstrap"} {
		if !strings.Contains(out, want) {
			t.Errorf("make -n build-%s: got %q, want it to contain %q", functionID, out, want)
		}
	}
}

// TestMakefileNeedsArtifactsDir checks that build-PhonepassFunction, run
// by hand without the ARTIFACTS_DIR that sam build sets, stops with a
// message naming it instead of building to /bootstrap.
func TestMakefileNeedsArtifactsDir(t *testing.T) {
	for name, args := range map[string][]string{"unset": nil, "empty": {"ARTIFACTS_DIR="}} {
		t.Run(name, func(t *testing.T) {
			out, err := makeDryRun(t, append([]string{"build-" + functionID}, args...)...)
			if err == nil || !strings.Contains(out, "ARTIFACTS_DIR") || strings.Contains(out, "go build") {
				t.Errorf("make -n build-%s %q: got %v: %q, want a failure naming ARTIFACTS_DIR and no build", functionID, args, err, out)
			}
		})
	}
}

// makeDryRun runs `make -n` with args in the repository root, with no
// ARTIFACTS_DIR in its environment, and returns its combined output.
func makeDryRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	mk := testenv.LookPath(t, "make", "install make (apt-get install make)")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, mk, append([]string{"-n", "-C", ".."}, args...)...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ARTIFACTS_DIR=") })
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestSAMConfig reads samconfig.toml with Python's TOML parser and checks
// the defaults it gives `sam deploy` and `sam local`.
func TestSAMConfig(t *testing.T) {
	py := testenv.VenvBin(t, "python")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const dump = "import json, sys, tomllib; json.dump(tomllib.load(open(sys.argv[1], 'rb')), sys.stdout)"
	out, err := exec.CommandContext(ctx, py, "-c", dump, "../samconfig.toml").Output()
	if err != nil {
		t.Fatalf("parse samconfig.toml: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("samconfig.toml as JSON: %v", err)
	}
	got := map[string]any{} // dotted key -> value
	var flatten func(prefix string, m map[string]any)
	flatten = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				flatten(prefix+k+".", sub)
			} else {
				got[prefix+k] = v
			}
		}
	}
	flatten("", doc)
	for key, want := range map[string]any{
		"version":                                     0.1,
		"default.global.parameters.stack_name":        "phonepass",
		"default.deploy.parameters.capabilities":      "CAPABILITY_IAM",
		"default.deploy.parameters.resolve_s3":        true,
		"default.deploy.parameters.confirm_changeset": true,
		// make runs in the repository, not in a copy with its node_modules.
		"default.build.parameters.build_in_source": true,
		"default.sync.parameters.build_in_source":  true,
	} {
		if got[key] != want {
			t.Errorf("samconfig.toml %s: got %v, want %v", key, got[key], want)
		}
	}
	// sam local runs the template as it is: a dry run needs no override, and
	// one naming a parameter the template lacks (RateLimiting) misleads.
	for key, v := range got {
		if strings.HasSuffix(key, ".parameter_overrides") {
			t.Errorf("samconfig.toml %s: got %v, want no parameter overrides", key, v)
		}
	}
}
