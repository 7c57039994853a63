package motoserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/awsenv"
)

// SMS is one message moto's SNS recorded.
type SMS struct {
	Phone   string `json:"phone_number"`
	Message string `json:"message"`
}

// Code returns the sign-in code in m, a message in phonepass's default
// English template ("Your sign-in code is 123456. It expires ..."), and
// whether there is one: digits only, between "code is " and the next ".".
func (m SMS) Code() (string, bool) {
	_, rest, ok := strings.Cut(m.Message, "code is ")
	code, _, dot := strings.Cut(rest, ".")
	if !ok || !dot || code == "" || strings.Trim(code, "0123456789") != "" {
		return "", false
	}
	return code, true
}

// SentSMS returns the SMS that the moto server at url has recorded, oldest
// first, from its /moto-api/data.json.
func SentSMS(ctx context.Context, url string) ([]SMS, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/moto-api/data.json", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read moto data: %w", err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			SMS []SMS `json:"SMS"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		return nil, fmt.Errorf("decode moto data: %w", err)
	}
	return data.SNS.SMS, nil
}

// DynamoDB returns an aws-sdk-go-v2 DynamoDB client of region for the moto
// server at url, signing with dummy credentials, with no retries (a retried
// conditional write could count twice) and the function's HTTP client
// (awsenv.HTTPClient), whose race moto's quick answers once showed. moto
// keeps each region's tables apart.
func DynamoDB(url, region string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       awsenv.HTTPClient(nil),
	})
}

// CreateTable makes a table shaped as template.yaml makes the limiter's:
// string partition key key, on demand, TTL on ttlAttribute.
func CreateTable(ctx context.Context, c *dynamodb.Client, name, key, ttlAttribute string) error {
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          dbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String(key), KeyType: dbtypes.KeyTypeHash}},
	})
	if err != nil {
		return fmt.Errorf("create table: %w", err)
	}
	_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &dbtypes.TimeToLiveSpecification{AttributeName: aws.String(ttlAttribute), Enabled: aws.Bool(true)},
	})
	if err != nil {
		return fmt.Errorf("enable ttl: %w", err)
	}
	return nil
}
