// Administration: the calls of an administrator with the pool's ID
// (AdminGetUser, AdminCreateUser, AdminDeleteUser, ListUsers and its
// filters), and the user record they answer with.

package localpool

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/phonepass/phonepass/triggers"
)

type adminUserInput struct {
	UserPoolID     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	UserAttributes []attributeType   `json:"UserAttributes"`
	MessageAction  string            `json:"MessageAction"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
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
	if errors.Is(err, errNotFound) {
		return User{}, apiErr(TypeUserNotFound, MsgUserNotExist)
	}
	return u, err
}

func (s *Server) adminDeleteUser(_ context.Context, body []byte) (any, error) {
	u, err := s.adminFind(body)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(u.Username); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, apiErr(TypeUserNotFound, MsgUserNotExist)
		}
		return nil, err
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
	attrs, err := readAttributes(in.UserAttributes, true)
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

type listUsersInput struct {
	UserPoolID      string `json:"UserPoolId"`
	Filter          string `json:"Filter"`
	Limit           *int   `json:"Limit"`
	PaginationToken string `json:"PaginationToken"`
}

type listUsersOutput struct {
	Users           []userType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
}

// filterPattern is ListUsers' filter: attribute, = or ^=, quoted value.
var filterPattern = regexp.MustCompile(`^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// filterable lists the attributes ListUsers can filter on.
var filterable = map[string]bool{"username": true, "email": true, "phone_number": true, "name": true, "given_name": true, "family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true}

func (s *Server) listUsers(_ context.Context, body []byte) (any, error) {
	var in listUsersInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return nil, err
	}
	limit := 60
	if in.Limit != nil {
		if *in.Limit < 0 || *in.Limit > 60 {
			return nil, invalidParam("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60", *in.Limit)
		}
		if *in.Limit > 0 {
			limit = *in.Limit
		}
	}
	match := func(User) bool { return true }
	if strings.TrimSpace(in.Filter) != "" {
		m := filterPattern.FindStringSubmatch(in.Filter)
		if m == nil || !filterable[m[1]] {
			return nil, invalidParam("Invalid search filter %q: want attribute = \"value\" or attribute ^= \"value\" on one of username, phone_number, email, name, sub, status", truncate(in.Filter, 80))
		}
		attr, op, want := m[1], m[2], strings.ReplaceAll(m[3], `\"`, `"`)
		match = func(u User) bool {
			var got string
			switch attr {
			case "username":
				got = u.Username
			case "cognito:user_status":
				got = u.Status
			case "status":
				got = "Disabled"
				if u.Enabled {
					got = "Enabled"
				}
			default:
				got = u.Attributes[attr]
			}
			if op == "=" {
				return got == want
			}
			return strings.HasPrefix(got, want)
		}
	}
	after := ""
	if in.PaginationToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.PaginationToken)
		if err != nil {
			return nil, invalidParam("Invalid pagination token")
		}
		after = string(b)
	}
	users, err := s.store.ListUsers()
	if err != nil {
		return nil, err
	}
	out := listUsersOutput{Users: []userType{}}
	for _, u := range users {
		if u.Username <= after || !match(u) {
			continue
		}
		if len(out.Users) == limit {
			out.PaginationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Users[len(out.Users)-1].Username))
			break
		}
		out.Users = append(out.Users, toUserType(u))
	}
	return out, nil
}
