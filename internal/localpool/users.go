// Users: the User model, its attributes, and the rules that make a user
// (SignUp, AdminCreateUser) and change its attributes (the self-service
// and admin updates); schema.go says which attributes each caller may write.

package localpool

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"time"

	phonerules "github.com/phonepass/phonepass/phone"
)

// User statuses, as Cognito names them.
const (
	StatusConfirmed           = "CONFIRMED"
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
)

// Attribute names the pool itself manages.
const (
	AttrSub           = "sub"
	AttrPhone         = "phone_number"
	AttrPhoneVerified = "phone_number_verified"
)

// User is a user of the local pool.
type User struct {
	// Username is the generated username, equal to the sub attribute.
	Username string `json:"username"`
	// Attributes holds every attribute, sub and phone_number included.
	Attributes map[string]string `json:"attributes"`
	// Status is a Cognito user status such as CONFIRMED.
	Status string `json:"status"`
	// Enabled is false for a disabled user.
	Enabled bool `json:"enabled"`
	// Created and Modified are the times of creation and last change.
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// Phone returns the user's phone number.
func (u User) Phone() string { return u.Attributes[AttrPhone] }

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

// readNamedData checks a list of names and values that no schema governs
// (SignUp's ValidationData, which only the triggers see) and returns it as a map.
func readNamedData(list []attributeType) (map[string]string, error) {
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

// creation is how a user comes to be (SignUp or AdminCreateUser) and what
// PreSignUp is told of it besides the user's attributes.
type creation struct {
	source         string   // the trigger source of PreSignUp
	clientID       string   // the app client; "" for an administrator
	hidden         []string // attributes PreSignUp is not shown
	validationData map[string]string
	clientMetadata map[string]string
	// status is the new user's status, given whether PreSignUp confirmed it.
	status func(autoConfirm bool) string
}

// createUser makes the user of phone with attrs, runs PreSignUp for it as
// c says and stores it, its phone number verified if PreSignUp says so.
func (s *Server) createUser(ctx context.Context, phone string, attrs map[string]string, c creation) (User, error) {
	u, err := newUser(phone, attrs, s.now())
	if err != nil {
		return User{}, err
	}
	if _, err := s.store.FindUser(phone); err == nil {
		return User{}, usernameExists()
	}
	req := map[string]any{"userAttributes": copyAttrs(u.Attributes, c.hidden...), "validationData": c.validationData}
	if c.clientMetadata != nil {
		req["clientMetadata"] = c.clientMetadata
	}
	var pr preSignUpResponse
	if err := s.invoke(ctx, triggerPreSignUp, s.newEvent(c.source, u.Username, c.clientID, req), &pr); err != nil {
		return User{}, err
	}
	u.Status = c.status(pr.AutoConfirmUser)
	if pr.AutoVerifyPhone {
		u.Attributes[AttrPhoneVerified] = "true"
	}
	if err := s.store.CreateUser(u); err != nil {
		if errors.Is(err, errExists) {
			return User{}, usernameExists()
		}
		return User{}, err
	}
	return u, nil
}

// changeAttributes sets the attributes of the user named (username or
// phone number) as attrs says, an empty value removing one. A new
// phone_number or email is unverified unless attrs also verifies it, as in
// a Cognito pool without AttributesRequireVerificationBeforeUpdate; a
// phone number another user has gives AliasExistsException.
func (s *Server) changeAttributes(name string, attrs map[string]string) (User, error) {
	if v, ok := attrs[AttrPhone]; ok && v == "" {
		return User{}, invalidParam("phone_number cannot be removed: it is the user's sign-in name")
	}
	u, err := s.store.UpdateUser(name, func(u *User) error {
		for _, pair := range [][2]string{{AttrPhone, AttrPhoneVerified}, {"email", attrEmailVerified}} {
			v, ok := attrs[pair[0]]
			if _, verified := attrs[pair[1]]; ok && !verified && v != u.Attributes[pair[0]] {
				u.Attributes[pair[1]] = "false"
			}
		}
		for k, v := range attrs {
			if v == "" {
				delete(u.Attributes, k)
			} else {
				u.Attributes[k] = v
			}
		}
		u.Modified = s.now()
		return nil
	})
	if errors.Is(err, errExists) {
		return User{}, apiErr(TypeAliasExists, "An account with the given phone_number already exists.")
	}
	return u, userErr(err)
}

// removeAttributes removes the attributes names of the user named, which
// w must be allowed to write.
func (s *Server) removeAttributes(name string, names []string, w writer) error {
	if names == nil {
		return missing("userAttributeNames")
	}
	if len(names) > maxAttributes {
		return invalidParam("at most %d attributes are allowed", maxAttributes)
	}
	attrs := make(map[string]string, len(names))
	for _, n := range names {
		if err := s.schema.checkName(n, w, atUpdate); err != nil {
			return err
		}
		attrs[n] = ""
	}
	_, err := s.changeAttributes(name, attrs)
	return err
}

// usernameExists answers the creation of a user whose phone number is taken.
func usernameExists() *APIError {
	return apiErr(TypeUsernameExists, "An account with the given phone_number already exists.")
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
