package localpool

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// refreshRecord is what the store keeps of one refresh token, keyed by its
// origin_jti: every ID and access token made from it carries that origin_jti,
// so revoking the record revokes them too.
type refreshRecord struct {
	TokenHash string    `json:"tokenHash"`
	Username  string    `json:"username"`
	ClientID  string    `json:"clientId"`
	AuthTime  time.Time `json:"authTime"`
	Expires   time.Time `json:"expires"`
	Revoked   bool      `json:"revoked"`
}

// Errors of Store.
var (
	errExists   = errors.New("a user with this phone number exists")
	errNotFound = errors.New("not found")
)

var (
	bucketUsers   = []byte("users")   // username -> User JSON
	bucketPhones  = []byte("phones")  // phone number -> username
	bucketRefresh = []byte("refresh") // origin_jti -> refreshRecord JSON
	bucketTokens  = []byte("tokens")  // refresh token hash -> origin_jti
	bucketMeta    = []byte("meta")    // signing key
	keySigning    = []byte("signing-key-pkcs8")
)

// Store keeps users, refresh tokens and the signing key in a bbolt database.
// It is safe for concurrent use.
type Store struct {
	db      *bolt.DB
	tempDir string // removed by Close when the store is in memory
}

// dbFile is the database's name inside the data directory.
const dbFile = "localpool.db"

// OpenStore opens (creating if needed) the database in dir. With inMemory,
// dir is ignored and the database lives in a temporary directory that Close
// removes, written without fsync: nothing outlives the process.
func OpenStore(dir string, inMemory bool) (*Store, error) {
	s := &Store{}
	if inMemory {
		tmp, err := os.MkdirTemp("", "localpool-")
		if err != nil {
			return nil, fmt.Errorf("temporary data dir: %w", err)
		}
		dir, s.tempDir = tmp, tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	path := filepath.Join(dir, dbFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoSync: inMemory, NoFreelistSync: true})
	if err != nil {
		s.removeTemp()
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open %s: another local pool holds it; stop it or use another --data-dir", path)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketUsers, bucketPhones, bucketRefresh, bucketTokens, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		s.removeTemp()
		return nil, fmt.Errorf("create buckets: %w", err)
	}
	s.db = db
	return s, nil
}

// Close closes the database, and removes it if it was in memory.
func (s *Store) Close() error {
	err := s.db.Close()
	s.removeTemp()
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

func (s *Store) removeTemp() {
	if s.tempDir != "" {
		_ = os.RemoveAll(s.tempDir)
	}
}

// SigningKey returns the stored RSA key, making and storing a new one first
// if there is none.
func (s *Store) SigningKey() (*rsa.PrivateKey, error) {
	var key *rsa.PrivateKey
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if der := b.Get(keySigning); der != nil {
			k, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				return fmt.Errorf("parse stored key: %w", err)
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return errors.New("stored key is not an RSA key")
			}
			key = rk
			return nil
		}
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return fmt.Errorf("generate key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return fmt.Errorf("encode key: %w", err)
		}
		key = k
		return b.Put(keySigning, der)
	})
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return key, nil
}

// CreateUser adds u, or returns errExists if its phone number is taken.
func (s *Store) CreateUser(u User) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		phones := tx.Bucket(bucketPhones)
		if phones.Get([]byte(u.Phone())) != nil {
			return errExists
		}
		if err := putJSON(tx.Bucket(bucketUsers), u.Username, u); err != nil {
			return err
		}
		return phones.Put([]byte(u.Phone()), []byte(u.Username))
	})
}

// FindUser returns the user whose username or phone number is name.
func (s *Store) FindUser(name string) (User, error) {
	return s.viewUser(name, true)
}

// UserByUsername returns the user whose username is name; a phone number
// does not find it. Tokens name their user this way.
func (s *Store) UserByUsername(name string) (User, error) {
	return s.viewUser(name, false)
}

func (s *Store) viewUser(name string, byPhone bool) (User, error) {
	var u User
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		u, err = findUser(tx, name, byPhone)
		return err
	})
	return u, err
}

