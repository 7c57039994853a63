// Command genevents writes phonepass's sample Cognito events to a directory.
// By default they are made now, so that the time-dependent ones (a reused
// code, a right answer) are valid for the next three minutes, for
// `sam local invoke -e`:
//
//	go run ./internal/sampleevents/genevents -o /tmp/phonepass-events
//
// With -sample it writes the events as committed in events/, made at
// sampleevents.SampleTime (each run draws new salts for the code digests).
package main
