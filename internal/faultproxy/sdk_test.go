package faultproxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/phonepass/phonepass/internal/awsenv"
	"github.com/phonepass/phonepass/internal/testenv"
)

// The SDK clients below are built as the function builds its own (with
// awsenv.HTTPClient), with dummy credentials and, unless a test says
// otherwise, no retries, so that each call is one request.

var dummy = credentials.NewStaticCredentialsProvider("testing", "testing", "")

func snsClient(url string, r aws.Retryer) *sns.Client {
	return sns.New(sns.Options{Region: "us-east-1", Credentials: dummy, BaseEndpoint: aws.String(url), Retryer: r, HTTPClient: awsenv.HTTPClient(nil)})
}

func dynamoClient(url string, r aws.Retryer) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: dummy, BaseEndpoint: aws.String(url), Retryer: r, HTTPClient: awsenv.HTTPClient(nil)})
}

func publishSMS(ctx context.Context, c *sns.Client) error {
	_, err := c.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("Your code is 123456")})
	return err
}

// count adds one to the counter attribute n of the item key in the table
// limits, as a rate limiter does, and returns the new count.
func count(ctx context.Context, c *dynamodb.Client, key string) (int, error) {
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String("limits"),
		Key:                       map[string]dbtypes.AttributeValue{"key": &dbtypes.AttributeValueMemberS{Value: key}},
		UpdateExpression:          aws.String("ADD n :one"),
		ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":one": &dbtypes.AttributeValueMemberN{Value: "1"}},
		ReturnValues:              dbtypes.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, err
	}
	n, ok := out.Attributes["n"].(*dbtypes.AttributeValueMemberN)
	if !ok {
		return 0, errors.New("no count in the answer")
	}
	return strconv.Atoi(n.Value)
}

// apiError returns err's HTTP status, error code and request ID as the SDK
// reports them.
func apiError(err error) (status int, code, requestID string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status, requestID = re.HTTPStatusCode(), re.ServiceRequestID()
	}
	return status, code, requestID
}

// TestSDKSeesInjectedErrors runs without moto: the injected answers never
// reach the upstream.
func TestSDKSeesInjectedErrors(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("upstream got %s %s, want nothing", r.Method, r.Header.Get("X-Amz-Target"))
	}))
	defer up.Close()
	p := startProxy(t, up.URL)
	sc := snsClient(p.URL(), aws.NopRetryer{})
	dc := dynamoClient(p.URL(), aws.NopRetryer{})
	ctx := context.Background()
	tests := []struct {
		name  string
		fault Fault
		call  func() error
	}{
		{"sns publish 500", Fault{Service: "sns", Action: "Publish", Status: 500, Code: "InternalFailure"}, func() error { return publishSMS(ctx, sc) }},
		{"sns publish throttled", Fault{Service: "sns", Status: 400, Code: "Throttling"}, func() error { return publishSMS(ctx, sc) }},
		{"dynamodb throttled", Fault{Service: "dynamodb", Action: "UpdateItem", Status: 400, Code: "ThrottlingException"}, func() error { _, err := count(ctx, dc, "k"); return err }},
		{"dynamodb 500", Fault{Service: "dynamodb", Status: 500, Code: "InternalServerError"}, func() error { _, err := count(ctx, dc, "k"); return err }},
		{"dynamodb conditional", Fault{Action: "UpdateItem", Status: 400, Code: "ConditionalCheckFailedException"}, func() error { _, err := count(ctx, dc, "k"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set(t, p, tt.fault)
			status, code, id := apiError(tt.call())
			if status != tt.fault.Status || code != tt.fault.Code {
				t.Errorf("got status %d and code %q, want %d and %q", status, code, tt.fault.Status, tt.fault.Code)
			}
			if id == "" {
				t.Errorf("got no request ID")
			}
		})
	}
	t.Run("modeled", func(t *testing.T) {
		set(t, p, Fault{Action: "UpdateItem", Status: 400, Code: "ConditionalCheckFailedException"})
		_, err := count(ctx, dc, "k")
		var ccf *dbtypes.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Errorf("got %T %v, want a *types.ConditionalCheckFailedException", err, err)
		}
	})
}

