// Self-service: the calls an app makes for its user, SignUp and those
// authorized by the user's access token (GetUser, GlobalSignOut,
// DeleteUser), and RevokeToken.

package localpool

import (
	"context"
	"errors"
	"strings"

	"github.com/phonepass/phonepass/triggers"
)

type signUpInput struct {
	ClientID       string            `json:"ClientId"`
	Username       string            `json:"Username"`
	Password       *string           `json:"Password"`
	UserAttributes []attributeType   `json:"UserAttributes"`
	ValidationData []attributeType   `json:"ValidationData"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

type signUpOutput struct {
	UserConfirmed bool   `json:"UserConfirmed"`
	UserSub       string `json:"UserSub"`
}

// signUp creates a user after PreSignUp_SignUp; a password, if sent, is
// ignored: phonepass users sign in by code.
func (s *Server) signUp(ctx context.Context, body []byte) (any, error) {
	var in signUpInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, missing("username")
	}
	attrs, err := readAttributes(in.UserAttributes, false)
	if err != nil {
		return nil, err
	}
	validation, err := readAttributes(in.ValidationData, true)
	if err != nil {
		return nil, err
	}
	u, err := s.createUser(ctx, in.Username, attrs, creation{
		source:         triggers.SourcePreSignUp,
		clientID:       in.ClientID,
		hidden:         []string{AttrSub, AttrPhoneVerified},
		validationData: validation,
		clientMetadata: in.ClientMetadata,
		status: func(autoConfirm bool) string {
			if autoConfirm {
				return StatusConfirmed
			}
			return StatusUnconfirmed
		},
	})
	if err != nil {
		return nil, err
	}
	return signUpOutput{UserConfirmed: u.Status == StatusConfirmed, UserSub: u.Username}, nil
}

type accessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// userFromAccess checks an access token and returns its user.
func (s *Server) userFromAccess(body []byte) (User, accessClaims, error) {
	var in accessTokenInput
	if err := decode(body, &in); err != nil {
		return User{}, accessClaims{}, err
	}
	if in.AccessToken == "" {
		return User{}, accessClaims{}, missing("accessToken")
	}
	c, err := s.tokens.parseAccess(in.AccessToken, s.now())
	if err != nil {
		return User{}, c, notAuthorized(err.Error())
	}
	rec, err := s.store.Refresh(c.OriginJTI)
	if errors.Is(err, errNotFound) || (err == nil && rec.Revoked) {
		return User{}, c, notAuthorized("Access Token has been revoked")
	}
	if err != nil {
		return User{}, c, err
	}
	u, err := s.store.FindUser(c.Username)
	if errors.Is(err, errNotFound) {
		return User{}, c, apiErr(TypeUserNotFound, MsgUserNotExist)
	}
	return u, c, err
}

type getUserOutput struct {
	Username       string          `json:"Username"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

func (s *Server) getUser(_ context.Context, body []byte) (any, error) {
	u, _, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	return getUserOutput{Username: u.Username, UserAttributes: attributeList(u)}, nil
}

func (s *Server) globalSignOut(_ context.Context, body []byte) (any, error) {
	u, _, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.RevokeUser(u.Username); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Server) deleteUser(_ context.Context, body []byte) (any, error) {
	u, _, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(u.Username); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	return struct{}{}, nil
}

type revokeInput struct {
	Token    string `json:"Token"`
	ClientID string `json:"ClientId"`
}

// revokeToken revokes a refresh token and every token made from it. An
// unknown token is accepted silently, as Cognito does.
func (s *Server) revokeToken(_ context.Context, body []byte) (any, error) {
	var in revokeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Token == "" {
		return nil, missing("token")
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	if strings.Count(in.Token, ".") == 2 {
		return nil, apiErr(TypeUnsupportedTokenType, "Only refresh tokens can be revoked")
	}
	origin, rec, err := s.store.RefreshByToken(hashToken(in.Token))
	if errors.Is(err, errNotFound) {
		return struct{}{}, nil
	}
	if err != nil {
		return nil, err
	}
	if rec.ClientID != in.ClientID {
		return nil, apiErr("UnauthorizedException", "Invalid client for this token")
	}
	if err := s.store.RevokeRefresh(origin); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
