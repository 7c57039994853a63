package localpool

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/sms"
)

// outboxIDs returns the IDs of ms as numbers, in order.
func outboxIDs(ms []Message) []int {
	out := make([]int, 0, len(ms))
	for _, m := range ms {
		n, _ := strconv.Atoi(m.ID)
		out = append(out, n)
	}
	return out
}

// newOutbox is an Outbox of size with the built-in messages, printing nothing.
func newOutbox(t testing.TB, size int) *Outbox {
	t.Helper()
	m, err := sms.NewMessages(sms.Settings{CodeDigits: 6, Validity: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOutbox(nil, m, size)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// sendAlternating sends n messages, to a for odd IDs and b for even ones.
func sendAlternating(t testing.TB, o *Outbox, n int, a, b string) {
	t.Helper()
	for range n {
		phone := a
		if o.next%2 == 1 { // the next ID is even
			phone = b
		}
		if _, err := o.SendCode(context.Background(), phone, strconv.Itoa(100000+o.next+1), ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOutboxFind(t *testing.T) {
	const a, b = "+447700900001", "+447700900002"
	o := newOutbox(t, 5)
	if got := o.Find(OutboxQuery{}); got == nil || len(got) != 0 {
		t.Fatalf("empty outbox: got %v, want an empty, non-nil list (encoded as [])", got)
	}
	sendAlternating(t, o, 8, a, b) // IDs 1 to 8; 4 to 8 kept
	for _, tt := range []struct {
		name string
		q    OutboxQuery
		want []int
	}{
		{"all kept", OutboxQuery{}, []int{4, 5, 6, 7, 8}},
		{"one phone", OutboxQuery{Phone: a}, []int{5, 7}},
		{"the other phone", OutboxQuery{Phone: b}, []int{4, 6, 8}},
		{"unknown phone", OutboxQuery{Phone: "+447700900003"}, []int{}},
		{"after", OutboxQuery{After: 6}, []int{7, 8}},
		{"after one no longer kept", OutboxQuery{After: 2}, []int{4, 5, 6, 7, 8}},
		{"after the newest", OutboxQuery{After: 8}, []int{}},
		{"after an ID not sent yet", OutboxQuery{After: 99}, []int{}},
		{"phone and after", OutboxQuery{Phone: b, After: 4}, []int{6, 8}},
		{"limit keeps the newest", OutboxQuery{Limit: 2}, []int{7, 8}},
		{"limit over the kept", OutboxQuery{Limit: 50}, []int{4, 5, 6, 7, 8}},
		{"phone and limit", OutboxQuery{Phone: b, Limit: 2}, []int{6, 8}},
		{"phone, after and limit", OutboxQuery{Phone: b, After: 3, Limit: 1}, []int{8}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := o.Find(tt.q)
			if !slices.Equal(outboxIDs(got), tt.want) {
				t.Fatalf("got IDs %v, want %v", outboxIDs(got), tt.want)
			}
			for _, m := range got {
				if tt.q.Phone != "" && m.Phone != tt.q.Phone {
					t.Fatalf("got a message to %s, want only %s", m.Phone, tt.q.Phone)
				}
			}
		})
	}
	if got := outboxIDs(o.Messages()); !slices.Equal(got, []int{4, 5, 6, 7, 8}) {
		t.Fatalf("Messages: got IDs %v, want 4 to 8", got)
	}
	if m, ok := o.Last(a); !ok || m.ID != "7" || !strings.Contains(m.Message, "100007") {
		t.Fatalf("Last(%s): got %+v, %v; want message 7 with its code", a, m, ok)
	}

	o.Clear()
	if got := o.Messages(); len(got) != 0 {
		t.Fatalf("after Clear: got IDs %v, want none", outboxIDs(got))
	}
	if _, ok := o.Last(a); ok {
		t.Fatal("after Clear: Last found a message")
	}
	sendAlternating(t, o, 1, a, b)
	if got := outboxIDs(o.Find(OutboxQuery{After: 8})); !slices.Equal(got, []int{9}) {
		t.Fatalf("after Clear and a send: got IDs %v, want [9] (IDs go on)", got)
	}
}

// TestOutboxEndpointFilters reads GET /_local/outbox with each query
// parameter, alone and together, and with bad ones.
func TestOutboxEndpointFilters(t *testing.T) {
	const a, b = "+447700900001", "+15005550006"
	l, err := Start(StartOptions{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	sendAlternating(t, l.Outbox, 60, a, b) // IDs 1 to 60: odd to a, even to b

	get := func(t *testing.T, query string) (int, []Message) {
		t.Helper()
		resp, err := http.Get(l.URL + OutboxPath + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, nil
		}
		var got struct {
			Messages []Message `json:"messages"`
		}
		if err := json.Unmarshal(body, &got); err != nil || got.Messages == nil {
			t.Fatalf("GET %s: got %s, want {\"messages\":[...]}", query, body)
		}
		return resp.StatusCode, got.Messages
	}
	span := func(from, to, step int) []int {
		var out []int
		for i := from; i <= to; i += step {
			out = append(out, i)
		}
		return out
	}
	for _, tt := range []struct {
		query string
		want  []int
	}{
		{"", span(11, 60, 1)}, // the newest DefaultOutboxRead
		{"?after=57", []int{58, 59, 60}},
		{"?after=60", []int{}},
		{"?after=0", span(11, 60, 1)},
		{"?limit=3", []int{58, 59, 60}},
		{"?limit=500", span(1, 60, 1)},
		{"?phone=%2B447700900001", span(1, 59, 2)}, // all 30 of a's: the limit of 50 applies after the filter
		{"?phone=%2B15005550006&after=50", []int{52, 54, 56, 58, 60}},
		{"?phone=+15005550006&after=50&limit=2", []int{58, 60}}, // an unencoded + arrives as a space
		{"?phone=%2B447700900009", []int{}},
	} {
		t.Run("GET "+tt.query, func(t *testing.T) {
			status, got := get(t, tt.query)
			if status != http.StatusOK {
				t.Fatalf("got status %d, want 200", status)
			}
			if !slices.Equal(outboxIDs(got), tt.want) {
				t.Fatalf("got IDs %v, want %v", outboxIDs(got), tt.want)
			}
		})
	}
	for _, query := range []string{"?phone=447700900001", "?phone=abc", "?after=-1", "?after=x", "?limit=0", "?limit=501", "?after=1&after=2", "?since=3"} {
		t.Run("GET "+query, func(t *testing.T) {
			if status, _ := get(t, query); status != http.StatusBadRequest {
				t.Fatalf("got status %d, want 400", status)
			}
		})
	}
	req, _ := http.NewRequest(http.MethodDelete, l.URL+OutboxPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: got %v, %v; want 204", resp, err)
	}
	resp.Body.Close()
	if _, got := get(t, "?after=0"); len(got) != 0 {
		t.Fatalf("after DELETE: got IDs %v, want none", outboxIDs(got))
	}
}

// BenchmarkOutbox sends a message to a full outbox and finds it again, as
// the load run does once per sign-in.
func BenchmarkOutbox(b *testing.B) {
	o := newOutbox(b, 0)
	ctx := context.Background()
	phones := make([]string, 1000)
	for i := range phones {
		phones[i] = fmt.Sprintf("+447700900%03d", i)
		_, _ = o.SendCode(ctx, phones[i], "123456", "")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := phones[i%len(phones)]
		_, _ = o.SendCode(ctx, p, "123456", "")
		if _, ok := o.Last(p); !ok {
			b.Fatal("lost the message just sent")
		}
	}
}

// BenchmarkOutboxRead serves GET /_local/outbox from a full outbox: every
// kept message (what each read returned before), the default newest
// DefaultOutboxRead, and the page's poll after the newest it has.
func BenchmarkOutboxRead(b *testing.B) {
	l, err := Start(StartOptions{InMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for i := range l.Outbox.Size() {
		_, _ = l.Outbox.SendCode(context.Background(), fmt.Sprintf("+447700900%03d", i), "123456", "")
	}
	for _, q := range []string{"?limit=500", "", "?after=" + strconv.Itoa(DefaultOutboxSize)} {
		b.Run("GET "+q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, OutboxPath+q, nil)
				r.RemoteAddr, r.Host = "127.0.0.1:5000", "127.0.0.1:9229"
				w := httptest.NewRecorder()
				l.Server.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("got status %d", w.Code)
				}
				b.SetBytes(int64(w.Body.Len()))
			}
		})
	}
}
