// Schema: the attributes the pool knows (Cognito's standard ones and the
// custom ones declared when it starts), what its app client and an
// administrator may write, and the token claims no attribute may set.

package localpool

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	phonerules "github.com/phonepass/phonepass/phone"
)

// CustomPrefix starts the name of every custom attribute.
const CustomPrefix = "custom:"

// Attribute names with rules of their own.
const (
	attrEmailVerified = "email_verified"
	attrUpdatedAt     = "updated_at"
)

// schemaAttribute is one attribute of the schema, as DescribeUserPool
// reports it.
type schemaAttribute struct {
	name     string
	dataType string // String, Boolean or Number
	mutable  bool
	required bool
	min, max int // length (String) or value (Number) bounds; max 0 means none
}

// standardAttributes is Cognito's standard schema: the OpenID Connect
// claims, sub and the two verification flags. phone_number is mutable and
// not required, as template.yaml declares it.
var standardAttributes = []schemaAttribute{
	{name: AttrSub, dataType: "String", required: true, min: 1, max: 2048},
	{name: "name", dataType: "String", mutable: true, max: 2048},
	{name: "given_name", dataType: "String", mutable: true, max: 2048},
	{name: "family_name", dataType: "String", mutable: true, max: 2048},
	{name: "middle_name", dataType: "String", mutable: true, max: 2048},
	{name: "nickname", dataType: "String", mutable: true, max: 2048},
	{name: "preferred_username", dataType: "String", mutable: true, max: 2048},
	{name: "profile", dataType: "String", mutable: true, max: 2048},
	{name: "picture", dataType: "String", mutable: true, max: 2048},
	{name: "website", dataType: "String", mutable: true, max: 2048},
	{name: "email", dataType: "String", mutable: true, max: 2048},
	{name: attrEmailVerified, dataType: "Boolean", mutable: true},
	{name: "gender", dataType: "String", mutable: true, max: 2048},
	{name: "birthdate", dataType: "String", mutable: true, min: 10, max: 10},
	{name: "zoneinfo", dataType: "String", mutable: true, max: 2048},
	{name: "locale", dataType: "String", mutable: true, max: 2048},
	{name: AttrPhone, dataType: "String", mutable: true, max: 2048},
	{name: AttrPhoneVerified, dataType: "Boolean", mutable: true},
	{name: "address", dataType: "String", mutable: true, max: 2048},
	{name: attrUpdatedAt, dataType: "Number", mutable: true},
}

// clientWriteAttributes are the standard attributes the app client may
// write: template.yaml's WriteAttributes, every standard attribute but
// phone_number, sub and the verification flags.
var clientWriteAttributes = []string{
	"address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name",
	"name", "nickname", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
}

// reservedClaims are the claims the pool itself puts in its tokens. They
// come from the pool, never from an attribute, whatever the database holds.
var reservedClaims = map[string]bool{
	"sub": true, "cognito:username": true, "aud": true, "event_id": true, "token_use": true,
	"auth_time": true, "iss": true, "exp": true, "iat": true, "nbf": true, "jti": true,
	"origin_jti": true, "client_id": true, "scope": true, "username": true,
}

