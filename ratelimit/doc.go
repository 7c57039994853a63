// Package ratelimit holds phonepass's limits across sign-ins, per phone
// number and for the whole user pool:
//
//   - send limits (by default 5 codes per number per 15 minutes, and a
//     ceiling of 60 codes a minute for the pool), the defence against SMS
//     pumping, where an attacker starts sign-ins to make the pool text
//     premium-rate numbers; a send the pool's ceiling refuses spends no
//     number's allowance;
//   - a range guard by conversion (RangeRules): per number range (the
//     number without its last 3 digits) and hour, the codes sent and the
//     codes answered right; once a range has had 10 codes of which fewer
//     than 20 % were answered, it gets no code until the hour ends, while
//     other ranges are served and a range whose codes are answered is never
//     cut off; and optional budgets of codes per hour per country calling
//     code. A refused send counts toward no limit;
//   - a guess budget (GuessRules): every 10 consecutive wrong answers start
//     a cool-off that doubles from 15 minutes, and 100 lock the number until
//     an administrator clears it, the ceiling of NIST SP 800-63B.
//
// A refusal is a *Refused error, whose methods say which limit and for how
// long. Take gives a function that gives the send back, for a text that
// never left. Wrong counts a wrong answer; Right admits a right one, ends
// the number's run of wrong answers and counts it for the number's range;
// Clear and ClearRange are the administrator's unlocks of a number and of
// a range.
//
// Memory keeps the counts in the process, for the local user pool and sam
// local. DynamoDB keeps them in a table with conditional writes, so that
// concurrent Lambda invocations never let more through than a limit, and
// with a TTL attribute so that old counts delete themselves: a send, a give-
// back and an answer are one round trip each (a send is one transaction of
// all its limits), and a ceiling too high for one item is split over shards
// that refuse at its total. Both take
// their rules from the same code (ranges.go, guesses.go). Phone numbers and
// ranges appear only as HMACs under a server key (Policy.Key); a country's
// counter carries its calling code.
package ratelimit
