package ratelimit

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/testenv"
)

func dynamoClient(t *testing.T, endpoint string) *dynamodb.Client {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithRegion("us-east-1"),
		awsconfig.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// createTable makes a table shaped as template.yaml makes it: string
// partition key pk, on-demand, TTL on expiresAt.
func createTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(AttrKey), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(AttrKey), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(AttrExpiresAt), Enabled: aws.Bool(true)},
	})
	if err != nil {
		t.Fatalf("enable ttl: %v", err)
	}
}

// TestDynamoDBAgainstMoto runs the shared checks against the real
// aws-sdk-go-v2 DynamoDB client and a moto server.
func TestDynamoDBAgainstMoto(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := dynamoClient(t, endpoint)
	n := 0
	checkRules(t, func(t *testing.T, r Rules) limiter {
		n++
		table := fmt.Sprintf("phonepass-rate-%d", n)
		createTable(t, c, table)
		d, err := NewDynamoDB(c, table, r, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})

	t.Run("items carry a TTL past their window and no phone number", func(t *testing.T) {
		createTable(t, c, "phonepass-rate-ttl")
		d, _ := NewDynamoDB(c, "phonepass-rate-ttl", DefaultRules(), 5*time.Second)
		now := t0.Add(3 * time.Minute)
		if ok, _, err := d.Take(context.Background(), "+447700900123", now); !ok || err != nil {
			t.Fatalf("got %v, %v; want allowed", ok, err)
		}
		out, err := c.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("phonepass-rate-ttl")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 2 {
			t.Fatalf("got %d items, want a phone counter and a pool counter", len(out.Items))
		}
		for _, item := range out.Items {
			key := item[AttrKey].(*types.AttributeValueMemberS).Value
			if strings.Contains(key, "447700900123") {
				t.Errorf("key %q holds the phone number", key)
			}
			exp, ok := item[AttrExpiresAt].(*types.AttributeValueMemberN)
			if !ok {
				t.Fatalf("item %q has no numeric %s", key, AttrExpiresAt)
			}
			sec, _ := strconv.ParseInt(exp.Value, 10, 64)
			end := t0.Add(15 * time.Minute)
			if strings.HasPrefix(key, "pool#") {
				end = t0.Add(4 * time.Minute)
			}
			if got := time.Unix(sec, 0); !got.After(end) || got.After(end.Add(2*time.Hour)) {
				t.Errorf("item %q: got %s = %s, want a little after the window's end %s", key, AttrExpiresAt, got.UTC(), end)
			}
		}
	})
}

// TestDynamoDBUnreachable points the client at a closed port: Take must
// return an error, never an allowance.
func TestDynamoDBUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	d, err := NewDynamoDB(dynamoClient(t, "http://"+addr), "t", DefaultRules(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ok, _, err := d.Take(context.Background(), "+447700900123", t0)
	if ok || err == nil || !strings.Contains(err.Error(), "update rate counter") {
		t.Errorf("got %v, %v; want refused with an update rate counter error", ok, err)
	}
}

func TestNewDynamoDBRejects(t *testing.T) {
	c := dynamodb.New(dynamodb.Options{Region: "us-east-1"})
	if _, err := NewDynamoDB(c, "", DefaultRules(), 0); err == nil {
		t.Error("empty table: got nil error, want one")
	}
	if _, err := NewDynamoDB(nil, "t", DefaultRules(), 0); err == nil {
		t.Error("nil client: got nil error, want one")
	}
}
