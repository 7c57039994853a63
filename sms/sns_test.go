package sms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/phonepass/phonepass/internal/testenv"
)

// mustMessages returns the Messages of s, with a 6-digit code unless s says otherwise.
func mustMessages(t *testing.T, s Settings) *Messages {
	t.Helper()
	if s.CodeDigits == 0 {
		s.CodeDigits = 6
	}
	m, err := NewMessages(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// codeOnly is the settings of a message that is the code alone.
var codeOnly = Settings{Default: "Code {code}", Validity: time.Minute}

func TestSNSPublishInput(t *testing.T) {
	tests := []struct {
		name string
		cfg  SNSConfig
		want map[string]string
	}{
		{"defaults", SNSConfig{}, map[string]string{attrSMSType: Transactional}},
		{"promotional with sender and origination", SNSConfig{SMSType: Promotional, SenderID: "Acme", OriginationNumber: "+12065550100"},
			map[string]string{attrSMSType: Promotional, attrSenderID: "Acme", attrOrigination: "+12065550100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *sns.PublishInput
			fake := PublisherFunc(func(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
				got = in
				return &sns.PublishOutput{MessageId: aws.String("m-1")}, nil
			})
			tt.cfg.Messages = mustMessages(t, codeOnly)
			s, err := NewSNS(fake, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := s.SendCode(context.Background(), "+447700900123", "123456", ""); err != nil || n != 1 {
				t.Fatalf("got %d segments, error %v, want 1 and none", n, err)
			}
			if aws.ToString(got.PhoneNumber) != "+447700900123" || aws.ToString(got.Message) != "Code 123456" {
				t.Errorf("got phone %q message %q, want +447700900123 and %q", aws.ToString(got.PhoneNumber), aws.ToString(got.Message), "Code 123456")
			}
			if got.TopicArn != nil || got.TargetArn != nil {
				t.Error("got a topic or target ARN, want a direct SMS")
			}
			attrs := map[string]string{}
			for k, v := range got.MessageAttributes {
				if aws.ToString(v.DataType) != "String" {
					t.Errorf("attribute %s: got data type %q, want String", k, aws.ToString(v.DataType))
				}
				attrs[k] = aws.ToString(v.StringValue)
			}
			if len(attrs) != len(tt.want) {
				t.Errorf("got attributes %v, want %v", attrs, tt.want)
			}
			for k, v := range tt.want {
				if attrs[k] != v {
					t.Errorf("attribute %s: got %q, want %q", k, attrs[k], v)
				}
			}
		})
	}
}

func TestSNSTimeoutBoundsSend(t *testing.T) {
	var deadline time.Time
	fake := PublisherFunc(func(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
		deadline, _ = ctx.Deadline()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	s, err := NewSNS(fake, SNSConfig{Messages: mustMessages(t, codeOnly), Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.SendCode(context.Background(), "+447700900123", "123456", "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got error %v, want one wrapping context.DeadlineExceeded", err)
	}
	if deadline.IsZero() || deadline.Sub(start) > 50*time.Millisecond+20*time.Millisecond {
		t.Errorf("got publish deadline %v after start, want at most the 50ms timeout", deadline.Sub(start))
	}
}

func TestSNSConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  SNSConfig
		want error
	}{
		{"zero is fine", SNSConfig{}, nil},
		{"bad type", SNSConfig{SMSType: "transactional"}, ErrSMSType},
		{"sender id too long", SNSConfig{SenderID: "ABCDEFGHIJKL"}, ErrSenderID},
		{"sender id digits only", SNSConfig{SenderID: "12345"}, ErrSenderID},
		{"sender id with space", SNSConfig{SenderID: "Ac me"}, ErrSenderID},
		{"origination not e164", SNSConfig{OriginationNumber: "2065550100"}, ErrOrigination},
		{"negative timeout", SNSConfig{Timeout: -time.Second}, ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := NewSNS(nil, SNSConfig{Messages: mustMessages(t, codeOnly)}); err == nil {
		t.Error("NewSNS(nil): got nil error, want one")
	}
	if _, err := NewSNS(PublisherFunc(nil), SNSConfig{}); err == nil {
		t.Error("NewSNS without messages: got nil error, want one")
	}
}

func TestWriterPrintsMessage(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, mustMessages(t, Settings{Validity: time.Minute}))
	n, err := w.SendCode(context.Background(), "+33612345678", "123456", "")
	if err != nil || n != 1 {
		t.Fatalf("got %d segments, error %v, want 1 and none", n, err)
	}
	if got, want := buf.String(), "phonepass dry run: SMS to +33612345678: Votre code de connexion est 123456. Il expire dans 1 minutes.\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSNSAgainstMoto sends through the real aws-sdk-go-v2 SNS client to a
// moto server and reads what moto recorded.
func TestSNSAgainstMoto(t *testing.T) {
	motoURL := testenv.StartMoto(t)
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	wire := &wireRecorder{}
	client := sns.NewFromConfig(awsCfg, func(o *sns.Options) {
		o.BaseEndpoint = aws.String(motoURL)
		o.HTTPClient = wire
	})
	m := mustMessages(t, Settings{AppName: "Acme", WebOTPDomain: "acme.example", Validity: 5 * time.Minute})
	s, err := NewSNS(client, SNSConfig{Messages: m, SenderID: "Acme"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("delivered", func(t *testing.T) {
		testenv.ResetMoto(t, motoURL)
		if _, err := s.SendCode(ctx, "+447700900123", "042917", "de-DE"); err != nil {
			t.Fatalf("SendCode: %v", err)
		}
		got := testenv.MotoSMS(t, motoURL)
		want := testenv.SMS{Phone: "+447700900123", Message: "Acme: Ihr Anmeldecode lautet 042917. Er läuft in 5 Minuten ab.\n\n@acme.example #042917"}
		if len(got) != 1 || got[0] != want {
			t.Errorf("got %+v, want [%+v]", got, want)
		}
		attrs := wire.attributes()
		if attrs[attrSMSType] != Transactional || attrs[attrSenderID] != "Acme" {
			t.Errorf("got message attributes %v on the wire, want SMSType Transactional and SenderID Acme", attrs)
		}
	})
	t.Run("rejected number is an error", func(t *testing.T) {
		testenv.ResetMoto(t, motoURL)
		_, err := s.SendCode(ctx, "not-a-number", "042917", "")
		if err == nil {
			t.Fatal("got nil error for a number SNS refuses, want an error")
		}
		if !strings.Contains(err.Error(), "publish sms") {
			t.Errorf("got %q, want it wrapped with \"publish sms\"", err)
		}
		if got := testenv.MotoSMS(t, motoURL); len(got) != 0 {
			t.Errorf("got %d messages recorded, want none", len(got))
		}
	})
}

// wireRecorder is an HTTP client that keeps the form body of each request
// it forwards, so a test can see what the SDK put on the wire; moto does not
// record message attributes.
type wireRecorder struct {
	mu     sync.Mutex
	bodies []url.Values
}

func (w *wireRecorder) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		v, _ := url.ParseQuery(string(b))
		w.mu.Lock()
		w.bodies = append(w.bodies, v)
		w.mu.Unlock()
	}
	return http.DefaultClient.Do(req)
}

// attributes returns the message attributes of the last Publish request.
func (w *wireRecorder) attributes() map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]string{}
	if len(w.bodies) == 0 {
		return out
	}
	v := w.bodies[len(w.bodies)-1]
	for i := 1; v.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i)) != ""; i++ {
		out[v.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i))] = v.Get(fmt.Sprintf("MessageAttributes.entry.%d.Value.StringValue", i))
	}
	return out
}
