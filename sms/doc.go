// Package sms turns a one-time code into a text message and delivers it.
//
// Template renders the message. SNS delivers it with Amazon SNS through any
// client that has the Publish method of aws-sdk-go-v2's sns.Client, with each
// send bounded by a timeout. Writer prints it instead, for local development.
// Both satisfy the small sender interface that package triggers declares; this
// package knows nothing of Cognito or of how codes are made.
package sms
