package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/phonepass/phonepass/phone"
)

// Publisher is the part of aws-sdk-go-v2's *sns.Client that SNS uses.
type Publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// PublisherFunc adapts a function to Publisher, for tests.
type PublisherFunc func(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return f(ctx, in, optFns...)
}

// SMS types accepted by Amazon SNS in the AWS.SNS.SMS.SMSType attribute.
const (
	Transactional = "Transactional"
	Promotional   = "Promotional"
)

// Attribute names of SNS SMS message attributes.
const (
	attrSMSType     = "AWS.SNS.SMS.SMSType"
	attrSenderID    = "AWS.SNS.SMS.SenderID"
	attrOrigination = "AWS.MM.SMS.OriginationNumber"
)

// DefaultTimeout bounds one send when SNSConfig.Timeout is zero.
const DefaultTimeout = 3 * time.Second

var (
	senderIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,11}$`)
	hasLetter       = regexp.MustCompile(`[A-Za-z]`)
)

// Errors of SNSConfig.Validate, one for each setting; the error returned wraps one of them.
var (
	ErrSMSType     = errors.New("bad sms type")
	ErrSenderID    = errors.New("bad sender id")
	ErrOrigination = errors.New("bad origination number")
	ErrTimeout     = errors.New("bad timeout")
)

// SNSConfig holds the settings of an SNS sender.
type SNSConfig struct {
	// Messages renders the message; NewSNS refuses nil.
	Messages *Messages
	// SMSType is Transactional (the default when empty) or Promotional.
	SMSType string
	// SenderID is an optional alphanumeric sender ID (1 to 11 characters, at least one letter).
	SenderID string
	// OriginationNumber is an optional E.164 number to send from.
	OriginationNumber string
	// Timeout bounds each send; zero means DefaultTimeout.
	Timeout time.Duration
}

// Validate reports the first setting that SNS would refuse.
func (c SNSConfig) Validate() error {
	switch c.SMSType {
	case "", Transactional, Promotional:
	default:
		return fmt.Errorf("%w: %q is not %s or %s", ErrSMSType, c.SMSType, Transactional, Promotional)
	}
	if c.SenderID != "" && (!senderIDPattern.MatchString(c.SenderID) || !hasLetter.MatchString(c.SenderID)) {
		return fmt.Errorf("%w: %q must be 1 to 11 letters or digits with at least one letter", ErrSenderID, c.SenderID)
	}
	if c.OriginationNumber != "" && !phone.Valid(c.OriginationNumber) {
		return fmt.Errorf("%w: %q is not in E.164 form", ErrOrigination, c.OriginationNumber)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("%w: it must not be negative", ErrTimeout)
	}
	return nil
}

// SNS sends code messages as SMS through Amazon SNS.
type SNS struct {
	client Publisher
	cfg    SNSConfig
	attrs  map[string]types.MessageAttributeValue
}

// NewSNS returns an SNS sender that publishes with client.
func NewSNS(client Publisher, cfg SNSConfig) (*SNS, error) {
	if client == nil {
		return nil, errors.New("sns client is nil")
	}
	if cfg.Messages == nil {
		return nil, errors.New("sns messages are nil")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.SMSType == "" {
		cfg.SMSType = Transactional
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	attrs := map[string]types.MessageAttributeValue{
		attrSMSType: stringAttr(cfg.SMSType),
	}
	if cfg.SenderID != "" {
		attrs[attrSenderID] = stringAttr(cfg.SenderID)
	}
	if cfg.OriginationNumber != "" {
		attrs[attrOrigination] = stringAttr(cfg.OriginationNumber)
	}
	return &SNS{client: client, cfg: cfg, attrs: attrs}, nil
}

func stringAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

// SendCode publishes the message for code to phone, an E.164 number, in
// the language of locale or else of the number (see Messages.Render), and
// waits at most the configured timeout. It returns the message's segments.
// A failed send is a *SendError that says whether the text may still
// arrive; one that SNS did not take is tried again once, within the same
// timeout, when a later try may succeed, and one that may have been taken
// never (see delivery.go).
func (s *SNS) SendCode(ctx context.Context, phone, code, locale string) (int, error) {
	msg := s.cfg.Messages.Render(locale, phone, code)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	in := &sns.PublishInput{
		PhoneNumber:       aws.String(phone),
		Message:           aws.String(msg.Text),
		MessageAttributes: s.attrs,
	}
	for try := 1; ; try++ {
		tctx, wrote := tracked(ctx)
		_, err := s.client.Publish(tctx, in, noRetries)
		if err == nil {
			return msg.Segments, nil
		}
		if !notTaken(err, wrote.Load()) {
			return 0, &SendError{err: fmt.Errorf("publish sms, no answer: %w", err), uncertain: true}
		}
		if try == publishTries || !worthRetrying(err, wrote.Load()) || !backoff(ctx) {
			return 0, &SendError{err: fmt.Errorf("publish sms: %w", err)}
		}
	}
}

// noRetries turns the SDK's retries off for one Publish: SendCode alone
// decides what is safe to try again.
func noRetries(o *sns.Options) { o.Retryer = aws.NopRetryer{} }

// Writer prints code messages instead of sending them. It is for local
// development only: the message contains the code.
type Writer struct {
	mu       sync.Mutex
	w        io.Writer
	messages *Messages
}

// NewWriter returns a Writer that prints to w the messages m renders.
func NewWriter(w io.Writer, m *Messages) *Writer {
	return &Writer{w: w, messages: m}
}

// SendCode prints the message that would be sent to phone and returns its
// segments.
func (w *Writer) SendCode(_ context.Context, phone, code, locale string) (int, error) {
	msg := w.messages.Render(locale, phone, code)
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := fmt.Fprintf(w.w, "phonepass dry run: SMS to %s: %s\n", phone, msg.Text)
	if err != nil {
		return 0, fmt.Errorf("print sms: %w", err)
	}
	return msg.Segments, nil
}
