// Package localpool is a local Amazon Cognito user pool for developing apps
// that sign in with phonepass, without AWS.
//
// Server speaks Cognito's own JSON protocol (POST /, X-Amz-Target:
// AWSCognitoIdentityProviderService.<Action>), so aws-amplify,
// amazon-cognito-identity-js and aws-sdk-go-v2 work against it unchanged. It
// runs the custom-authentication loop as Cognito does: it builds the trigger
// events Cognito sends (PreSignUp, DefineAuthChallenge, CreateAuthChallenge,
// VerifyAuthChallengeResponse) and hands them to an Invoker, which is the
// very triggers.Handler of the Lambda function, in-process, or a Lambda
// endpoint reached through the Lambda Invoke API (LambdaInvoker).
//
// Users pool by phone number: the pool has UsernameAttributes [phone_number],
// so every user gets a generated username equal to its sub, and signs in with
// either. PreventUserExistenceErrors is enabled: an unknown user gets the
// challenge triggers with userNotFound set, as in Cognito.
//
// Tokens are RS256 JWTs with Cognito's claims, signed with a key kept in the
// Store, and published at /<poolId>/.well-known/jwks.json. Refresh tokens are
// opaque. Users, the key and refresh tokens live in a bbolt database.
//
// SMS never leave the machine: Outbox is a triggers.Sender that prints each
// message on the terminal and keeps it for GET /_local/outbox, which answers
// loopback clients only.
//
// Start runs the whole of it in-process as cmd/localpool runs it: the code
// key, the triggers configured from PHONEPASS_* variables with the in-memory
// send limiter, an Outbox, a Server and its HTTP listener. The package is
// laid out one job a file: server.go (Options, Server), http.go (routing and
// the action table), auth.go (InitiateAuth, RespondToAuthChallenge),
// tokens.go (JWTs and refresh tokens), users.go (the User model and
// attribute rules), selfservice.go and admin.go (the other actions),
// events.go (trigger events and invocation), store.go (the database).
package localpool
