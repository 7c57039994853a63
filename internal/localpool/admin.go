// Administration: the calls of an administrator about one user, with the
// pool's ID (AdminGetUser, AdminCreateUser, AdminUpdateUserAttributes,
// AdminDeleteUserAttributes, AdminDisableUser, AdminEnableUser,
// AdminUserGlobalSignOut, AdminDeleteUser), and the user record they
// answer with. listusers.go has ListUsers; describe.go the pool's settings.

package localpool

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/phonepass/phonepass/triggers"
)

type adminUserInput struct {
	UserPoolID         string            `json:"UserPoolId"`
	Username           string            `json:"Username"`
	UserAttributes     []attributeType   `json:"UserAttributes"`
	UserAttributeNames []string          `json:"UserAttributeNames"`
	MessageAction      string            `json:"MessageAction"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// epochSeconds is a time as Cognito encodes it: seconds since 1970 with a fraction.
type epochSeconds time.Time

// MarshalJSON writes the number of seconds.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', 3, 64)), nil
}

type adminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []attributeType `json:"UserAttributes"`
	UserCreateDate       epochSeconds    `json:"UserCreateDate"`
	UserLastModifiedDate epochSeconds    `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

type userType struct {
	Username             string          `json:"Username"`
	Attributes           []attributeType `json:"Attributes"`
	UserCreateDate       epochSeconds    `json:"UserCreateDate"`
	UserLastModifiedDate epochSeconds    `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

func toUserType(u User) userType {
	return userType{Username: u.Username, Attributes: attributeList(u), UserCreateDate: epochSeconds(u.Created), UserLastModifiedDate: epochSeconds(u.Modified), Enabled: u.Enabled, UserStatus: u.Status}
}

func (s *Server) adminGetUser(_ context.Context, body []byte) (any, error) {
	u, err := s.adminFind(body)
	if err != nil {
		return nil, err
	}
	t := toUserType(u)
	return adminGetUserOutput{Username: t.Username, UserAttributes: t.Attributes, UserCreateDate: t.UserCreateDate, UserLastModifiedDate: t.UserLastModifiedDate, Enabled: t.Enabled, UserStatus: t.UserStatus}, nil
}

// readAdminUser decodes the input of a call about one user of the pool and
// checks its pool and username.
func (s *Server) readAdminUser(body []byte) (adminUserInput, error) {
	var in adminUserInput
	if err := decode(body, &in); err != nil {
		return in, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return in, err
	}
	if in.Username == "" {
		return in, missing("username")
	}
	return in, nil
}

// adminFind returns the user that a call about one user names.
func (s *Server) adminFind(body []byte) (User, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return User{}, err
	}
	u, err := s.store.FindUser(in.Username)
	return u, userErr(err)
}

// userErr is err with the store's errNotFound as Cognito says it of a user.
func userErr(err error) error {
	if errors.Is(err, errNotFound) {
		return apiErr(TypeUserNotFound, MsgUserNotExist)
	}
	return err
}

func (s *Server) adminDeleteUser(_ context.Context, body []byte) (any, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return nil, err
	}
	// DeleteUser finds the user as FindUser does, by username or number.
	if err := s.store.DeleteUser(in.Username); err != nil {
		return nil, userErr(err)
	}
	return struct{}{}, nil
}

// adminCreateUser creates a user after PreSignUp_AdminCreateUser, in status
// FORCE_CHANGE_PASSWORD as Cognito does (custom authentication works in that
// status). No invitation is ever sent: every MessageAction acts as SUPPRESS.
func (s *Server) adminCreateUser(ctx context.Context, body []byte) (any, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return nil, err
	}
	switch in.MessageAction {
	case "", "SUPPRESS", "RESEND":
	default:
		return nil, invalidParam("1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", truncate(in.MessageAction, 32))
	}
	attrs, err := s.schema.readAttributes(in.UserAttributes, byAdmin, atCreate)
	if err != nil {
		return nil, err
	}
	u, err := s.createUser(ctx, in.Username, attrs, creation{
		source:         triggers.SourcePreSignUpAdmin,
		hidden:         []string{AttrSub},
		validationData: map[string]string{},
		clientMetadata: in.ClientMetadata,
		status:         func(bool) string { return StatusForceChangePassword },
	})
	if err != nil {
		return nil, err
	}
	return map[string]userType{"User": toUserType(u)}, nil
}

// adminUpdateUserAttributes sets a user's attributes as an administrator:
// phone_number and the verification flags too (changeAttributes).
func (s *Server) adminUpdateUserAttributes(_ context.Context, body []byte) (any, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return nil, err
	}
	if in.UserAttributes == nil {
		return nil, missing("userAttributes")
	}
	attrs, err := s.schema.readAttributes(in.UserAttributes, byAdmin, atUpdate)
	if err != nil {
		return nil, err
	}
	if _, err := s.changeAttributes(in.Username, attrs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// adminDeleteUserAttributes removes attributes of a user as an administrator.
func (s *Server) adminDeleteUserAttributes(_ context.Context, body []byte) (any, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return nil, err
	}
	if err := s.removeAttributes(in.Username, in.UserAttributeNames, byAdmin); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// adminDisableUser disables a user and revokes its tokens, as Cognito
// does: it cannot sign in or refresh ("User is disabled.") until enabled.
func (s *Server) adminDisableUser(_ context.Context, body []byte) (any, error) {
	return s.setEnabled(body, false)
}

// adminEnableUser enables a disabled user.
func (s *Server) adminEnableUser(_ context.Context, body []byte) (any, error) {
	return s.setEnabled(body, true)
}

func (s *Server) setEnabled(body []byte, enabled bool) (any, error) {
	in, err := s.readAdminUser(body)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UpdateUser(in.Username, func(u *User) error {
		u.Enabled = enabled
		u.Modified = s.now()
		return nil
	})
	if err != nil {
		return nil, userErr(err)
	}
	if !enabled {
		if err := s.store.RevokeUser(u.Username); err != nil {
			return nil, err
		}
	}
	return struct{}{}, nil
}

// adminUserGlobalSignOut revokes every refresh token of a user, and the ID
// and access tokens made from them.
func (s *Server) adminUserGlobalSignOut(_ context.Context, body []byte) (any, error) {
	u, err := s.adminFind(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.RevokeUser(u.Username); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
