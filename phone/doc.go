// Package phone holds phonepass's rules for phone numbers, in one place:
// what an E.164 number is (Valid), how a number appears in logs and to
// clients (Mask), and which country calling codes are allowed
// (ParseCallingCodes, HasCallingCode). It is a leaf: every other package
// that checks a number (triggers, sms, the local pool) uses it, and the
// example page runs the same test vectors (testdata/vectors.json).
package phone
