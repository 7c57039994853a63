// Package triggers implements the four Amazon Cognito user pool triggers of
// phonepass: PreSignUp, DefineAuthChallenge, CreateAuthChallenge and
// VerifyAuthChallengeResponse, behind one Handler that reads each event's
// triggerSource and routes it.
//
// Handler.Invoke takes the raw event JSON and returns the event with its
// response filled in, exactly as Lambda passes it, so the same Handler serves
// the Lambda function (main.go) and the local user pool (cmd/localpool).
//
// Codes are made and checked by package otp; they are delivered by a Sender,
// which this package declares and package sms implements. What survives from
// one round of the sign-in to the next travels in Cognito's challenge
// metadata and private challenge parameters: a salted hash of the code, the
// time it was sent and the number of resends, never the code itself.
package triggers
