package bench

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// RS256Result is how many RS256 JWTs one machine signs.
type RS256Result struct {
	// Workers is the number of goroutines that signed at once.
	Workers int
	// Signatures is the number signed in Elapsed.
	Signatures int64
	// Elapsed is the time they took.
	Elapsed time.Duration
	// PerSecond is Signatures / Elapsed.
	PerSecond float64
}

// MeasureRS256 signs JWTs as the local pool signs its tokens (go-jose,
// RS256, a 2048-bit RSA key, an ID token's claims) with workers goroutines
// for d, and counts them. The key is made before the clock starts.
func MeasureRS256(d time.Duration, workers int) (RS256Result, error) {
	if workers < 1 || d <= 0 {
		return RS256Result{}, fmt.Errorf("rs256: %d workers for %s: want at least one worker and a positive time", workers, d)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return RS256Result{}, fmt.Errorf("rs256 key: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "bench"}}, nil)
	if err != nil {
		return RS256Result{}, fmt.Errorf("rs256 signer: %w", err)
	}
	claims := map[string]any{
		"sub": "7d8e2f4a-3c1b-4e6f-9a0d-5b2c8e1f4a6d", "cognito:username": "7d8e2f4a-3c1b-4e6f-9a0d-5b2c8e1f4a6d",
		"aud": "phonepasslocalappclient001", "token_use": "id", "iss": "http://127.0.0.1:9229/us-east-1_phonepass",
		"phone_number": "+447700900123", "phone_number_verified": true,
		"auth_time": 1768469400, "exp": 1768473000, "iat": 1768469400,
		"jti": "0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11", "origin_jti": "1c6d8f2b-7b54-4f10-8e3b-3a2d2c8eaf22",
	}
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	t0 := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := jwt.Signed(signer).Claims(claims).Serialize(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if firstErr != nil {
		return RS256Result{}, fmt.Errorf("rs256 sign: %w", firstErr)
	}
	return RS256Result{Workers: workers, Signatures: n.Load(), Elapsed: elapsed, PerSecond: float64(n.Load()) / elapsed.Seconds()}, nil
}
