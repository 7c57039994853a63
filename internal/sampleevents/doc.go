// Package sampleevents makes the sample Cognito trigger events in events/:
// one realistic event for each path of phonepass's sign-in, as Amazon
// Cognito sends them to the Lambda function.
//
// Events that carry state from an earlier round (challenge metadata, the
// digest of a code) are not typed by hand: Generate runs the real
// triggers.Handler, with a fixed clock and the known code Code, and copies
// what it answered into the next event, exactly as Cognito does. The files
// in events/ are Generate(SampleTime); some of them are valid only for a few
// minutes after their time (see TimeDependent), so tests and `sam local`
// users make fresh copies with Generate(time.Now()).
package sampleevents
