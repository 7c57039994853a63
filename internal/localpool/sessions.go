// Sessions: the auth sessions kept between the rounds of a sign-in, in
// bounded memory. A flood of sign-ins cannot lock real users out: each
// name has a few sessions at most, and when the pool is full the oldest
// session of a number without an account goes first.

package localpool

import (
	"container/list"
	"sync"
	"time"
)

// Bounds of the session store.
const (
	// MaxSessions is the number of auth sessions kept at once.
	MaxSessions = 10000
	// MaxSessionsPerName is the number kept for one username or number;
	// a new one replaces its oldest.
	MaxSessionsPerName = 5
)

// sessionStore keeps auth sessions by session string. It never refuses a
// new session: when full it evicts the oldest session of an unknown
// number, or failing any, the oldest of all. It is safe for concurrent use.
type sessionStore struct {
	mu      sync.Mutex
	max     int
	perName int
	byID    map[string]*list.Element // of *keptSession
	unknown list.List                // sessions of numbers without an account, oldest first
	known   list.List                // sessions of users, oldest first
	byName  map[string][]*list.Element
}

// keptSession is one entry of a sessionStore.
type keptSession struct {
	id   string
	sess *authSession
}

func newSessionStore(max, perName int) *sessionStore {
	return &sessionStore{max: max, perName: perName, byID: map[string]*list.Element{}, byName: map[string][]*list.Element{}}
}

// put keeps sess under id, making room as the bounds require.
func (st *sessionStore) put(id string, sess *authSession, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.dropExpired(&st.unknown, now)
	st.dropExpired(&st.known, now)
	if named := st.byName[sess.username]; len(named) >= st.perName {
		st.remove(named[0])
	}
	for len(st.byID) >= st.max {
		oldest := st.unknown.Front()
		if oldest == nil {
			oldest = st.known.Front()
		}
		st.remove(oldest)
	}
	l := &st.known
	if sess.notFound {
		l = &st.unknown
	}
	e := l.PushBack(&keptSession{id: id, sess: sess})
	st.byID[id] = e
	st.byName[sess.username] = append(st.byName[sess.username], e)
}

// take removes and returns the live session id, or nil: a session string
// answers one challenge only.
func (st *sessionStore) take(id string, now time.Time) *authSession {
	st.mu.Lock()
	defer st.mu.Unlock()
	e := st.byID[id]
	if e == nil {
		return nil
	}
	st.remove(e)
	sess := e.Value.(*keptSession).sess
	if !now.Before(sess.expires) {
		return nil
	}
	return sess
}

// len returns the number of sessions kept, expired ones included.
func (st *sessionStore) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.byID)
}

// dropExpired removes the expired sessions at the front of l, which are
// the oldest: every session lives as long.
func (st *sessionStore) dropExpired(l *list.List, now time.Time) {
	for e := l.Front(); e != nil && !now.Before(e.Value.(*keptSession).sess.expires); e = l.Front() {
		st.remove(e)
	}
}

// remove forgets the session of e.
func (st *sessionStore) remove(e *list.Element) {
	k := e.Value.(*keptSession)
	if k.sess.notFound {
		st.unknown.Remove(e)
	} else {
		st.known.Remove(e)
	}
	delete(st.byID, k.id)
	named := st.byName[k.sess.username]
	for i, n := range named {
		if n == e {
			named = append(named[:i:i], named[i+1:]...)
			break
		}
	}
	if len(named) == 0 {
		delete(st.byName, k.sess.username)
	} else {
		st.byName[k.sess.username] = named
	}
}
