package testenv

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
type SMS = motoserver.SMS

// MotoSMS returns the SMS that the moto server at url has recorded, oldest first.
func MotoSMS(t testing.TB, url string) []SMS {
	t.Helper()
	sms, err := motoserver.SentSMS(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return sms
}

// DynamoDB returns motoserver.DynamoDB(url, region).
func DynamoDB(t testing.TB, url, region string) *dynamodb.Client {
	t.Helper()
	return motoserver.DynamoDB(url, region)
}

// CreateTable makes a table as motoserver.CreateTable does, or fails the test.
func CreateTable(t testing.TB, c *dynamodb.Client, name, key, ttlAttribute string) {
	t.Helper()
	if err := motoserver.CreateTable(context.Background(), c, name, key, ttlAttribute); err != nil {
		t.Fatal(err)
	}
}
