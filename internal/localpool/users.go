package localpool

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	phonerules "github.com/phonepass/phonepass/phone"
)

// Limits on attributes, Cognito's.
const (
	maxAttributes     = 50
	maxAttributeValue = 2048
)

var attrNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,32}$`)

// attributeType is Cognito's {Name, Value} pair.
type attributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

func attributeList(u User) []attributeType {
	out := make([]attributeType, 0, len(u.Attributes))
	for _, k := range sortedKeys(u.Attributes) {
		out = append(out, attributeType{Name: k, Value: u.Attributes[k]})
	}
	return out
}

// readAttributes checks a client's attribute list and returns it as a map.
// sub cannot be set; phone_number and phone_number_verified only with admin.
func readAttributes(list []attributeType, admin bool) (map[string]string, error) {
	if len(list) > maxAttributes {
		return nil, invalidParam("at most %d attributes are allowed", maxAttributes)
	}
	out := make(map[string]string, len(list))
	for _, a := range list {
		switch {
		case !attrNamePattern.MatchString(a.Name):
			return nil, invalidParam("Attribute name %q is not valid", truncate(a.Name, 40))
		case len(a.Value) > maxAttributeValue:
			return nil, invalidParam("Value of attribute %s is longer than %d characters", a.Name, maxAttributeValue)
		case a.Name == AttrSub || strings.HasPrefix(a.Name, "cognito:"):
			return nil, invalidParam("Cannot modify the non-mutable attribute %s", a.Name)
		case (a.Name == AttrPhoneVerified || a.Name == "email_verified") && !admin:
			return nil, invalidParam("Cannot modify %s: only an administrator can", a.Name)
		case a.Name == AttrPhone && !admin:
			// The app client's WriteAttributes leave phone_number out (template.yaml):
			// the sign-up username sets it, and only an administrator may change it.
			return nil, notAuthorized(MsgUnauthorizedAttribute)
		}
		out[a.Name] = a.Value
	}
	return out, nil
}

// newUser makes a user with a generated username for phone (the username a
// client gave) and the attributes it sent.
func newUser(phone string, attrs map[string]string, now time.Time) (User, error) {
	if !phonerules.Valid(phone) {
		return User{}, invalidParam("Username should be a phone number.")
	}
	if p, ok := attrs[AttrPhone]; ok && p != phone {
		return User{}, invalidParam("phone_number must be the same as the username")
	}
	id := newUUID()
	attrs[AttrSub] = id
	attrs[AttrPhone] = phone
	if attrs[AttrPhoneVerified] != "true" {
		attrs[AttrPhoneVerified] = "false"
	}
	return User{Username: id, Attributes: attrs, Enabled: true, Created: now, Modified: now}, nil
}

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
	u, err := newUser(in.Username, attrs, s.now())
	if err != nil {
		return nil, err
	}
	if _, err := s.store.FindUser(in.Username); err == nil {
		return nil, apiErr(TypeUsernameExists, "An account with the given phone_number already exists.")
	}
	req := map[string]any{"userAttributes": copyAttrs(u.Attributes, AttrSub, AttrPhoneVerified), "validationData": validation}
	if in.ClientMetadata != nil {
		req["clientMetadata"] = in.ClientMetadata
	}
	var pr preSignUpResponse
	if err := s.invoke(ctx, triggerPreSignUp, s.newEvent(sourcePreSignUp, u.Username, in.ClientID, req), &pr); err != nil {
		return nil, err
	}
	u.Status = StatusUnconfirmed
	if pr.AutoConfirmUser {
		u.Status = StatusConfirmed
	}
	if pr.AutoVerifyPhone {
		u.Attributes[AttrPhoneVerified] = "true"
	}
	if err := s.store.CreateUser(u); err != nil {
		if errors.Is(err, errExists) {
			return nil, apiErr(TypeUsernameExists, "An account with the given phone_number already exists.")
		}
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

// Admin calls.

func (s *Server) checkPool(id string) error {
	if id == "" {
		return missing("userPoolId")
	}
	if id != s.opts.PoolID {
		return apiErr(TypeResourceNotFound, "User pool %s does not exist.", truncate(id, 64))
	}
	return nil
}

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

func (s *Server) adminFind(body []byte) (User, error) {
	var in adminUserInput
	if err := decode(body, &in); err != nil {
		return User{}, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return User{}, err
	}
	if in.Username == "" {
		return User{}, missing("username")
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
	var in adminUserInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := s.checkPool(in.UserPoolID); err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, missing("username")
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
	u, err := newUser(in.Username, attrs, s.now())
	if err != nil {
		return nil, err
	}
	if _, err := s.store.FindUser(in.Username); err == nil {
		return nil, apiErr(TypeUsernameExists, "An account with the given phone_number already exists.")
	}
	req := map[string]any{"userAttributes": copyAttrs(u.Attributes, AttrSub), "validationData": map[string]string{}}
	if in.ClientMetadata != nil {
		req["clientMetadata"] = in.ClientMetadata
	}
	var pr preSignUpResponse
	if err := s.invoke(ctx, triggerPreSignUp, s.newEvent(sourcePreSignUpAdmin, u.Username, "", req), &pr); err != nil {
		return nil, err
	}
	u.Status = StatusForceChangePassword
	if pr.AutoVerifyPhone {
		u.Attributes[AttrPhoneVerified] = "true"
	}
	if err := s.store.CreateUser(u); err != nil {
		if errors.Is(err, errExists) {
			return nil, apiErr(TypeUsernameExists, "An account with the given phone_number already exists.")
		}
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

// copyAttrs returns attrs without the names in drop.
func copyAttrs(attrs map[string]string, drop ...string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		out[k] = v
	}
	for _, d := range drop {
		delete(out, d)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