// findUser returns the user whose username is name, or with byPhone whose
// phone number is name.
func findUser(tx *bolt.Tx, name string, byPhone bool) (User, error) {
	var u User
	if name == "" {
		return u, errNotFound
	}
	users := tx.Bucket(bucketUsers)
	raw := users.Get([]byte(name))
	if raw == nil && byPhone {
		if un := tx.Bucket(bucketPhones).Get([]byte(name)); un != nil {
			raw = users.Get(un)
		}
	}
	if raw == nil {
		return u, errNotFound
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return u, fmt.Errorf("decode user: %w", err)
	}
	return u, nil
}

// UpdateUser applies change to the user whose username or phone number is
// name and stores the result, keeping the phone number index: a phone
// number another user has gives errExists. It returns the stored user.
func (s *Store) UpdateUser(name string, change func(*User) error) (User, error) {
	var u User
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if u, err = findUser(tx, name, true); err != nil {
			return err
		}
		old := u.Phone()
		u.Attributes = copyAttrs(u.Attributes)
		if err := change(&u); err != nil {
			return err
		}
		phones := tx.Bucket(bucketPhones)
		if p := u.Phone(); p != old {
			if owner := phones.Get([]byte(p)); owner != nil && string(owner) != u.Username {
				return errExists
			}
			if err := phones.Delete([]byte(old)); err != nil {
				return err
			}
			if err := phones.Put([]byte(p), []byte(u.Username)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketUsers), u.Username, u)
	})
	return u, err
}

// DeleteUser removes the user whose username or phone number is name, and
// revokes all its refresh tokens.
func (s *Store) DeleteUser(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		u, err := findUser(tx, name, true)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketUsers).Delete([]byte(u.Username)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPhones).Delete([]byte(u.Phone())); err != nil {
			return err
		}
		return revokeUser(tx, u.Username)
	})
}

// ListUsers returns every user, ordered by username.
func (s *Store) ListUsers() ([]User, error) {
	var out []User
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(_, v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user: %w", err)
			}
			out = append(out, u)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, err
}

// CountUsers returns the number of users.
func (s *Store) CountUsers() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketUsers).Stats().KeyN
		return nil
	})
	return n, err
}

// PutRefresh stores a new refresh token record under originJTI.
func (s *Store) PutRefresh(originJTI string, r refreshRecord) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketRefresh), originJTI, r); err != nil {
			return err
		}
		return tx.Bucket(bucketTokens).Put([]byte(r.TokenHash), []byte(originJTI))
	})
}

// RefreshByToken returns the record of the refresh token whose hash is
// tokenHash, and its origin_jti.
func (s *Store) RefreshByToken(tokenHash string) (string, refreshRecord, error) {
	var origin string
	var r refreshRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		o := tx.Bucket(bucketTokens).Get([]byte(tokenHash))
		if o == nil {
			return errNotFound
		}
		origin = string(o)
		var err error
		r, err = getRefresh(tx, origin)
		return err
	})
	return origin, r, err
}

// Refresh returns the record of origin_jti.
func (s *Store) Refresh(originJTI string) (refreshRecord, error) {
	var r refreshRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		r, err = getRefresh(tx, originJTI)
		return err
	})
	return r, err
}

func getRefresh(tx *bolt.Tx, originJTI string) (refreshRecord, error) {
	var r refreshRecord
	raw := tx.Bucket(bucketRefresh).Get([]byte(originJTI))
	if raw == nil {
		return r, errNotFound
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("decode refresh record: %w", err)
	}
	return r, nil
}

// RevokeRefresh marks the record of origin_jti revoked.
func (s *Store) RevokeRefresh(originJTI string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		r, err := getRefresh(tx, originJTI)
		if err != nil {
			return err
		}
		r.Revoked = true
		return putJSON(tx.Bucket(bucketRefresh), originJTI, r)
	})
}

// RevokeUser marks every refresh token of username revoked.
func (s *Store) RevokeUser(username string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return revokeUser(tx, username) })
}

func revokeUser(tx *bolt.Tx, username string) error {
	b := tx.Bucket(bucketRefresh)
	type kv struct{ k, v []byte }
	var changed []kv
	err := b.ForEach(func(k, v []byte) error {
		var r refreshRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode refresh record: %w", err)
		}
		if r.Username != username || r.Revoked {
			return nil
		}
		r.Revoked = true
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		changed = append(changed, kv{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changed {
		if err := b.Put(c.k, c.v); err != nil {
			return err
		}
	}
	return nil
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put([]byte(key), raw)
}
