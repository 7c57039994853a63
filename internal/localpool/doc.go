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
package localpool
