// Unknown names: the USERNAME a number without an account is given, and
// the way back from it to the number.

package localpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// maxUnknownNames bounds the names kept for the way back (about 2 MB); past
// it, they are forgotten all at once, and a forgotten name reaches the
// triggers as typed, which answer it as an unknown name.
const maxUnknownNames = 10000

// unknownNames maps the USERNAMEs given to numbers without an account back
// to the numbers. It is safe for concurrent use.
type unknownNames struct {
	mu     sync.Mutex
	number map[string]string
}

// unknownUsername is the USERNAME challenge parameter of a number with no
// account: a UUID of version 4's form, as a real user's username is, and
// the same for the same number each time (as a real user's is), keyed so
// that nobody can tell it from a real one. It remembers the way back, so
// that a client signing in again with it (as it may with a real user's)
// reaches the triggers as that number did.
func (s *Server) unknownUsername(number string) string {
	m := hmac.New(sha256.New, s.usernameKey)
	m.Write([]byte("localpool-username\x00"))
	m.Write([]byte(number))
	name := formatUUID(m.Sum(nil)[:16])
	u := &s.unknown
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.number == nil || len(u.number) >= maxUnknownNames {
		u.number = map[string]string{}
	}
	u.number[name] = number
	return name
}

// unknownNumber returns the number that unknownUsername gave name, or name
// itself if it gave none.
func (s *Server) unknownNumber(name string) string {
	u := &s.unknown
	u.mu.Lock()
	defer u.mu.Unlock()
	if n, ok := u.number[name]; ok {
		return n
	}
	return name
}
