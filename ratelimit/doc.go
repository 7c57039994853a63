// Package ratelimit caps how many one-time codes phonepass sends, across
// sign-ins: per phone number (by default 5 codes per 15 minutes) and for the
// whole user pool (a ceiling of codes per minute). It is the defence against
// SMS pumping, where an attacker starts sign-ins to make the pool text
// premium-rate numbers.
//
// Both limiters count in fixed windows. Memory keeps the counters in the
// process, for the local user pool. DynamoDB keeps them in a table with
// atomic conditional updates, so that concurrent Lambda invocations can never
// let more through than the limit, and with a TTL attribute so that old
// windows delete themselves. Phone numbers are stored only as hashes.
package ratelimit
