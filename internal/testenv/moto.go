package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/awsenv"
	"github.com/phonepass/phonepass/internal/motoserver"
	"github.com/phonepass/phonepass/internal/venv"
)

// StartMoto starts moto's server serving one request at a time (see
// motoserver.Serial) on a free loopback port for the life of the test and
// returns its base URL. It also sets dummy AWS credentials and region in the
// test's environment, so that aws-sdk-go-v2 clients pointed at the URL sign
// their requests without real ones.
func StartMoto(t testing.TB) string {
	t.Helper()
	m, err := motoserver.Start(context.Background(), motoserver.Serial)
	if errors.Is(err, motoserver.ErrMissing) {
		Missing(t, "moto", venv.Install)
	}
	if err != nil {
		t.Fatalf("start moto: %v", err)
	}
	t.Cleanup(m.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return m.URL
}

// ResetMoto clears all of moto's state.
func ResetMoto(t testing.TB, url string) {
	t.Helper()
	resp, err := http.Post(url+"/moto-api/reset", "application/json", strings.NewReader(""))
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
}

// SMS is one message moto's SNS recorded.
type SMS struct {
	Phone   string `json:"phone_number"`
	Message string `json:"message"`
}

// MotoSMS returns the SMS that the moto server at url has recorded, oldest first.
func MotoSMS(t testing.TB, url string) []SMS {
	t.Helper()
	resp, err := http.Get(url + "/moto-api/data.json")
	if err != nil {
		t.Fatalf("read moto data: %v", err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			SMS []SMS `json:"SMS"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatalf("decode moto data: %v", err)
	}
	return data.SNS.SMS
}

// DynamoDB returns an aws-sdk-go-v2 DynamoDB client of region for the moto
// server at url (StartMoto has set dummy credentials), with no retries (a
// retried conditional write could count twice) and the function's HTTP
// client (awsenv.HTTPClient), whose race moto's quick answers once showed.
// moto keeps each region's tables apart.
func DynamoDB(t testing.TB, url, region string) *dynamodb.Client {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithRegion(region), awsconfig.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatalf("aws config: %v", err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(url)
		o.HTTPClient = awsenv.HTTPClient(o.HTTPClient)
	})
}

// CreateTable makes a table shaped as template.yaml makes the limiter's:
// string partition key key, on demand, TTL on ttlAttribute.
func CreateTable(t testing.TB, c *dynamodb.Client, name, key, ttlAttribute string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          dbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String(key), KeyType: dbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &dbtypes.TimeToLiveSpecification{AttributeName: aws.String(ttlAttribute), Enabled: aws.Bool(true)},
	})
	if err != nil {
		t.Fatalf("enable ttl: %v", err)
	}
}
