// Auth: InitiateAuth and RespondToAuthChallenge, their Admin forms for
// backends, and the custom-authentication loop through the Define, Create
// and Verify triggers (sessions.go keeps the sessions between its rounds).

package localpool

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/phonepass/phonepass/internal/cognitoevent"
	"github.com/phonepass/phonepass/triggers"
)

// Auth flows and the challenge the pool serves.
const (
	flowCustom       = "CUSTOM_AUTH"
	flowRefresh      = "REFRESH_TOKEN_AUTH"
	flowRefreshAlias = "REFRESH_TOKEN"
	challengeCustom  = "CUSTOM_CHALLENGE"
)

// maxRounds bounds the challenges of one sign-in, whatever the triggers say.
const maxRounds = 20

// authSession is a sign-in in progress: the rounds answered so far and the
// challenge waiting for an answer.
type authSession struct {
	username  string // the user's username; the given name for an unknown user
	clientID  string
	notFound  bool
	rounds    []cognitoevent.SessionEntry
	metadata  string            // challenge metadata of the waiting challenge
	private   map[string]string // its private challenge parameters
	expires   time.Time
	authStart time.Time
}

type initiateAuthInput struct {
	UserPoolID     string            `json:"UserPoolId"` // AdminInitiateAuth's
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
	ClientID       string            `json:"ClientId"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// authOutput is the answer of InitiateAuth and RespondToAuthChallenge:
// either a challenge or tokens.
type authOutput struct {
	ChallengeName        string            `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string `json:"ChallengeParameters,omitempty"`
	Session              string            `json:"Session,omitempty"`
	AuthenticationResult *authResult       `json:"AuthenticationResult,omitempty"`
}

func (s *Server) initiateAuth(ctx context.Context, body []byte) (any, error) {
	return s.startAuth(ctx, body, false)
}

// adminInitiateAuth is InitiateAuth for a backend: the same flows, with the
// pool's ID.
func (s *Server) adminInitiateAuth(ctx context.Context, body []byte) (any, error) {
	return s.startAuth(ctx, body, true)
}

// startAuth serves InitiateAuth, or with admin AdminInitiateAuth.
func (s *Server) startAuth(ctx context.Context, body []byte, admin bool) (any, error) {
	var in initiateAuthInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if admin {
		if err := s.checkPool(in.UserPoolID); err != nil {
			return nil, err
		}
	}
	if in.AuthFlow == "" {
		return nil, missing("authFlow")
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case flowCustom:
		return s.startCustomAuth(ctx, in)
	case flowRefresh, flowRefreshAlias:
		res, err := s.refresh(in.AuthParameters["REFRESH_TOKEN"], in.ClientID)
		if err != nil {
			return nil, err
		}
		return authOutput{AuthenticationResult: res}, nil
	case "USER_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", "USER_AUTH":
		return nil, invalidParam("%s flow not enabled for this client", in.AuthFlow)
	default:
		return nil, invalidParam("1 validation error detected: Value '%s' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]", truncate(in.AuthFlow, 64))
	}
}

// startCustomAuth looks the user up and runs the first round. An unknown
// user goes through the triggers with userNotFound set, as Cognito does with
// PreventUserExistenceErrors enabled.
func (s *Server) startCustomAuth(ctx context.Context, in initiateAuthInput) (any, error) {
	name := in.AuthParameters["USERNAME"]
	if name == "" {
		return nil, invalidParam("Missing required parameter USERNAME")
	}
	if len(name) > 128 {
		return nil, invalidParam("1 validation error detected: Value at 'authParameters.USERNAME' failed to satisfy constraint: Member must have length less than or equal to 128")
	}
	sess := &authSession{clientID: in.ClientID, authStart: s.now()}
	u, err := s.store.FindUser(name)
	switch {
	case errors.Is(err, errNotFound):
		// A USERNAME this pool gave a number without an account stands for
		// that number, as a real user's stands for the user.
		sess.username, sess.notFound = s.unknownNumber(name), true
	case err != nil:
		return nil, err
	case !u.Enabled:
		return nil, notAuthorized(MsgUserDisabled)
	case u.Status == StatusUnconfirmed:
		return nil, apiErr(TypeUserNotConfirmed, "User is not confirmed.")
	default:
		sess.username = u.Username
	}
	// ClientMetadata of InitiateAuth does not reach Define or Create.
	return s.nextRound(ctx, sess, u, nil)
}

