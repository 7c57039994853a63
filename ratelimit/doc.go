// Package ratelimit holds phonepass's limits across sign-ins, per phone
// number and for the whole user pool:
//
//   - send limits (by default 5 codes per number per 15 minutes, and a
//     ceiling of 60 codes a minute for the pool), the defence against SMS
//     pumping, where an attacker starts sign-ins to make the pool text
//     premium-rate numbers; a send the pool's ceiling refuses spends no
//     number's allowance;
//   - a guess budget (GuessRules): every 10 consecutive wrong answers start
//     a cool-off that doubles from 15 minutes, and 100 lock the number until
//     an administrator clears it, the ceiling of NIST SP 800-63B.
//
// A refusal is a *Refused error, whose methods say which limit and for how
// long. Memory keeps the counts in the process, for the local user pool and
// sam local. DynamoDB keeps them in a table with conditional writes, so that
// concurrent Lambda invocations never let more through than a limit, and
// with a TTL attribute so that old counts delete themselves. Phone numbers
// appear only as HMACs under a server key (Policy.Key).
package ratelimit
