package localpool

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// codeKeyFile holds the pool's code key inside the data directory.
const codeKeyFile = "code.key"

// CodeKey returns the local pool's server secret (PHONEPASS_CODE_KEY for
// its triggers, and the key of the usernames it gives unknown numbers):
// the one kept in dir, made on first use, or with inMemory a fresh one that
// ends with the process. It is 64 hexadecimal characters from crypto/rand.
func CodeKey(dir string, inMemory bool) (string, error) {
	if inMemory {
		return randomKey()
	}
	path := filepath.Join(dir, codeKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key := strings.TrimSpace(string(b))
		if len(key) < 32 {
			return "", fmt.Errorf("%s: want at least 32 characters; delete it to make a new one", path)
		}
		return key, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("read code key: %w", err)
	}
	key, err := randomKey()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("data dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return CodeKey(dir, false) // another pool made it first
	}
	if err != nil {
		return "", fmt.Errorf("write code key: %w", err)
	}
	_, werr := f.WriteString(key + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		return "", fmt.Errorf("write code key: %w", err)
	}
	return key, nil
}

func randomKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("code key: %w", err)
	}
	return hex.EncodeToString(b), nil
}
