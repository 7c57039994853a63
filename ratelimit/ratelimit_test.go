package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// limiter is what both implementations offer.
type limiter interface {
	Take(ctx context.Context, phone string, now time.Time) (bool, time.Duration, error)
}

// checkRules runs the same behavioural checks on any limiter built by make.
func checkRules(t *testing.T, make func(t *testing.T, r Rules) limiter) {
	ctx := context.Background()
	t.Run("per phone limit holds and says when", func(t *testing.T) {
		l := make(t, Rules{PerPhone: Rule{Limit: 5, Window: 15 * time.Minute}})
		now := t0.Add(2 * time.Minute)
		for i := 0; i < 5; i++ {
			if ok, _, err := l.Take(ctx, "+447700900001", now); !ok || err != nil {
				t.Fatalf("send %d: got %v, %v; want allowed", i+1, ok, err)
			}
		}
		ok, wait, err := l.Take(ctx, "+447700900001", now)
		if ok || err != nil || wait != 13*time.Minute {
			t.Errorf("sixth send: got %v, %v, %v; want refused with 13m to wait", ok, wait, err)
		}
		if ok, _, _ := l.Take(ctx, "+447700900002", now); !ok {
			t.Error("another number: got refused, want allowed")
		}
	})
	t.Run("window rolls over", func(t *testing.T) {
		l := make(t, Rules{PerPhone: Rule{Limit: 2, Window: time.Minute}})
		for i := 0; i < 2; i++ {
			l.Take(ctx, "+447700900003", t0)
		}
		if ok, _, _ := l.Take(ctx, "+447700900003", t0.Add(59*time.Second)); ok {
			t.Error("same window: got allowed, want refused")
		}
		if ok, _, _ := l.Take(ctx, "+447700900003", t0.Add(time.Minute)); !ok {
			t.Error("next window: got refused, want allowed")
		}
	})
	t.Run("pool ceiling", func(t *testing.T) {
		l := make(t, Rules{PerPhone: Rule{Limit: 5, Window: time.Hour}, Pool: Rule{Limit: 3, Window: time.Minute}})
		for i, phone := range []string{"+447700900010", "+447700900011", "+447700900012"} {
			if ok, _, _ := l.Take(ctx, phone, t0); !ok {
				t.Fatalf("send %d: got refused, want allowed", i+1)
			}
		}
		ok, wait, _ := l.Take(ctx, "+447700900013", t0.Add(10*time.Second))
		if ok || wait != 50*time.Second {
			t.Errorf("fourth number: got %v, %v; want refused with 50s to wait", ok, wait)
		}
	})
	t.Run("concurrent sends never exceed the limit", func(t *testing.T) {
		l := make(t, Rules{PerPhone: Rule{Limit: 5, Window: 15 * time.Minute}})
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := l.Take(ctx, "+447700900020", t0)
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if got := allowed.Load(); got != 5 {
			t.Errorf("got %d of 50 concurrent sends allowed, want exactly 5", got)
		}
	})
}

func TestMemory(t *testing.T) {
	checkRules(t, func(t *testing.T, r Rules) limiter {
		m, err := NewMemory(r)
		if err != nil {
			t.Fatal(err)
		}
		return m
	})
}

func TestMemoryForgetsOldWindows(t *testing.T) {
	m, _ := NewMemory(DefaultRules())
	for i := 0; i < 100; i++ {
		m.Take(context.Background(), "+4477009"+string(rune('0'+i%10))+"0000", t0.Add(time.Duration(i)*time.Hour))
	}
	if n := len(m.counts); n > 4 {
		t.Errorf("got %d counters after 100 hours, want old windows forgotten", n)
	}
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		ok    bool
	}{
		{"defaults", DefaultRules(), true},
		{"off", Rules{}, true},
		{"negative", Rules{PerPhone: Rule{Limit: -1, Window: time.Minute}}, false},
		{"no window", Rules{Pool: Rule{Limit: 5}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.rules.Validate(); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
