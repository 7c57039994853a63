package otp

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Test secrets: 32 characters and more, as NewKeys wants.
const (
	testKey      = "test-key-0123456789abcdefghijklmnopqrstuv"
	testKeyOld   = "test-key-old-0123456789abcdefghijklmnopqr"
	testKeyOther = "test-key-other-0123456789abcdefghijklmnop"
	subject      = "0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11"
)

func mustKeys(t testing.TB, current, previous string) Keys {
	t.Helper()
	k, err := NewKeys(current, previous)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeys(t *testing.T) {
	tests := []struct {
		name, current, previous string
		want                    error
	}{
		{"current only", testKey, "", nil},
		{"with previous", testKey, testKeyOld, nil},
		{"empty", "", "", ErrKeyLength},
		{"31 characters", strings.Repeat("k", MinKeyLength-1), "", ErrKeyLength},
		{"too long", strings.Repeat("k", MaxKeyLength+1), "", ErrKeyLength},
		{"short previous", testKey, "short", ErrKeyLength},
		{"previous repeats current", testKey, testKey, ErrKeyRepeated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKeys(tt.current, tt.previous)
			if !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDigestMatches(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	issued := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	d, err := keys.NewDigest(subject, "042917", issued)
	if err != nil {
		t.Fatal(err)
	}
	ttl := 5 * time.Minute
	tests := []struct {
		name, subject, answer string
		at                    time.Time
		want                  bool
	}{
		{"right", subject, "042917", issued.Add(time.Second), true},
		{"right with white space", subject, " 042917 \n", issued, true},
		{"right at the last second", subject, "042917", issued.Add(ttl), true},
		{"right but expired", subject, "042917", issued.Add(ttl + time.Second), false},
		{"right code for another user", "someone-else", "042917", issued, false},
		{"wrong digit", subject, "042918", issued, false},
		{"leading zero dropped", subject, "42917", issued, false},
		{"empty", subject, "", issued, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keys.Matches(d, tt.subject, tt.answer, tt.at, ttl); got != tt.want {
				t.Errorf("Matches(%q, %q) = %v, want %v", tt.subject, tt.answer, got, tt.want)
			}
		})
	}
}

// TestDigestTamperedTimeFails moves a digest's time of issue forward, as an
// attacker who could edit it would to revive an expired code: the MAC covers
// the time, so the right code no longer matches.
func TestDigestTamperedTimeFails(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	issued := time.Unix(1_790_000_000, 0)
	d, _ := keys.NewDigest(subject, "123456", issued)
	d.IssuedAt = d.IssuedAt.Add(time.Hour)
	if keys.Matches(d, subject, "123456", d.IssuedAt, time.Minute) {
		t.Error("a digest with a moved time of issue matched: got true, want false")
	}
}

// TestLeakedDigestRevealsNothing is the attack of a leaked digest (a log
// line, a dumped event): without the secret, trying every code of the
// length under any other key, or as the old salted SHA-256, finds nothing.
func TestLeakedDigestRevealsNothing(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	issued := time.Unix(1_790_000_000, 0)
	d, _ := keys.NewDigest(subject, "4821", issued)
	guesser := mustKeys(t, testKeyOther, "")
	for i := 0; i < 10000; i++ {
		code := fmt.Sprintf("%04d", i)
		if guesser.Matches(d, subject, code, issued, time.Minute) {
			t.Fatalf("code %s matched under another key: got a match, want none", code)
		}
		h := sha256.New()
		h.Write(d.Nonce)
		h.Write([]byte(code))
		if bytes.Equal(h.Sum(nil), d.MAC) {
			t.Fatalf("code %s found as SHA-256 of nonce and code: the digest is not keyed", code)
		}
	}
	if s := d.String(); strings.Contains(s, "4821") {
		t.Errorf("encoded digest %q contains the code", s)
	}
}

// TestKeyRotation: a code issued under the old secret verifies while it is
// the previous one, and no longer once it is dropped.
func TestKeyRotation(t *testing.T) {
	issued := time.Unix(1_790_000_000, 0)
	old := mustKeys(t, testKeyOld, "")
	d, _ := old.NewDigest(subject, "555123", issued)
	rotating := mustKeys(t, testKey, testKeyOld)
	if !rotating.Matches(d, subject, "555123", issued, time.Minute) {
		t.Error("during rotation a code of the previous key: got no match, want a match")
	}
	if rotating.Matches(d, subject, "555124", issued, time.Minute) {
		t.Error("during rotation a wrong code matched")
	}
	done := mustKeys(t, testKey, "")
	if done.Matches(d, subject, "555123", issued, time.Minute) {
		t.Error("after rotation a code of the dropped key: got a match, want none")
	}
	fresh, _ := rotating.NewDigest(subject, "555123", issued)
	if !done.Matches(fresh, subject, "555123", issued, time.Minute) || old.Matches(fresh, subject, "555123", issued, time.Minute) {
		t.Error("during rotation a new digest must use the current key, not the previous one")
	}
}

func TestNeverDigestNeverMatches(t *testing.T) {
	keys := mustKeys(t, testKey, testKeyOld)
	issued := time.Unix(1_790_000_000, 0)
	d, err := NeverDigest(4, issued)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := keys.NewDigest(subject, "0000", issued)
	if len(d.String()) != len(real.String()) || len(d.Nonce) != len(real.Nonce) || d.Digits != 4 {
		t.Errorf("never digest %q and real digest %q differ in form", d, real)
	}
	for i := 0; i < 10000; i++ {
		if code := fmt.Sprintf("%04d", i); keys.Matches(d, subject, code, issued, time.Minute) || keys.Matches(d, "", code, issued, time.Minute) {
			t.Fatalf("never digest matched %s", code)
		}
	}
	if _, err := NeverDigest(3, issued); !errors.Is(err, ErrDigits) {
		t.Errorf("NeverDigest(3): got %v, want ErrDigits", err)
	}
}

func TestZeroKeysRefuse(t *testing.T) {
	var zero Keys
	if _, err := zero.NewDigest(subject, "123456", time.Now()); err == nil {
		t.Error("NewDigest with zero Keys: got nil error, want one")
	}
	d, _ := NeverDigest(6, time.Now())
	if zero.Matches(d, subject, "123456", time.Now(), time.Minute) {
		t.Error("Matches with zero Keys: got true")
	}
}

func TestDigestsOfOneCodeDiffer(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	a, _ := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0))
	b, _ := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0))
	if bytes.Equal(a.MAC, b.MAC) || bytes.Equal(a.Nonce, b.Nonce) {
		t.Error("two digests of one code are alike: got no fresh nonce, want one each")
	}
}

