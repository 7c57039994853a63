// Package deploy checks template.yaml, the AWS SAM template that deploys
// phonepass, without an AWS account. It has no code of its own: its tests
// lint the template with cfn-lint, transform it offline with the
// aws-sam-translator that `sam deploy` uses (transform.py), and assert on the
// resulting CloudFormation that
//
//   - the one function serves all four Cognito triggers of the user pool, and
//     only that pool may invoke it;
//   - the app client allows custom authentication and refresh tokens only;
//   - the function's role may publish SMS to phone numbers but not to topics,
//     write only to its own log group and use only the limiter's item
//     actions on its table;
//   - every variable of config.Names is a parameter mapped into the
//     function's environment, with the code's default and no value the code
//     would refuse, except the limiter's table and the code key (a secret
//     the stack generates, passed as a dynamic reference) and the local-only
//     PHONEPASS_DRY_RUN;
//   - the user pool outlives the stack by default, its users cannot write
//     their phone_number, and threat protection needs the Plus plan;
//   - WebACLMode none makes no web ACL, create a REGIONAL one that blocks
//     each client IP past WebACLRateLimit requests or WebACLSignInRateLimit
//     sign-ins (with the AWS IP reputation list by default), existing
//     associates the one ExistingWebACLArn names;
//   - alarms on the SMS spend and on the send failures and refusals that
//     package metrics writes notify one SNS topic (AlarmEmail subscribes
//     to it), and the dashboard shows every metric of package metrics, by
//     the names and dimension that package writes.
//
// The same checks run on copies of the template broken on purpose, each of
// which must be caught. The SAM CLI itself, from the project's virtual
// environment, validates, builds and runs what it built (samcli_test.go,
// sam_build_test.go, sam_local_test.go): sam validate --lint, sam build in
// a copy of the repository, sam local invoke with every sample event and
// sam local start-lambda, in arm64 containers, nothing pulled, nothing
// called out. To check something new (a table, a variable), add a
// check function to the list in checks_test.go and a broken copy that it
// catches to the mutations in template_test.go.
package deploy
