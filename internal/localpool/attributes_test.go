package localpool

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// attrs is a short way to write an attribute list.
func attrs(kv ...string) []types.AttributeType {
	var out []types.AttributeType
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.AttributeType{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// userAttrs returns the attributes of the user named, as an administrator sees them.
func (p *testPool) userAttrs(t *testing.T, name string) map[string]string {
	t.Helper()
	out, err := p.client.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(name)})
	if err != nil {
		t.Fatalf("admin get user %s: %v", name, err)
	}
	m := map[string]string{}
	for _, a := range out.UserAttributes {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

func TestSignUpSchema(t *testing.T) {
	p := startPool(t, poolSetup{custom: []string{"tenant", "custom:plan"}})
	ctx := context.Background()
	out, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String("+447700900300"),
		UserAttributes: attrs("name", "Ada", "email", "ada@example.com", "custom:tenant", "t1", "custom:plan", "pro")})
	if err != nil {
		t.Fatalf("sign up with standard and declared custom attributes: %v", err)
	}
	got := p.userAttrs(t, aws.ToString(out.UserSub))
	if got["name"] != "Ada" || got["custom:tenant"] != "t1" || got["custom:plan"] != "pro" {
		t.Fatalf("got attributes %v", got)
	}
	tests := []struct {
		name           string
		list           []types.AttributeType
		wantType, want string
	}{
		{"undeclared custom", attrs("custom:other", "x"), TypeInvalidParameter, "Attributes did not conform to the schema: custom:other: Attribute does not exist in the schema."},
		{"not an attribute", attrs("role", "admin"), TypeInvalidParameter, "Attributes did not conform to the schema: role: Attribute does not exist in the schema."},
		{"verification flag", attrs("phone_number_verified", "true"), TypeNotAuthorized, MsgUnauthorizedAttribute},
		{"email_verified", attrs("email_verified", "true"), TypeNotAuthorized, MsgUnauthorizedAttribute},
		{"birthdate too short", attrs("birthdate", "1815"), TypeInvalidParameter, "birthdate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String("+447700900301"), UserAttributes: tt.list})
			wantAPIError(t, err, tt.wantType, tt.want)
		})
	}
}

func TestUpdateUserAttributes(t *testing.T) {
	const phone = "+447700900310"
	ctx := context.Background()
	p := startPool(t, poolSetup{custom: []string{"tenant"}})
	res := p.signedIn(t, phone)
	update := func(list []types.AttributeType) error {
		_, err := p.client.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken, UserAttributes: list})
		return err
	}
	if err := update(attrs("name", "Ada", "custom:tenant", "t1", "email", "ada@example.com")); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := p.userAttrs(t, phone); got["name"] != "Ada" || got["custom:tenant"] != "t1" || got["email"] != "ada@example.com" {
		t.Fatalf("after update: got %v", got)
	}
	tests := []struct {
		name           string
		list           []types.AttributeType
		wantType, want string
	}{
		{"phone_number", attrs("phone_number", "+447700900311"), TypeNotAuthorized, MsgUnauthorizedAttribute},
		{"phone_number_verified", attrs("phone_number_verified", "false"), TypeNotAuthorized, MsgUnauthorizedAttribute},
		{"sub", attrs("sub", "x"), TypeInvalidParameter, "user.sub: Attribute cannot be updated."},
		{"not in the schema", attrs("token_use", "access"), TypeInvalidParameter, "user.token_use: Attribute does not exist in the schema."},
		{"undeclared custom", attrs("custom:plan", "pro"), TypeInvalidParameter, "user.custom:plan: Attribute does not exist in the schema."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, update(tt.list), tt.wantType, tt.want)
		})
	}

	// An email an administrator verified is unverified once the user changes it.
	if _, err := p.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(phone), UserAttributes: attrs("email_verified", "true")}); err != nil {
		t.Fatalf("admin verifies email: %v", err)
	}
	if err := update(attrs("email", "ada@example.org")); err != nil {
		t.Fatalf("change email: %v", err)
	}
	if got := p.userAttrs(t, phone); got["email"] != "ada@example.org" || got["email_verified"] != "false" || got["phone_number_verified"] != "true" {
		t.Fatalf("after an email change: got %v, want the new email unverified and the phone still verified", got)
	}

	// An empty value, or DeleteUserAttributes, removes an attribute.
	if err := update(attrs("custom:tenant", "")); err != nil {
		t.Fatalf("remove by empty value: %v", err)
	}
	if _, err := p.client.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: res.AccessToken, UserAttributeNames: []string{"name"}}); err != nil {
		t.Fatalf("delete attributes: %v", err)
	}
	got := p.userAttrs(t, phone)
	if _, ok := got["custom:tenant"]; ok {
		t.Fatalf("custom:tenant still set: %v", got)
	}
	if _, ok := got["name"]; ok {
		t.Fatalf("name still set: %v", got)
	}
	_, err := p.client.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: res.AccessToken, UserAttributeNames: []string{"phone_number"}})
	wantAPIError(t, err, TypeNotAuthorized, MsgUnauthorizedAttribute)
	_, err = p.client.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: res.AccessToken, UserAttributeNames: []string{"nope"}})
	wantAPIError(t, err, TypeInvalidParameter, "user.nope: Attribute does not exist in the schema.")
}

