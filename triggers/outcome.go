package triggers

import "time"

// Outcome is what one invocation did, as its log line says ("outcome"):
// operators search and count by it. Each value keeps its meaning.
type Outcome string

// The outcomes of every path.
const (
	OutcomeConfirmed         Outcome = "confirmed"           // PreSignUp confirmed the user and verified the phone
	OutcomeExternalUnchanged Outcome = "external-unchanged"  // PreSignUp passed an identity-provider user through
	OutcomeChallenge         Outcome = "challenge"           // Define asked for a code challenge
	OutcomeTokens            Outcome = "tokens"              // Define issued tokens after a right answer
	OutcomeTooManyAttempts   Outcome = "too-many-attempts"   // Define failed the sign-in after the last wrong answer
	OutcomeTooManyRounds     Outcome = "too-many-rounds"     // Define failed a sign-in with more rounds than allowed
	OutcomeRefusedSession    Outcome = "refused-session"     // Define failed a session phonepass did not write
	OutcomeSent              Outcome = "sent"                // Create sent a new code
	OutcomeResent            Outcome = "resent"              // Create sent a new code the user asked for
	OutcomeReused            Outcome = "reused"              // Create kept the code after a wrong answer
	OutcomeUnknownUser       Outcome = "unknown-user"        // no account for the number: no SMS
	OutcomeUnverifiedPhone   Outcome = "unverified-phone"    // the user's number is not verified: no SMS
	OutcomeRateLimited       Outcome = "rate-limited"        // the number's send limit refused a code
	OutcomePoolLimited       Outcome = "pool-limited"        // the pool's ceiling refused a code
	OutcomeRangeLimited      Outcome = "range-limited"       // the range guard refused a code
	OutcomeCountryLimited    Outcome = "country-limited"     // the country's budget refused a code
	OutcomeSendFailed        Outcome = "send-failed"         // SNS did not take the code
	OutcomeSentUncertain     Outcome = "sent-uncertain"      // Create sent a code with no answer from SNS: it may not arrive
	OutcomeCoolingOff        Outcome = "cooling-off"         // a cool-off after wrong answers refused a code or an answer
	OutcomeLocked            Outcome = "locked"              // the number is locked after wrong answers
	OutcomeLimiterDown       Outcome = "limiter-unavailable" // the limits table could not be reached
	OutcomeCorrect           Outcome = "correct"             // Verify accepted the right code
	OutcomeWrong             Outcome = "wrong"               // Verify refused a wrong answer
	OutcomeExpired           Outcome = "expired"             // Verify refused a code past its lifetime
	OutcomeResendRequested   Outcome = "resend-requested"    // Verify passed on a request for a new code
	OutcomeUnlocked          Outcome = "unlocked"            // an administrator cleared a number's wrong answers
	OutcomeError             Outcome = "error"               // the invocation failed before any of the above
)

// outcome is what one invocation did, for its log line and its metrics.
type outcome struct {
	result      Outcome
	pool        string
	phone       string
	detail      error
	sendLatency time.Duration // how long the SMS send took, if one was tried
	segments    int           // the SMS segments of a code sent
}
