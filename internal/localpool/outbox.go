package localpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	phonerules "github.com/phonepass/phonepass/phone"
	"github.com/phonepass/phonepass/sms"
)

// Message is one SMS that the local pool would have sent.
type Message struct {
	// ID identifies the message: the decimal form of a number that only
	// grows, even across Clear, so that a reader can ask for what came after
	// the last message it saw.
	ID string `json:"id"`
	// Phone is the E.164 number the message was for.
	Phone string `json:"phone"`
	// Message is the full text, code included.
	Message string `json:"message"`
	// Language is the tag of the language it is in (sms.Messages).
	Language string `json:"language"`
	// Segments is how many SMS segments it would have taken.
	Segments int `json:"segments"`
	// SentAt is when the message was sent, in RFC 3339 form when encoded.
	SentAt time.Time `json:"sentAt"`
}

// DefaultOutboxSize is the number of messages an Outbox keeps when none is given.
const DefaultOutboxSize = 500

// DefaultOutboxRead is the number of messages a read of the outbox endpoint
// returns when it names no limit: the newest ones.
const DefaultOutboxRead = 50

// Outbox is a triggers.Sender that delivers nothing: it prints each message
// prominently to a writer (the terminal) and keeps the newest ones for
// reading. It is safe for concurrent use.
//
// The kept messages live in a ring: sending one costs the same however many
// are kept, and the message with ID n, while kept, is at ring[(n-1)%size].
type Outbox struct {
	mu       sync.Mutex
	w        io.Writer
	messages *sms.Messages
	now      func() time.Time
	ring     []Message
	next     int // ID of the newest message sent; 0 before the first
	kept     int // number of messages kept: the IDs next-kept+1 to next
}

// NewOutbox returns an Outbox that renders codes with m, as the Lambda
// does, prints to w (nil prints nothing) and keeps the newest size messages
// (0 means DefaultOutboxSize).
func NewOutbox(w io.Writer, m *sms.Messages, size int) (*Outbox, error) {
	if m == nil {
		return nil, errors.New("outbox: no messages")
	}
	if size <= 0 {
		size = DefaultOutboxSize
	}
	return &Outbox{w: w, messages: m, now: time.Now, ring: make([]Message, size)}, nil
}

// SetClock makes the Outbox stamp messages with now instead of time.Now.
func (o *Outbox) SetClock(now func() time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.now = now
}

// Size returns the number of messages the Outbox keeps at most.
func (o *Outbox) Size() int { return len(o.ring) }

// SendCode records and prints the message for code to phone, in the
// language of locale or of the number, and returns its segments.
func (o *Outbox) SendCode(_ context.Context, phone, code, locale string) (int, error) {
	msg := o.messages.Render(locale, phone, code)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	m := Message{ID: strconv.Itoa(o.next), Phone: phone, Message: msg.Text, Language: msg.Language, Segments: msg.Segments,
		SentAt: o.now().UTC().Truncate(time.Second)}
	o.ring[(o.next-1)%len(o.ring)] = m
	o.kept = min(o.kept+1, len(o.ring))
	if o.w != nil { // under the lock, so that boxes never interleave
		if _, err := io.WriteString(o.w, box(m)); err != nil {
			return 0, fmt.Errorf("print sms: %w", err)
		}
	}
	return m.Segments, nil
}

// at returns the kept message with ID id; o.mu is held.
func (o *Outbox) at(id int) Message { return o.ring[(id-1)%len(o.ring)] }

// OutboxQuery selects messages of an Outbox. The zero value selects every
// kept message.
type OutboxQuery struct {
	// Phone, if not empty, keeps only the messages to this number.
	Phone string
	// After keeps only the messages whose ID is larger (0: all).
	After int
	// Limit, if positive, keeps only the newest Limit of those selected.
	Limit int
}

// Find returns the kept messages that q selects, oldest first.
func (o *Outbox) Find(q OutboxQuery) []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	first := max(o.next-o.kept+1, q.After+1) // oldest ID that may be selected
	limit := o.next - first + 1
	if q.Limit > 0 {
		limit = min(limit, q.Limit)
	}
	if limit <= 0 {
		return []Message{}
	}
	if q.Phone == "" { // the newest limit IDs, in one piece
		out := make([]Message, 0, limit)
		for id := o.next - limit + 1; id <= o.next; id++ {
			out = append(out, o.at(id))
		}
		return out
	}
	var out []Message
	for id := o.next; id >= first && len(out) < limit; id-- {
		if m := o.at(id); m.Phone == q.Phone {
			out = append(out, m)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if out == nil {
		out = []Message{}
	}
	return out
}

// Messages returns every kept message, oldest first.
func (o *Outbox) Messages() []Message { return o.Find(OutboxQuery{}) }

// Last returns the newest message to phone, if any. It looks at the newest
// messages first, so finding one just sent costs little however many are
// kept.
func (o *Outbox) Last(phone string) (Message, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for id := o.next; id > o.next-o.kept; id-- {
		if m := o.at(id); m.Phone == phone {
			return m, true
		}
	}
	return Message{}, false
}

// Clear forgets every kept message; IDs go on from where they were.
func (o *Outbox) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.ring)
	o.kept = 0
}

// box frames a message so that it stands out among log lines.
func box(m Message) string {
	var b strings.Builder
	title := fmt.Sprintf("── SMS to %s at %s (%s, segments %d) ", m.Phone, m.SentAt.Local().Format("15:04:05"), m.Language, m.Segments)
	b.WriteString("\n┌" + title + strings.Repeat("─", max(4, 60-len([]rune(title)))) + "\n")
	for _, line := range strings.Split(m.Message, "\n") {
		b.WriteString("│ " + line + "\n")
	}
	b.WriteString("└" + strings.Repeat("─", 60) + "\n\n")
	return b.String()
}

// readOutboxQuery reads the query of a GET of the outbox endpoint: phone
// (an E.164 number; a leading space is taken for the "+" that a form
// encoding turns into one), after (a message ID, 0 or more) and limit (1 to
// size, the outbox's; DefaultOutboxRead when absent). Anything else there is refused, so
// that a typo does not silently return every message.
func readOutboxQuery(v url.Values, size int) (OutboxQuery, error) {
	q := OutboxQuery{Limit: min(DefaultOutboxRead, size)}
	for k, vs := range v {
		if len(vs) != 1 {
			return q, fmt.Errorf("outbox: give %s once", truncate(k, 32))
		}
		val := vs[0]
		switch k {
		case "phone":
			if strings.HasPrefix(val, " ") {
				val = "+" + val[1:]
			}
			if !phonerules.Valid(val) {
				return q, fmt.Errorf("outbox: phone %q is not an E.164 number such as +447700900123 (encode the + as %%2B)", truncate(val, 32))
			}
			q.Phone = val
		case "after":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return q, fmt.Errorf("outbox: after %q is not a message id", truncate(val, 32))
			}
			q.After = n
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > size {
				return q, fmt.Errorf("outbox: limit %q is not in 1..%d", truncate(val, 32), size)
			}
			q.Limit = n
		default:
			return q, fmt.Errorf("outbox: unknown parameter %q: use phone, after and limit", truncate(k, 32))
		}
	}
	return q, nil
}
