package localpool

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is one SMS that the local pool would have sent.
type Message struct {
	// ID identifies the message; IDs only grow, even across Clear.
	ID string `json:"id"`
	// Phone is the E.164 number the message was for.
	Phone string `json:"phone"`
	// Message is the full text, code included.
	Message string `json:"message"`
	// SentAt is when the message was sent, in RFC 3339 form when encoded.
	SentAt time.Time `json:"sentAt"`
}

// DefaultOutboxSize is the number of messages an Outbox keeps when none is given.
const DefaultOutboxSize = 500

// Outbox is a triggers.Sender that delivers nothing: it prints each message
// prominently to a writer (the terminal) and keeps the newest ones for
// reading. It is safe for concurrent use.
type Outbox struct {
	mu     sync.Mutex
	w      io.Writer
	render func(code string) string
	now    func() time.Time
	size   int
	next   int
	msgs   []Message
}

// NewOutbox returns an Outbox that renders codes with render, prints to w
// (nil prints nothing) and keeps the newest size messages (0 means
// DefaultOutboxSize).
func NewOutbox(w io.Writer, render func(code string) string, size int) *Outbox {
	if size <= 0 {
		size = DefaultOutboxSize
	}
	if render == nil {
		render = func(code string) string { return "Your sign-in code is " + code + "." }
	}
	return &Outbox{w: w, render: render, now: time.Now, size: size}
}

// SetClock makes the Outbox stamp messages with now instead of time.Now.
func (o *Outbox) SetClock(now func() time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.now = now
}

// SendCode records and prints the message for code to phone.
func (o *Outbox) SendCode(_ context.Context, phone, code string) error {
	text := o.render(code)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	m := Message{ID: strconv.Itoa(o.next), Phone: phone, Message: text, SentAt: o.now().UTC().Truncate(time.Second)}
	o.msgs = append(o.msgs, m)
	if len(o.msgs) > o.size {
		o.msgs = append([]Message(nil), o.msgs[len(o.msgs)-o.size:]...)
	}
	if o.w != nil {
		if _, err := io.WriteString(o.w, box(m)); err != nil {
			return fmt.Errorf("print sms: %w", err)
		}
	}
	return nil
}

// Messages returns the kept messages, oldest first.
func (o *Outbox) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Message{}, o.msgs...)
}

// Last returns the newest message to phone, if any.
func (o *Outbox) Last(phone string) (Message, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.msgs) - 1; i >= 0; i-- {
		if o.msgs[i].Phone == phone {
			return o.msgs[i], true
		}
	}
	return Message{}, false
}

// Clear forgets every kept message.
func (o *Outbox) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = nil
}

// box frames a message so that it stands out among log lines.
func box(m Message) string {
	var b strings.Builder
	title := fmt.Sprintf("── SMS to %s at %s ", m.Phone, m.SentAt.Local().Format("15:04:05"))
	b.WriteString("\n┌" + title + strings.Repeat("─", max(4, 60-len([]rune(title)))) + "\n")
	for _, line := range strings.Split(m.Message, "\n") {
		b.WriteString("│ " + line + "\n")
	}
	b.WriteString("└" + strings.Repeat("─", 60) + "\n\n")
	return b.String()
}
