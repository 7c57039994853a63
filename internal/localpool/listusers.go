// ListUsers: the administrator's list of the pool's users, its filters
// and pages.

package localpool

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
)

type listUsersInput struct {
	UserPoolID      string `json:"UserPoolId"`
	Filter          string `json:"Filter"`
	Limit           *int   `json:"Limit"`
	PaginationToken string `json:"PaginationToken"`
	// AttributesToGet, if not null, names the attributes to return; [] returns none.
	AttributesToGet []string `json:"AttributesToGet"`
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
		t := toUserType(u)
		if in.AttributesToGet != nil {
			t.Attributes = onlyAttributes(t.Attributes, in.AttributesToGet)
		}
		out.Users = append(out.Users, t)
	}
	return out, nil
}

// onlyAttributes returns those of list named in names.
func onlyAttributes(list []attributeType, names []string) []attributeType {
	out := []attributeType{}
	for _, a := range list {
		for _, n := range names {
			if a.Name == n {
				out = append(out, a)
				break
			}
		}
	}
	return out
}