func TestSDKWithMoto(t *testing.T) {
	moto := testenv.StartMoto(t)
	p := startProxy(t, moto)
	sc := snsClient(p.URL(), aws.NopRetryer{})
	dc := dynamoClient(p.URL(), aws.NopRetryer{})
	ctx := context.Background()
	testenv.CreateTable(t, dc, "limits", "key", "ttl")
	sent := func() int { return len(testenv.MotoSMS(t, moto)) }
	counted := func(key string) int { // the count upstream, read past the proxy
		t.Helper()
		out, err := dynamoClient(moto, aws.NopRetryer{}).GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String("limits"),
			Key:       map[string]dbtypes.AttributeValue{"key": &dbtypes.AttributeValueMemberS{Value: key}},
		})
		if err != nil {
			t.Fatalf("get item: %v", err)
		}
		n, _ := out.Item["n"].(*dbtypes.AttributeValueMemberN)
		if n == nil {
			return 0
		}
		c, _ := strconv.Atoi(n.Value)
		return c
	}
	// each runs a subtest with no faults set and no calls recorded at first.
	each := func(name string, f func(t *testing.T)) {
		set(t, p)
		p.Latency(0)
		p.ResetCalls()
		t.Run(name, f)
	}

	each("forwards", func(t *testing.T) {
		before := sent()
		if err := publishSMS(ctx, sc); err != nil {
			t.Fatalf("publish: %v", err)
		}
		if n, err := count(ctx, dc, "forwards"); err != nil || n != 1 {
			t.Fatalf("count: got %d, %v, want 1, nil", n, err)
		}
		if got := sent(); got != before+1 {
			t.Errorf("moto sent %d SMS, want %d", got, before+1)
		}
		calls := p.Calls()
		want := []Call{{Request: Request{"sns", "Publish"}, Status: 200}, {Request: Request{"dynamodb", "UpdateItem"}, Status: 200}}
		if len(calls) != len(want) {
			t.Fatalf("got calls %+v, want %+v", calls, want)
		}
		for i := range want {
			got := calls[i]
			got.Start, got.Duration = time.Time{}, 0
			if got != want[i] {
				t.Errorf("call %d: got %+v, want %+v", i+1, got, want[i])
			}
		}
	})

	each("status 500 on publish", func(t *testing.T) {
		set(t, p, Fault{Service: "sns", Action: "Publish", Status: 500, Code: "InternalFailure"})
		before := sent()
		status, code, _ := apiError(publishSMS(ctx, sc))
		if status != 500 || code != "InternalFailure" {
			t.Errorf("got status %d and code %q, want 500 and InternalFailure", status, code)
		}
		if got := sent(); got != before {
			t.Errorf("moto sent %d SMS, want %d", got, before)
		}
		if n, err := count(ctx, dc, "status"); err != nil || n != 1 { // DynamoDB is not affected
			t.Errorf("count: got %d, %v, want 1, nil", n, err)
		}
	})

	each("throttling on update", func(t *testing.T) {
		set(t, p, Fault{Service: "dynamodb", Action: "UpdateItem", Status: 400, Code: "ThrottlingException"})
		_, err := count(ctx, dc, "throttled")
		if status, code, _ := apiError(err); status != 400 || code != "ThrottlingException" {
			t.Errorf("got status %d and code %q, want 400 and ThrottlingException", status, code)
		}
		if n := counted("throttled"); n != 0 {
			t.Errorf("moto counted %d, want 0", n)
		}
	})

	each("reset after publish", func(t *testing.T) {
		set(t, p, Fault{Action: "Publish", ResetAfter: true})
		before := sent()
		err := publishSMS(ctx, sc)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("got %v, want connection reset by peer", err)
		}
		if got := sent(); got != before+1 {
			t.Errorf("moto sent %d SMS, want %d: the reset came after the publish", got, before+1)
		}
		if calls := p.Calls(); len(calls) != 1 || calls[0].Fault != "reset after" || calls[0].Status != 200 {
			t.Errorf("got calls %+v, want one reset after moto's 200", calls)
		}
	})

	each("reset before publish", func(t *testing.T) {
		set(t, p, Fault{Action: "Publish", ResetBefore: true})
		before := sent()
		if err := publishSMS(ctx, sc); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("got %v, want connection reset by peer", err)
		}
		if got := sent(); got != before {
			t.Errorf("moto sent %d SMS, want %d", got, before)
		}
	})

	each("stall", func(t *testing.T) {
		set(t, p, Fault{Service: "dynamodb", Stall: true})
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := count(ctx, dc, "stalled")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context deadline exceeded", err)
		}
		if took := time.Since(start); took < 300*time.Millisecond || took > 2*time.Second {
			t.Errorf("took %s, want about 300ms", took)
		}
		if n := counted("stalled"); n != 0 {
			t.Errorf("moto counted %d, want 0", n)
		}
	})

	each("refuse", func(t *testing.T) {
		if err := publishSMS(ctx, sc); err != nil { // leaves a kept-alive connection
			t.Fatal(err)
		}
		set(t, p, Fault{Refuse: true})
		time.Sleep(50 * time.Millisecond) // for the client to see its idle connection closed
		err := publishSMS(ctx, sc)
		var op *net.OpError
		if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) || op.Op != "dial" {
			t.Errorf("got %v, want a dial error, connection refused", err)
		}
		set(t, p)
		if err := publishSMS(ctx, sc); err != nil {
			t.Errorf("after Set(): got %v, want nil", err)
		}
		if n := len(p.Calls()); n != 2 {
			t.Errorf("got %d calls, want 2 (none while refusing)", n)
		}
	})

	each("nth", func(t *testing.T) {
		set(t, p, Fault{Service: "dynamodb", Action: "UpdateItem", Nth: 2, Status: 500, Code: "InternalServerError"})
		var got []string
		for range 3 {
			n, err := count(ctx, dc, "nth")
			_, code, _ := apiError(err)
			got = append(got, strconv.Itoa(n)+code)
		}
		if want := []string{"1", "0InternalServerError", "2"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	each("delay", func(t *testing.T) {
		const d = 200 * time.Millisecond
		set(t, p, Fault{Action: "UpdateItem", Delay: d})
		start := time.Now()
		if _, err := count(ctx, dc, "delay"); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < d {
			t.Errorf("took %s, want at least %s", took, d)
		}
		start = time.Now()
		if err := publishSMS(ctx, sc); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took >= d {
			t.Errorf("publish took %s, want under %s (the delay is UpdateItem's)", took, d)
		}
	})

	// The SDK's standard retryer takes a reset for a transient error and
	// sends the request again: a write that had taken effect takes effect
	// twice.
	each("default retryer repeats a reset write", func(t *testing.T) {
		set(t, p, Fault{ResetAfter: true, Nth: 1}, Fault{Action: "UpdateItem", ResetAfter: true, Nth: 1})
		before := sent()
		if err := publishSMS(ctx, snsClient(p.URL(), retry.NewStandard())); err != nil {
			t.Errorf("publish: got %v, want nil (retried)", err)
		}
		if got := sent(); got != before+2 {
			t.Errorf("moto sent %d SMS, want %d: the SDK published again", got, before+2)
		}
		if n, err := count(ctx, dynamoClient(p.URL(), retry.NewStandard()), "retried"); err != nil || n != 2 {
			t.Errorf("count: got %d, %v, want 2, nil: the SDK counted again", n, err)
		}
		if n := len(p.Calls()); n != 4 {
			t.Errorf("got %d calls, want 4", n)
		}
	})
}