type respondInput struct {
	UserPoolID         string            `json:"UserPoolId"` // AdminRespondToAuthChallenge's
	ChallengeName      string            `json:"ChallengeName"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	ClientID           string            `json:"ClientId"`
	Session            string            `json:"Session"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

func (s *Server) respondToAuthChallenge(ctx context.Context, body []byte) (any, error) {
	return s.respond(ctx, body, false)
}

// adminRespondToAuthChallenge is RespondToAuthChallenge for a backend.
func (s *Server) adminRespondToAuthChallenge(ctx context.Context, body []byte) (any, error) {
	return s.respond(ctx, body, true)
}

// respond serves RespondToAuthChallenge, or with admin AdminRespondToAuthChallenge.
func (s *Server) respond(ctx context.Context, body []byte, admin bool) (any, error) {
	var in respondInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if admin {
		if err := s.checkPool(in.UserPoolID); err != nil {
			return nil, err
		}
	}
	if in.ChallengeName == "" {
		return nil, missing("challengeName")
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	if in.ChallengeName != challengeCustom {
		return nil, invalidParam("challenge %s is not served by this pool; it serves %s", truncate(in.ChallengeName, 64), challengeCustom)
	}
	if in.Session == "" {
		return nil, invalidParam("Missing required parameter Session")
	}
	name := in.ChallengeResponses["USERNAME"]
	if name == "" {
		return nil, invalidParam("Missing required parameter USERNAME")
	}
	answer, ok := in.ChallengeResponses["ANSWER"]
	if !ok {
		return nil, invalidParam("Missing required parameter ANSWER")
	}
	sess := s.sessions.take(in.Session, s.now())
	if sess == nil || sess.clientID != in.ClientID {
		return nil, notAuthorized(MsgSessionExpired)
	}
	var u User
	if !sess.notFound {
		var err error
		u, err = s.store.UserByUsername(sess.username)
		if errors.Is(err, errNotFound) {
			return nil, notAuthorized(MsgIncorrect)
		}
		if err != nil {
			return nil, err
		}
		if name != u.Username && name != u.Phone() {
			return nil, notAuthorized(MsgIncorrect)
		}
		if !u.Enabled {
			return nil, notAuthorized(MsgUserDisabled)
		}
	} else if name != sess.username && name != s.unknownUsername(sess.username) {
		return nil, notAuthorized(MsgIncorrect)
	}

	req := map[string]any{
		"userAttributes":             attributesOrEmpty(u, sess.notFound),
		"privateChallengeParameters": nonNil(sess.private),
		"challengeAnswer":            answer,
		"userNotFound":               sess.notFound,
	}
	if in.ClientMetadata != nil {
		req["clientMetadata"] = in.ClientMetadata
	}
	var vr verifyResponse
	if err := s.invoke(ctx, triggerVerify, s.newEvent(triggers.SourceVerifyChallengeAnswer, sess.username, sess.clientID, req), &vr); err != nil {
		return nil, err
	}
	metadata := sess.metadata
	sess.rounds = append(sess.rounds, cognitoevent.SessionEntry{ChallengeName: challengeCustom, ChallengeResult: vr.AnswerCorrect, ChallengeMetadata: &metadata})
	return s.nextRound(ctx, sess, u, in.ClientMetadata)
}

// nextRound asks DefineAuthChallenge what comes next and either issues
// tokens, fails, or creates the next challenge and keeps the session.
func (s *Server) nextRound(ctx context.Context, sess *authSession, u User, clientMetadata map[string]string) (any, error) {
	session := make([]cognitoevent.SessionEntry, len(sess.rounds))
	copy(session, sess.rounds)
	req := map[string]any{
		"userAttributes": attributesOrEmpty(u, sess.notFound),
		"session":        session,
		"userNotFound":   sess.notFound,
	}
	if clientMetadata != nil {
		req["clientMetadata"] = clientMetadata
	}
	var dr defineResponse
	if err := s.invoke(ctx, triggerDefine, s.newEvent(triggers.SourceDefineAuthChallenge, sess.username, sess.clientID, req), &dr); err != nil {
		return nil, err
	}
	switch {
	case dr.FailAuthentication:
		return nil, notAuthorized(MsgIncorrect)
	case dr.IssueTokens && sess.notFound:
		return nil, notAuthorized(MsgIncorrect)
	case dr.IssueTokens:
		res, err := s.signIn(u, sess.clientID)
		if err != nil {
			return nil, err
		}
		return authOutput{AuthenticationResult: res}, nil
	case dr.ChallengeName != challengeCustom:
		return nil, apiErr(TypeInvalidLambdaResponse, "Invalid challenge name %q from DefineAuthChallenge; the local pool serves only %s", truncate(dr.ChallengeName, 64), challengeCustom)
	case len(sess.rounds) >= maxRounds:
		return nil, notAuthorized(MsgIncorrect)
	}

	req = map[string]any{
		"userAttributes": attributesOrEmpty(u, sess.notFound),
		"challengeName":  challengeCustom,
		"session":        session,
		"userNotFound":   sess.notFound,
	}
	if clientMetadata != nil {
		req["clientMetadata"] = clientMetadata
	}
	var cr createResponse
	if err := s.invoke(ctx, triggerCreate, s.newEvent(triggers.SourceCreateAuthChallenge, sess.username, sess.clientID, req), &cr); err != nil {
		return nil, err
	}
	params := make(map[string]string, len(cr.PublicChallengeParameters)+1)
	for k, v := range cr.PublicChallengeParameters {
		params[k] = v
	}
	params["USERNAME"] = sess.username
	if sess.notFound {
		params["USERNAME"] = s.unknownUsername(sess.username)
	}
	sess.metadata, sess.private = cr.ChallengeMetadata, cr.PrivateChallengeParameters
	return authOutput{ChallengeName: challengeCustom, ChallengeParameters: params, Session: s.keepSession(sess)}, nil
}

// keepSession stores sess under a new session string for SessionTTL and
// returns the string.
func (s *Server) keepSession(sess *authSession) string {
	now := s.now()
	sess.expires = now.Add(s.opts.SessionTTL)
	id := newSessionID()
	s.sessions.put(id, sess, now)
	return id
}

func attributesOrEmpty(u User, notFound bool) map[string]string {
	if notFound {
		return map[string]string{}
	}
	return eventAttributes(u)
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// newSessionID returns an opaque auth session string.
func newSessionID() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
