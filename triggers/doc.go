// Package triggers implements the four Amazon Cognito user pool triggers of
// phonepass: PreSignUp, DefineAuthChallenge, CreateAuthChallenge and
// VerifyAuthChallengeResponse, behind one Handler that reads each event's
// triggerSource and routes it through one table (dispatch.go).
//
// Handler.Invoke takes the raw event JSON and returns the event with its
// response filled in, exactly as Lambda passes it, so the same Handler serves
// the Lambda function (main.go) and the local user pool (cmd/localpool).
// Errors the user may see are UserErrors, each with a stable ErrorCode at the
// start of its message; every invocation logs one line with its Outcome.
//
// Codes are made and checked by package otp; they are delivered by a Sender,
// and the limits across sign-ins (sends, wrong answers) are kept by a
// Limiter, both of which this package declares and other packages implement
// (sms, ratelimit). What survives from one round of the sign-in to the next
// travels in Cognito's challenge metadata and private challenge parameters:
// a keyed digest of the code (with its time of issue) and the number of
// resends, never the code itself.
//
// Files: handler.go (Handler, options, Invoke), dispatch.go (the route
// table), scan.go (the triggerSource scan), auth.go (the four triggers),
// state.go (what rounds record), limits.go (the Limiter and its refusals),
// latency.go (send times for hidden mode), config.go (the rules),
// errors.go (UserError and its codes), outcome.go, log.go.
package triggers
