package testenv

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/awsenv"
)

// motoSerial runs moto's server application (what `python3 -m moto.server`
// runs) with one request at a time. DynamoDB evaluates each conditional
// write atomically; moto's default threaded server does not (50 concurrent
// conditional updates let 7 through a limit of 5), so tests of concurrent
// conditional writes would be testing moto's races rather than phonepass.
// Served one at a time, moto gives the per-request atomicity DynamoDB
// promises, while a client that reads, decides and then writes still races.
const motoSerial = `import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)
`

// StartMoto starts moto's server (see motoSerial) on a free loopback port
// for the life of the test and returns its base URL. It also sets dummy AWS
// credentials and region in the test's environment, so that aws-sdk-go-v2
// clients pointed at the URL sign their requests without real ones.
func StartMoto(t testing.TB) string {
	t.Helper()
	py := LookPath(t, "python3", "install Python 3 and `pip install 'moto[server]'`")
	if err := exec.Command(py, "-c", "import moto.server, moto.moto_server.werkzeug_app").Run(); err != nil {
		Missing(t, "moto", "`pip install 'moto[server]'`")
	}
	port := FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, "-c", motoSerial, "127.0.0.1", fmt.Sprint(port))
	cmd.Stdout = nil
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start moto: %v", err)
	}
	go func() { // drain moto's request log so that it never blocks
		s := bufio.NewScanner(stderr)
		for s.Scan() {
		}
	}()
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not answer on %s within 30s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return url
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
