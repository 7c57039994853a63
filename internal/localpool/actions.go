// Actions: the table of the Cognito API calls the pool serves, and which
// of them are admin calls that need AWS credentials (callers.go).

package localpool

import "context"

// action is one Cognito API call of a Server: fn decodes its input from
// body; admin calls need AWS credentials, as Cognito's API model says
// (every operation it does not mark as needing none).
type action struct {
	fn    func(s *Server, ctx context.Context, body []byte) (any, error)
	admin bool
}

// actionTable is every Cognito API call the pool serves, in the order the
// unsupported-action error lists them.
var actionTable = []struct {
	name string
	action
}{
	// Public: an app calls them for its user, with no AWS credentials.
	{"SignUp", action{fn: (*Server).signUp}},
	{"InitiateAuth", action{fn: (*Server).initiateAuth}},
	{"RespondToAuthChallenge", action{fn: (*Server).respondToAuthChallenge}},
	{"GetTokensFromRefreshToken", action{fn: (*Server).getTokensFromRefreshToken}},
	{"GetUser", action{fn: (*Server).getUser}},
	{"UpdateUserAttributes", action{fn: (*Server).updateUserAttributes}},
	{"DeleteUserAttributes", action{fn: (*Server).deleteUserAttributes}},
	{"GlobalSignOut", action{fn: (*Server).globalSignOut}},
	{"RevokeToken", action{fn: (*Server).revokeToken}},
	{"DeleteUser", action{fn: (*Server).deleteUser}},
	// Admin: a backend calls them with AWS credentials.
	{"AdminInitiateAuth", action{fn: (*Server).adminInitiateAuth, admin: true}},
	{"AdminRespondToAuthChallenge", action{fn: (*Server).adminRespondToAuthChallenge, admin: true}},
	{"AdminGetUser", action{fn: (*Server).adminGetUser, admin: true}},
	{"AdminCreateUser", action{fn: (*Server).adminCreateUser, admin: true}},
	{"AdminUpdateUserAttributes", action{fn: (*Server).adminUpdateUserAttributes, admin: true}},
	{"AdminDeleteUserAttributes", action{fn: (*Server).adminDeleteUserAttributes, admin: true}},
	{"AdminDisableUser", action{fn: (*Server).adminDisableUser, admin: true}},
	{"AdminEnableUser", action{fn: (*Server).adminEnableUser, admin: true}},
	{"AdminUserGlobalSignOut", action{fn: (*Server).adminUserGlobalSignOut, admin: true}},
	{"AdminDeleteUser", action{fn: (*Server).adminDeleteUser, admin: true}},
	{"ListUsers", action{fn: (*Server).listUsers, admin: true}},
	{"DescribeUserPool", action{fn: (*Server).describeUserPool, admin: true}},
	{"DescribeUserPoolClient", action{fn: (*Server).describeUserPoolClient, admin: true}},
}

// actions finds an action of actionTable by name.
var actions = map[string]action{}

// SupportedActions lists the Cognito actions the local pool serves, from actionTable.
var SupportedActions []string

func init() {
	for _, a := range actionTable {
		actions[a.name] = a.action
		SupportedActions = append(SupportedActions, a.name)
	}
}