// customNamePattern is Cognito's CustomAttributeNameType: 1 to 20 letters,
// marks, symbols, digits or punctuation.
var customNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$`)

// Schema is the attribute schema of a pool: Cognito's standard attributes
// and the custom attributes it was started with.
type Schema struct {
	attrs  map[string]schemaAttribute
	custom []string // full names, "custom:..." sorted
	writes map[string]bool
}

// NewSchema returns the schema with the standard attributes and the
// custom attributes named, each with or without the "custom:" prefix.
func NewSchema(custom []string) (*Schema, error) {
	sc := &Schema{attrs: map[string]schemaAttribute{}, writes: map[string]bool{}}
	for _, a := range standardAttributes {
		sc.attrs[a.name] = a
	}
	for _, n := range clientWriteAttributes {
		sc.writes[n] = true
	}
	for _, n := range custom {
		short := strings.TrimPrefix(strings.TrimSpace(n), CustomPrefix)
		if !customNamePattern.MatchString(short) {
			return nil, fmt.Errorf("custom attribute %q: want 1 to 20 letters, digits or punctuation after %q", n, CustomPrefix)
		}
		full := CustomPrefix + short
		if _, dup := sc.attrs[full]; dup {
			continue
		}
		sc.attrs[full] = schemaAttribute{name: full, dataType: "String", mutable: true, max: maxAttributeValue}
		sc.custom = append(sc.custom, full)
		// The local app client writes the custom attributes too: a deployed
		// pool's client needs them in its WriteAttributes.
		sc.writes[full] = true
	}
	sort.Strings(sc.custom)
	return sc, nil
}

// CustomAttributes returns the full names of the custom attributes, sorted.
func (sc *Schema) CustomAttributes() []string { return append([]string(nil), sc.custom...) }

// has reports whether name is an attribute of the schema.
func (sc *Schema) has(name string) bool { _, ok := sc.attrs[name]; return ok }

// writeAttributes returns the app client's WriteAttributes, sorted.
func (sc *Schema) writeAttributes() []string {
	out := make([]string, 0, len(sc.writes))
	for n := range sc.writes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ordered returns the schema's attributes, the standard ones first in
// Cognito's order, then the custom ones.
func (sc *Schema) ordered() []schemaAttribute {
	out := append([]schemaAttribute(nil), standardAttributes...)
	for _, n := range sc.custom {
		out = append(out, sc.attrs[n])
	}
	return out
}

// writer is who writes attributes, which decides what may be written.
type writer int

const (
	byClient writer = iota // the app client, bound by its WriteAttributes
	byAdmin                // an administrator, with IAM credentials
)

// stage is the call that writes attributes: a new user or a change to
// one; Cognito words its errors differently for each.
type stage int

const (
	atCreate stage = iota // SignUp, AdminCreateUser
	atUpdate              // (Admin)UpdateUserAttributes, (Admin)DeleteUserAttributes
)

// notInSchema is Cognito's answer to an attribute the schema lacks.
func notInSchema(name string, st stage) *APIError {
	if st == atCreate {
		return invalidParam("Attributes did not conform to the schema: %s: Attribute does not exist in the schema.", truncate(name, 40))
	}
	return invalidParam("user.%s: Attribute does not exist in the schema.", truncate(name, 40))
}

// checkName checks that w may write (or delete) the attribute name at st.
func (sc *Schema) checkName(name string, w writer, st stage) error {
	a, ok := sc.attrs[name]
	switch {
	case !attrNamePattern.MatchString(name):
		return invalidParam("Attribute name %q is not valid", truncate(name, 40))
	case !ok:
		return notInSchema(name, st)
	case !a.mutable && st == atCreate:
		return invalidParam("Cannot modify the non-mutable attribute %s", name)
	case !a.mutable:
		return invalidParam("user.%s: Attribute cannot be updated.", name)
	case w == byClient && !sc.writes[name]:
		// phone_number among them: the sign-up username sets it, and only
		// an administrator changes it (template.yaml's WriteAttributes).
		return notAuthorized(MsgUnauthorizedAttribute)
	}
	return nil
}

// readAttributes checks the attribute list that w sends at st and returns
// it as a map. An empty value, at st atUpdate, asks to remove the attribute.
func (sc *Schema) readAttributes(list []attributeType, w writer, st stage) (map[string]string, error) {
	if len(list) > maxAttributes {
		return nil, invalidParam("at most %d attributes are allowed", maxAttributes)
	}
	out := make(map[string]string, len(list))
	for _, a := range list {
		if err := sc.checkName(a.Name, w, st); err != nil {
			return nil, err
		}
		if err := sc.checkValue(a.Name, a.Value, st); err != nil {
			return nil, err
		}
		out[a.Name] = a.Value
	}
	return out, nil
}

// checkValue checks an attribute's value against its type and bounds.
func (sc *Schema) checkValue(name, value string, st stage) error {
	a := sc.attrs[name]
	switch {
	case value == "" && st == atUpdate:
		return nil // removes the attribute
	case len(value) > maxAttributeValue:
		return invalidParam("Value of attribute %s is longer than %d characters", name, maxAttributeValue)
	case a.dataType == "Boolean" && value != "true" && value != "false":
		return invalidParam("Attributes did not conform to the schema: %s: The attribute value must be true or false.", name)
	case name == AttrPhone && !phonerules.Valid(value):
		return invalidParam("Invalid phone number format.")
	case a.dataType == "String" && a.max > 0 && (len([]rune(value)) < a.min || len([]rune(value)) > a.max):
		return invalidParam("Attributes did not conform to the schema: %s: The attribute value must be %d to %d characters long.", name, a.min, a.max)
	}
	return nil
}

// idClaims returns the attributes of u that go into its ID token: those of
// the schema, sub and reserved claims aside, the verification flags as
// JSON booleans.
func (sc *Schema) idClaims(u User) map[string]any {
	out := make(map[string]any, len(u.Attributes))
	for k, v := range u.Attributes {
		switch {
		case reservedClaims[k] || !sc.has(k):
		case k == AttrPhoneVerified || k == attrEmailVerified:
			out[k] = v == "true"
		default:
			out[k] = v
		}
	}
	return out
}
