package faultproxy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseRequest(t *testing.T) {
	const snsAuth = "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00"
	const ddbAuth = "AWS4-HMAC-SHA256 Credential=testing/20250101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"
	const form = "application/x-www-form-urlencoded; charset=utf-8"
	tests := []struct {
		name                       string
		target, auth, ctype, query string
		body                       string
		want                       Request
	}{
		{name: "dynamodb signed", target: "DynamoDB_20120810.TransactWriteItems", auth: ddbAuth, ctype: "application/x-amz-json-1.0", body: "{}", want: Request{"dynamodb", "TransactWriteItems"}},
		{name: "dynamodb unsigned", target: "DynamoDB_20120810.UpdateItem", body: "{}", want: Request{"dynamodb", "UpdateItem"}},
		{name: "other json target", target: "AWSCognitoIdentityProviderService.InitiateAuth", want: Request{"", "InitiateAuth"}},
		{name: "sns signed", auth: snsAuth, ctype: form, body: "Action=Publish&Version=2010-03-31&PhoneNumber=%2B15555550100", want: Request{"sns", "Publish"}},
		{name: "sns unsigned", ctype: form, body: "Action=Publish", want: Request{"sns", "Publish"}},
		{name: "query string", query: "Action=ListTopics", want: Request{"sns", "ListTopics"}},
		{name: "scope wins", auth: "AWS4-HMAC-SHA256 Credential=k/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host", ctype: form, body: "Action=SendMessage", want: Request{"sqs", "SendMessage"}},
		{name: "form without action", ctype: form, body: "Version=2010-03-31", want: Request{}},
		{name: "malformed scope", auth: "AWS4-HMAC-SHA256 Credential=k/us-east-1", ctype: form, body: "Action=Publish", want: Request{"sns", "Publish"}},
		{name: "nothing", want: Request{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/?"+tt.query, strings.NewReader(tt.body))
			for k, v := range map[string]string{"X-Amz-Target": tt.target, "Authorization": tt.auth, "Content-Type": tt.ctype} {
				if v != "" {
					r.Header.Set(k, v)
				}
			}
			if got := parseRequest(r, []byte(tt.body)); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFaultValidate(t *testing.T) {
	tests := []struct {
		f    Fault
		want string // "" for valid
	}{
		{Fault{Delay: time.Second}, ""},
		{Fault{Service: "sns", Action: "Publish", Nth: 2, Stall: true}, ""},
		{Fault{Status: 500, Code: "InternalFailure"}, ""},
		{Fault{ResetBefore: true}, ""},
		{Fault{ResetAfter: true}, ""},
		{Fault{Refuse: true}, ""},
		{Fault{}, "0 kinds set"},
		{Fault{Service: "sns"}, "0 kinds set"},
		{Fault{Stall: true, ResetAfter: true}, "2 kinds set"},
		{Fault{Delay: time.Second, Status: 500, Code: "InternalFailure"}, "2 kinds set"},
		{Fault{Delay: -time.Second}, "negative delay"},
		{Fault{Stall: true, Nth: -1}, "negative nth"},
		{Fault{Status: 200, Code: "OK"}, "want 400 to 599"},
		{Fault{Status: 500}, "status without code"},
		{Fault{Stall: true, Code: "InternalFailure"}, "code without status"},
		{Fault{Refuse: true, Action: "Publish"}, "refuse applies to every request"},
	}
	for _, tt := range tests {
		err := tt.f.validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: got %v, want nil", tt.f, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: got %v, want an error containing %q", tt.f, err, tt.want)
		}
	}
}

func TestFaultString(t *testing.T) {
	tests := []struct {
		f    Fault
		want string
	}{
		{Fault{Delay: time.Second}, "delay"},
		{Fault{Stall: true}, "stall"},
		{Fault{Status: 500, Code: "InternalFailure"}, "status 500 InternalFailure"},
		{Fault{ResetBefore: true}, "reset before"},
		{Fault{ResetAfter: true}, "reset after"},
		{Fault{Refuse: true}, "refuse"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.f, got, tt.want)
		}
	}
}
