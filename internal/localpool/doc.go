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
// challenge triggers with userNotFound set, as in Cognito. Attributes follow
// a Schema (Cognito's standard attributes and declared custom ones) and the
// template's app-client WriteAttributes.
//
// Callers are treated as in Cognito: the actions an app calls need no
// credentials; admin actions need a SigV4 Authorization header, and pages
// may call the API from loopback origins only. The pool listens on loopback
// addresses unless told otherwise (StartOptions.AllowRemote).
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
// laid out one job a file: server.go (Options, Server), http.go (routing),
// actions.go (the action table), callers.go (CORS, SigV4 for admin calls),
// auth.go (InitiateAuth, RespondToAuthChallenge and their Admin forms),
// sessions.go (bounded auth sessions), tokens.go (JWTs, access-token checks,
// refresh tokens), schema.go (attributes and who may write them), users.go
// (the User model, creating users, changing attributes), selfservice.go,
// admin.go, listusers.go and describe.go (the other actions), events.go
// (trigger events and invocation), store.go (the database).
package localpool