func TestWithNonces(t *testing.T) {
	keys := mustKeys(t, testKey, "").WithNonces(bytes.NewReader(make([]byte, 2*nonceLen)))
	a, _ := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0))
	b, _ := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0))
	if a.String() != b.String() || !keys.Matches(a, subject, "123456", a.IssuedAt, time.Minute) {
		t.Errorf("got %s and %s, want one digest twice that matches its code", a, b)
	}
	if _, err := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0)); err == nil {
		t.Error("an exhausted nonce source: got nil error, want one")
	}
}

func TestDeriveSeparatesUses(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	a, b := keys.Derive("ratelimit"), keys.Derive("localpool")
	if len(a) != sha256.Size || bytes.Equal(a, b) || bytes.Equal(a, []byte(testKey)[:sha256.Size]) {
		t.Errorf("Derive: got %x and %x, want two different 32-byte keys", a, b)
	}
	if !bytes.Equal(a, keys.Derive("ratelimit")) {
		t.Error("Derive is not deterministic")
	}
	other := mustKeys(t, testKeyOther, "")
	if bytes.Equal(a, other.Derive("ratelimit")) {
		t.Error("Derive gives the same key for two secrets")
	}
}

func TestDigestRoundTrip(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	d, err := keys.NewDigest(subject, "98765432", time.Unix(1_790_000_123, 999))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseDigest(d.String())
	if err != nil {
		t.Fatalf("ParseDigest(%q): %v", d.String(), err)
	}
	if !bytes.Equal(got.Nonce, d.Nonce) || !bytes.Equal(got.MAC, d.MAC) || got.Digits != 8 || !got.IssuedAt.Equal(d.IssuedAt) {
		t.Errorf("got %+v, want %+v", got, d)
	}
	if !keys.Matches(got, subject, "98765432", d.IssuedAt, time.Minute) {
		t.Error("parsed digest does not match its code")
	}
}

func TestParseDigestRejects(t *testing.T) {
	keys := mustKeys(t, testKey, "")
	d, _ := keys.NewDigest(subject, "123456", time.Unix(1_790_000_000, 0))
	good := d.String()
	parts := strings.Split(good, ".")
	tests := map[string]string{
		"empty":             "",
		"code itself":       "123456",
		"old unkeyed v1":    "v1" + good[2:],
		"too few parts":     strings.Join(parts[:4], "."),
		"bad digits":        strings.Join([]string{parts[0], "x", parts[2], parts[3], parts[4]}, "."),
		"digits 3":          strings.Join([]string{parts[0], "3", parts[2], parts[3], parts[4]}, "."),
		"negative time":     strings.Join([]string{parts[0], parts[1], "-5", parts[3], parts[4]}, "."),
		"short nonce":       strings.Join([]string{parts[0], parts[1], parts[2], "AAAA", parts[4]}, "."),
		"short mac":         strings.Join([]string{parts[0], parts[1], parts[2], parts[3], "AAAA"}, "."),
		"nonce not base64":  strings.Join([]string{parts[0], parts[1], parts[2], "!!!!", parts[4]}, "."),
		"trailing field":    good + ".x",
		"padded base64 mac": good + "=",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseDigest(in); !errors.Is(err, ErrMalformedDigest) {
				t.Errorf("ParseDigest(%q): got error %v, want ErrMalformedDigest", in, err)
			}
		})
	}
}

func BenchmarkMatches(b *testing.B) {
	keys := mustKeys(b, testKey, "")
	d, _ := keys.NewDigest(subject, "123456", time.Now())
	now := time.Now()
	for b.Loop() {
		keys.Matches(d, subject, "123456", now, time.Minute)
	}
}

func ExampleKeys_Matches() {
	keys, _ := NewKeys("an example secret of 32 characters or more", "")
	issued := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	d, _ := keys.NewDigest("user-1", "042917", issued)
	// Only the digest is kept; the code goes to the user by SMS.
	fmt.Println(keys.Matches(d, "user-1", " 042917 ", issued.Add(time.Minute), 5*time.Minute))
	fmt.Println(keys.Matches(d, "user-1", "042917", issued.Add(6*time.Minute), 5*time.Minute))
	fmt.Println(keys.Matches(d, "user-1", "042918", issued.Add(time.Minute), 5*time.Minute))
	fmt.Println(keys.Matches(d, "user-2", "042917", issued.Add(time.Minute), 5*time.Minute))
	// Output:
	// true
	// false
	// false
	// false
}
