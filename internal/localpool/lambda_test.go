package localpool

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// fakeLambda serves the Lambda Invoke API (as sam local start-lambda does)
// for one function, run by h in-process.
func fakeLambda(t *testing.T, function string, h Invoker, calls *atomic.Int32) *lambda.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/2015-03-31/functions/"+function+"/invocations" {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"Type":"User","message":"Function not found"}`)
			return
		}
		calls.Add(1)
		payload, _ := io.ReadAll(r.Body)
		out, err := h.Invoke(r.Context(), payload)
		if err != nil {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			out, _ = json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "UserError"})
		}
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return lambda.New(lambda.Options{
		BaseEndpoint:     aws.String(srv.URL),
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("local", "local", ""),
		RetryMaxAttempts: 1,
	})
}

func TestLambdaInvoker(t *testing.T) {
	var calls atomic.Int32
	p := startPool(t, poolSetup{invoker: func(h Invoker) Invoker {
		inv, err := NewLambdaInvoker(fakeLambda(t, "PhonepassFunction", h, &calls), "PhonepassFunction")
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}})
	const phone = "+447700900200"
	res := p.signedIn(t, phone)
	if res.IdToken == nil {
		t.Fatalf("got no ID token")
	}
	// PreSignUp, then Define, Create, Verify, Define.
	if got := calls.Load(); got != 5 {
		t.Fatalf("got %d invocations, want 5", got)
	}
	status, out := post(t, p.url, "AWSCognitoIdentityProviderService.InitiateAuth", contentType, `{"ClientId":"`+DefaultClientID+`","AuthFlow":"CUSTOM_AUTH","AuthParameters":{"USERNAME":"+447700900999"}}`)
	if status != http.StatusBadRequest || out["__type"] != TypeUserLambdaValidation || out["message"] != "DefineAuthChallenge failed with error [user_not_found] user not found." {
		t.Fatalf("function error: got %d %v, want UserLambdaValidationException from the function's message", status, out)
	}
}

func TestLambdaInvokerErrors(t *testing.T) {
	var calls atomic.Int32
	client := fakeLambda(t, "Other", invokerFunc(nil), &calls)
	inv, err := NewLambdaInvoker(client, "PhonepassFunction")
	if err != nil {
		t.Fatal(err)
	}
	_, err = inv.Invoke(context.Background(), []byte(`{}`))
	var ie *InvokeError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "invoke PhonepassFunction") {
		t.Fatalf("got %v, want an InvokeError naming the function", err)
	}
	if _, err := NewLambdaInvoker(nil, "x"); err == nil {
		t.Fatalf("nil client: got no error")
	}
	if _, err := NewLambdaInvoker(client, ""); err == nil {
		t.Fatalf("empty function: got no error")
	}
}
