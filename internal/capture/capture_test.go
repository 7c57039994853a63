package capture

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestOutputAwait(t *testing.T) {
	var o Output
	go func() {
		for _, w := range []string{"one ", "two ", "three"} {
			time.Sleep(20 * time.Millisecond)
			_, _ = o.Write([]byte(w))
		}
	}()
	got, ok := o.Await(5*time.Second, func(s string) bool { return strings.HasSuffix(s, "three") })
	if !ok || got != "one two three" {
		t.Errorf("Await: got %q, %v, want %q, true", got, ok, "one two three")
	}
	start := time.Now()
	if _, ok := o.Await(50*time.Millisecond, func(s string) bool { return strings.Contains(s, "four") }); ok {
		t.Errorf("Await for text never written: got true, want false")
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Errorf("Await for text never written took %s, want about 50ms", d)
	}
}

func TestOutputKeepsAtMostMaxOutput(t *testing.T) {
	var o Output
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for range 10 {
		if n, err := o.Write(chunk); n != len(chunk) || err != nil {
			t.Fatalf("Write: got %d, %v, want %d, nil", n, err, len(chunk))
		}
	}
	if o.Len() != MaxOutput || o.Dropped() != 10<<20-MaxOutput {
		t.Errorf("got %d kept and %d dropped, want %d and %d", o.Len(), o.Dropped(), MaxOutput, 10<<20-MaxOutput)
	}
	if got := o.Since(MaxOutput - 2); got != "xx" {
		t.Errorf("Since: got %q, want %q", got, "xx")
	}
}
