package main

import (
	"context"
	"encoding/json"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// testCodeKey is the code key of the tests that run setup.
const testCodeKey = "KJyjAARR7aC8irNUkarrS8PWKiERxugoqGTklqjI" // random, as a real key is

// deployedOnMoto sets the environment of a deployed function whose SNS and
// DynamoDB are the moto server at moto, with its key and a fresh table.
func deployedOnMoto(t *testing.T, moto string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL_SNS", moto)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", moto)
	t.Setenv("PHONEPASS_CODE_KEY", testCodeKey)
	t.Setenv("PHONEPASS_RATE_LIMIT_TABLE", "phonepass-limits")
	testenv.CreateTable(t, testenv.DynamoDB(t, moto, "us-east-1"), "phonepass-limits", ratelimit.AttrKey, ratelimit.AttrExpiresAt)
}

// createEvent is a first-round CreateAuthChallenge event for phone.
func createEvent(t *testing.T, phone string) []byte {
	t.Helper()
	ev := events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: events.CognitoEventUserPoolsHeader{
			Version: "1", TriggerSource: triggers.SourceCreateAuthChallenge, Region: "us-east-1",
			UserPoolID: "us-east-1_Example1", UserName: "0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11",
		},
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: map[string]string{"phone_number": phone, "phone_number_verified": "true"},
			ChallengeName:  triggers.ChallengeName,
		},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSetupSendsThroughSNS wires the handler exactly as the Lambda does, with
// the real SNS client pointed at moto, and checks that the SMS arrives with
// the code that then verifies.
func TestSetupSendsThroughSNS(t *testing.T) {
	moto := testenv.StartMoto(t)
	deployedOnMoto(t, moto)
	t.Setenv("PHONEPASS_APP_NAME", "Acme")
	h, err := setup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(context.Background(), createEvent(t, "+447400123456"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	var ev events.CognitoEventUserPoolsCreateAuthChallenge
	if err := json.Unmarshal(out, &ev); err != nil {
		t.Fatal(err)
	}

	sent := testenv.MotoSMS(t, moto)
	if len(sent) != 1 || sent[0].Phone != "+447400123456" {
		t.Fatalf("got SMS %+v, want one to +447400123456", sent)
	}
	msg := sent[0].Message
	m := regexp.MustCompile(`^Acme: Your sign-in code is ([0-9]{6})\. It expires in 5 minutes\.$`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("got message %q, want the default template with a 6-digit code", msg)
	}

	verify := events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: ev.CognitoEventUserPoolsHeader,
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
			UserAttributes:             ev.Request.UserAttributes,
			PrivateChallengeParameters: ev.Response.PrivateChallengeParameters,
			ChallengeAnswer:            m[1],
		},
	}
	verify.TriggerSource = triggers.SourceVerifyChallengeAnswer
	in, _ := json.Marshal(verify)
	out, err = h.Invoke(context.Background(), in)
	if err != nil || !strings.Contains(string(out), `"answerCorrect":true`) {
		t.Errorf("verify with the code from the SMS: got %s, %v; want answerCorrect true", out, err)
	}
}

// TestSetupSNSFailure points the real SNS client at a server that never
// answers, and at one that refuses connections. With no answer the text
// may have gone: the challenge goes on, saying delivery is uncertain,
// within the SMS timeout. A refused connection sent nothing: the user gets
// the safe message.
func TestSetupSNSFailure(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold the connection open, never answer
		}
	}()
	refusing, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing.Close()
	for _, tt := range []struct {
		name, endpoint, wantErr string
		phone                   string
	}{
		{"no answer", "http://" + silent.Addr().String(), "", "+447400123456"},
		{"connection refused", "http://" + refusing.Addr().String(), "[send_failed] could not send the code", "+447400123457"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			deployedOnMoto(t, testenv.StartMoto(t))
			t.Setenv("AWS_ENDPOINT_URL_SNS", tt.endpoint)
			t.Setenv("AWS_ACCESS_KEY_ID", "testing")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
			t.Setenv("AWS_REGION", "us-east-1")
			t.Setenv("PHONEPASS_SMS_TIMEOUT", "300ms")
			h, err := setup(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			out, err := h.Invoke(context.Background(), createEvent(t, tt.phone))
			switch {
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v, want the challenge", err)
			case tt.wantErr == "" && !strings.Contains(string(out), `"deliveryUncertain":"true"`):
				t.Errorf("got %s, want deliveryUncertain true", out)
			}
			// Not a timing assertion of performance: the bound is the configured
			// timeout, which must hold for Cognito's 5-second limit.
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("create took %v, want it bounded by the 300ms SMS timeout", d)
			}
		})
	}
}

func TestSetupRefusesBadConfig(t *testing.T) {
	t.Setenv("PHONEPASS_CODE_KEY", testCodeKey)
	t.Setenv("PHONEPASS_RATE_LIMIT_TABLE", "phonepass-limits")
	t.Setenv("PHONEPASS_MAX_ATTEMPTS", "0")
	_, err := setup(context.Background())
	if err == nil || !strings.Contains(err.Error(), "PHONEPASS_MAX_ATTEMPTS") {
		t.Errorf("got %v, want an error naming PHONEPASS_MAX_ATTEMPTS", err)
	}
}

// TestSetupRateLimitOnMoto wires the DynamoDB limiter as the Lambda does,
// against moto: the sixth code for one number in the window is refused.
func TestSetupRateLimitOnMoto(t *testing.T) {
	moto := testenv.StartMoto(t)
	deployedOnMoto(t, moto)
	ctx := context.Background()
	h, err := setup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := h.Invoke(ctx, createEvent(t, "+447400123777")); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	_, err = h.Invoke(ctx, createEvent(t, "+447400123777"))
	if err == nil || !strings.HasPrefix(err.Error(), "[rate_limited] too many codes requested for this phone number; try again in ") {
		t.Errorf("sixth sign-in: got %v, want the rate-limit message", err)
	}
	if _, err := h.Invoke(ctx, createEvent(t, "+447400123778")); err != nil {
		t.Errorf("another number: got %v, want a code sent", err)
	}
}

// TestSetupRateLimitUnreachable fails closed: no SMS when the table cannot be reached.
func TestSetupRateLimitUnreachable(t *testing.T) {
	moto := testenv.StartMoto(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	deployedOnMoto(t, moto)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", closed)
	h, err := setup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Invoke(context.Background(), createEvent(t, "+447400123779"))
	if err == nil || err.Error() != "[send_failed] could not send the code" {
		t.Errorf("got %v, want \"[send_failed] could not send the code\"", err)
	}
	if sent := testenv.MotoSMS(t, moto); len(sent) != 0 {
		t.Errorf("got %d SMS sent, want none when the limiter is unreachable", len(sent))
	}
}

// TestSetupNeedsCredentials: outside a dry run the function reads the
// credentials the Lambda runtime puts in the environment, and says which
// variable is missing.
func TestSetupNeedsCredentials(t *testing.T) {
	t.Setenv("PHONEPASS_CODE_KEY", testCodeKey)
	t.Setenv("PHONEPASS_RATE_LIMIT_TABLE", "phonepass-limits")
	t.Setenv("AWS_REGION", "eu-west-2")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := setup(context.Background())
	if err == nil || err.Error() != "aws config: AWS_ACCESS_KEY_ID is not set" {
		t.Errorf("got %v, want \"aws config: AWS_ACCESS_KEY_ID is not set\"", err)
	}
}
