// Package sms turns a one-time code into a text message and delivers it.
//
// Messages renders the message in the recipient's language: the user's
// locale, else the language of the number's country calling code, else
// English, from a built-in catalogue of 31 languages that operators extend
// or override (ParseTemplates). Segments computes a message's encoding
// (GSM-7 or UCS-2) and how many SMS segments it takes; NewMessages refuses
// an operator template that needs more segments than allowed, so that a
// message never silently costs two. The autofill lines go last: the
// Android SMS Retriever app hash, then the WebOTP line "@<domain> #<code>".
//
// SNS delivers a message with Amazon SNS through any client that has the
// Publish method of aws-sdk-go-v2's sns.Client, with each send bounded by a
// timeout. Writer prints it instead, for local development. Both satisfy
// the small sender interface that package triggers declares; this package
// knows nothing of Cognito or of how codes are made.
package sms
