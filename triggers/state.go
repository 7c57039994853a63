package triggers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/phonepass/phonepass/otp"
)

// metadataPrefix starts the challenge metadata that CreateAuthChallenge
// sets. PHONEPASS1 held an unkeyed digest and is no longer accepted.
const metadataPrefix = "PHONEPASS2"

// privateDigest is the private challenge parameter that carries the digest
// of the code to VerifyAuthChallengeResponse.
const privateDigest = "digest"

// errBadSession is the answer to a session whose metadata phonepass did not write.
var errBadSession = errors.New("session holds challenge metadata that phonepass did not write")

// round is what CreateAuthChallenge records of one challenge in its
// metadata, just what the next round needs: "PHONEPASS2 <resends> <digest>",
// and " uncertain" after them when SNS gave no answer to the code's text.
// The digest carries the time the code was sent; it is keyed (package otp),
// so the metadata gives no code away. A challenge that can never succeed
// has a digest of the same form that no answer matches.
type round struct {
	resends int        // new codes sent on request before this round
	digest  otp.Digest // the code of this round
	// uncertain: the code's text went to SNS with no answer, so the page
	// may say it might not arrive (ParamDeliveryUncertain), each round.
	uncertain bool
}

// sentAt returns when the code of r was sent.
func (r round) sentAt() time.Time { return r.digest.IssuedAt }

// String encodes r as challenge metadata; parseRound reads it back.
func (r round) String() string {
	s := metadataPrefix + " " + strconv.Itoa(r.resends) + " " + r.digest.String()
	if r.uncertain {
		s += " " + uncertainMark
	}
	return s
}

// uncertainMark ends the metadata of a round whose text had no answer.
const uncertainMark = "uncertain"

func parseRound(s string) (round, error) {
	f := strings.Split(s, " ")
	marked := len(f) == 4 && f[3] == uncertainMark
	if (len(f) != 3 && !marked) || f[0] != metadataPrefix {
		return round{}, errBadSession
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 || n > MaxMaxResends {
		return round{}, errBadSession
	}
	d, err := otp.ParseDigest(f[2])
	if err != nil {
		return round{}, errBadSession
	}
	return round{resends: n, digest: d, uncertain: marked}, nil
}

// wantsResend reports whether the client asked for a new code.
func wantsResend(clientMetadata map[string]string) bool {
	return clientMetadata[ClientMetadataAction] == ActionResend
}

// resendWait returns how long until a new code may be sent after r, and
// whether one may be sent at all in this sign-in.
func (c Config) resendWait(r round, now time.Time) (time.Duration, bool) {
	if r.resends >= c.MaxResends {
		return 0, false
	}
	wait := r.sentAt().Add(c.ResendInterval).Sub(now)
	if wait < 0 {
		wait = 0
	}
	return wait, true
}

// resendGranted reports whether the client asked for a new code now, after
// round r, and may have it.
func (c Config) resendGranted(clientMetadata map[string]string, r round, now time.Time) bool {
	wait, ok := c.resendWait(r, now)
	return wantsResend(clientMetadata) && ok && wait == 0
}

// tally reads a session: the rounds CreateAuthChallenge recorded and the
// number of wrong answers in it. An answer that asked for a resend which was
// granted is not a wrong answer; the last answer's resend is judged by
// whether it may be granted now, earlier ones by whether the next round
// recorded one more resend. Any entry that is not phonepass's own
// CUSTOM_CHALLENGE is an error.
func (c Config) tally(session []*events.CognitoEventUserPoolsChallengeResult, clientMetadata map[string]string, now time.Time) ([]round, int, error) {
	rounds := make([]round, len(session))
	for i, e := range session {
		if e == nil || e.ChallengeName != ChallengeName {
			return nil, 0, errForeignChallenge
		}
		r, err := parseRound(e.ChallengeMetadata)
		if err != nil {
			return nil, 0, err
		}
		rounds[i] = r
	}
	wrong := 0
	for i, e := range session {
		if e.ChallengeResult {
			continue
		}
		granted := false
		if i+1 < len(rounds) {
			granted = rounds[i+1].resends > rounds[i].resends
		} else {
			granted = c.resendGranted(clientMetadata, rounds[i], now)
		}
		if !granted {
			wrong++
		}
	}
	return rounds, wrong, nil
}

// errForeignChallenge marks a session entry that is not a CUSTOM_CHALLENGE,
// such as SRP_A or PASSWORD_VERIFIER.
var errForeignChallenge = errors.New("session holds a challenge other than CUSTOM_CHALLENGE")
