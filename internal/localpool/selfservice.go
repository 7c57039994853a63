// Self-service: the calls an app makes for its user with no AWS
// credentials: SignUp, those authorized by the user's access token
// (GetUser, UpdateUserAttributes, DeleteUserAttributes, GlobalSignOut,
// DeleteUser), and those of its refresh token (GetTokensFromRefreshToken,
// RevokeToken).

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
	attrs, err := s.schema.readAttributes(in.UserAttributes, byClient, atCreate)
	if err != nil {
		return nil, err
	}
	validation, err := readNamedData(in.ValidationData)
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

// userFromAccess decodes a call authorized by an access token and returns
// the token's user (accessUser).
func (s *Server) userFromAccess(body []byte) (User, error) {
	var in accessTokenInput
	if err := decode(body, &in); err != nil {
		return User{}, err
	}
	u, err := s.accessUser(in.AccessToken)
	return u, err
}

type getUserOutput struct {
	Username       string          `json:"Username"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

func (s *Server) getUser(_ context.Context, body []byte) (any, error) {
	u, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	return getUserOutput{Username: u.Username, UserAttributes: attributeList(u)}, nil
}

type updateUserAttributesInput struct {
	AccessToken    string            `json:"AccessToken"`
	UserAttributes []attributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// updateUserAttributesOutput lists the verification codes sent: none, as
// the template's pool auto-verifies no attribute.
type updateUserAttributesOutput struct {
	CodeDeliveryDetailsList []struct{} `json:"CodeDeliveryDetailsList"`
}

// updateUserAttributes changes the token's user's attributes within the
// app client's WriteAttributes; an empty value removes one.
func (s *Server) updateUserAttributes(_ context.Context, body []byte) (any, error) {
	var in updateUserAttributesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	u, err := s.accessUser(in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.UserAttributes == nil {
		return nil, missing("userAttributes")
	}
	attrs, err := s.schema.readAttributes(in.UserAttributes, byClient, atUpdate)
	if err != nil {
		return nil, err
	}
	if _, err := s.changeAttributes(u.Username, attrs); err != nil {
		return nil, err
	}
	return updateUserAttributesOutput{CodeDeliveryDetailsList: []struct{}{}}, nil
}

type deleteUserAttributesInput struct {
	AccessToken        string   `json:"AccessToken"`
	UserAttributeNames []string `json:"UserAttributeNames"`
}

// deleteUserAttributes removes attributes of the token's user that the app
// client may write.
func (s *Server) deleteUserAttributes(_ context.Context, body []byte) (any, error) {
	var in deleteUserAttributesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	u, err := s.accessUser(in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.removeAttributes(u.Username, in.UserAttributeNames, byClient); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Server) globalSignOut(_ context.Context, body []byte) (any, error) {
	u, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.RevokeUser(u.Username); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Server) deleteUser(_ context.Context, body []byte) (any, error) {
	u, err := s.userFromAccess(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(u.Username); err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	return struct{}{}, nil
}

type getTokensInput struct {
	RefreshToken   string            `json:"RefreshToken"`
	ClientID       string            `json:"ClientId"`
	ClientSecret   string            `json:"ClientSecret"` // the client has none: ignored
	DeviceKey      string            `json:"DeviceKey"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
}

// getTokensFromRefreshToken is REFRESH_TOKEN_AUTH as its own action, which
// Amplify v6 uses to refresh: new ID and access tokens, no new refresh
// token (the template's client has no refresh token rotation).
func (s *Server) getTokensFromRefreshToken(_ context.Context, body []byte) (any, error) {
	var in getTokensInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.RefreshToken == "" {
		return nil, missing("refreshToken")
	}
	if err := s.checkClient(in.ClientID); err != nil {
		return nil, err
	}
	res, err := s.refresh(in.RefreshToken, in.ClientID)
	if err != nil {
		return nil, err
	}
	return authOutput{AuthenticationResult: res}, nil
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