// TestAdminChangesPhoneNumber: an administrator may change phone_number;
// the new number is unverified (so no code goes to it) unless the same call
// verifies it, and the old number no longer names the user.
func TestAdminChangesPhoneNumber(t *testing.T) {
	const old, moved, taken = "+447700900320", "+447700900321", "+447700900322"
	ctx := context.Background()
	p := startPool(t, poolSetup{})
	sub := p.signUp(t, old)
	p.signUp(t, taken)
	adminUpdate := func(list []types.AttributeType) error {
		_, err := p.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(sub), UserAttributes: list})
		return err
	}
	if err := adminUpdate(attrs("phone_number", moved)); err != nil {
		t.Fatalf("change phone: %v", err)
	}
	if got := p.userAttrs(t, moved); got["phone_number"] != moved || got["phone_number_verified"] != "false" || got["sub"] != sub {
		t.Fatalf("after the change: got %v, want %s unverified, same sub", got, moved)
	}
	_, err := p.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(old)})
	wantAPIError(t, err, TypeUserNotFound, MsgUserNotExist)
	// The triggers send codes to verified numbers only.
	_, err = p.client.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(DefaultClientID), AuthParameters: map[string]string{"USERNAME": moved}})
	if err == nil {
		t.Fatalf("sign-in by an unverified number: got a challenge, want a refusal")
	}
	if err := adminUpdate(attrs("phone_number_verified", "true")); err != nil {
		t.Fatalf("verify phone: %v", err)
	}
	first := p.initiate(t, moved)
	if out, err := p.respond(first, first.Session, p.code(t, moved), nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("sign in by the new number: got %v, want tokens", err)
	}
	// Changed and verified in one call.
	if err := adminUpdate(attrs("phone_number", old, "phone_number_verified", "true")); err != nil {
		t.Fatalf("change and verify: %v", err)
	}
	if got := p.userAttrs(t, old); got["phone_number_verified"] != "true" {
		t.Fatalf("changed and verified: got %v", got)
	}
	tests := []struct {
		name           string
		list           []types.AttributeType
		wantType, want string
	}{
		{"another user's number", attrs("phone_number", taken), TypeAliasExists, "An account with the given phone_number already exists."},
		{"not a number", attrs("phone_number", "07700900123"), TypeInvalidParameter, "Invalid phone number format."},
		{"removed", attrs("phone_number", ""), TypeInvalidParameter, "phone_number cannot be removed"},
		{"flag not a boolean", attrs("phone_number_verified", "yes"), TypeInvalidParameter, "phone_number_verified"},
		{"sub", attrs("sub", "x"), TypeInvalidParameter, "user.sub: Attribute cannot be updated."},
		{"not in the schema", attrs("username", taken), TypeInvalidParameter, "user.username: Attribute does not exist in the schema."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, adminUpdate(tt.list), tt.wantType, tt.want)
		})
	}
	if _, err := p.client.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String(old), UserAttributeNames: []string{"phone_number"}}); err == nil {
		t.Fatalf("admin removes phone_number: got no error, want one")
	}
	_, err = p.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(DefaultPoolID), Username: aws.String("+447700900399"), UserAttributes: attrs("name", "x")})
	wantAPIError(t, err, TypeUserNotFound, MsgUserNotExist)
}

// TestLocaleChoosesTheLanguage: the standard locale attribute, written at
// sign-up or later, picks the language of the SMS, as in the Lambda; a
// number without one gets its country's language.
func TestLocaleChoosesTheLanguage(t *testing.T) {
	p := startPool(t, poolSetup{})
	ctx := context.Background()
	const br, gb = "+447700900310", "+447700900311"
	if _, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(DefaultClientID), Username: aws.String(br),
		UserAttributes: attrs("locale", "pt-BR")}); err != nil {
		t.Fatalf("sign up with a locale: %v", err)
	}
	p.initiate(t, br)
	if m, _ := p.outbox.Last(br); m.Language != "pt-BR" || !strings.HasPrefix(m.Message, "Sua senha de acesso é ") || m.Segments != 1 {
		t.Errorf("got %q in %s (%d segments), want the Brazilian Portuguese message in one segment", m.Message, m.Language, m.Segments)
	}
	p.signUp(t, gb)
	p.initiate(t, gb)
	if m, _ := p.outbox.Last(gb); m.Language != "en" {
		t.Errorf("got %s for a UK number without a locale, want en", m.Language)
	}
	if _, err := p.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(DefaultPoolID),
		Username: aws.String(gb), UserAttributes: attrs("locale", "ja_JP")}); err != nil {
		t.Fatalf("admin update locale: %v", err)
	}
	p.initiate(t, gb)
	if m, _ := p.outbox.Last(gb); m.Language != "ja" {
		t.Errorf("got %s after the locale changed to ja_JP, want ja", m.Language)
	}
}
