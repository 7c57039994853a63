package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// UpdateItemAPI is the part of aws-sdk-go-v2's *dynamodb.Client that DynamoDB uses.
type UpdateItemAPI interface {
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// Table attribute names. The table's partition key is AttrKey (string);
// its TTL attribute is AttrExpiresAt.
const (
	AttrKey       = "pk"
	AttrCount     = "sends"
	AttrExpiresAt = "expiresAt"
)

// DefaultDynamoDBTimeout bounds each Take. With the SMS timeout (3 s by
// default) it keeps CreateAuthChallenge inside the function's 4-second
// timeout and Cognito's 5 seconds.
const DefaultDynamoDBTimeout = 500 * time.Millisecond

// ttlSlack keeps a counter a while past its window, since DynamoDB deletes
// expired items only eventually and a reader must never see a reset early.
const ttlSlack = time.Hour

// DynamoDB is a limiter whose counters live in a DynamoDB table. Each count
// is one conditional UpdateItem, so concurrent callers never exceed a limit.
type DynamoDB struct {
	client  UpdateItemAPI
	table   string
	rules   Rules
	timeout time.Duration
}

// NewDynamoDB returns a limiter that counts in table with client; timeout
// bounds each call (zero means DefaultDynamoDBTimeout).
func NewDynamoDB(client UpdateItemAPI, table string, rules Rules, timeout time.Duration) (*DynamoDB, error) {
	if client == nil {
		return nil, errors.New("dynamodb client is nil")
	}
	if table == "" {
		return nil, errNoTable
	}
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = DefaultDynamoDBTimeout
	}
	return &DynamoDB{client: client, table: table, rules: rules, timeout: timeout}, nil
}

// Take counts one send to phone at now, per phone first and then for the
// pool. A send refused by the pool rule has still used one of the phone's.
func (d *DynamoDB) Take(ctx context.Context, phone string, now time.Time) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	if r := d.rules.PerPhone; r.Limit > 0 {
		start, left := window(now, r.Window)
		ok, err := d.increment(ctx, phoneKey(phone, start), r.Limit, now.Add(left))
		if err != nil || !ok {
			return false, left, err
		}
	}
	if r := d.rules.Pool; r.Limit > 0 {
		start, left := window(now, r.Window)
		ok, err := d.increment(ctx, poolKey(start), r.Limit, now.Add(left))
		if err != nil || !ok {
			return false, left, err
		}
	}
	return true, 0, nil
}

// increment adds one to the counter at key unless it has reached limit.
func (d *DynamoDB) increment(ctx context.Context, key string, limit int, end time.Time) (bool, error) {
	_, err := d.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(d.table),
		Key:                 map[string]types.AttributeValue{AttrKey: &types.AttributeValueMemberS{Value: key}},
		UpdateExpression:    aws.String("ADD #n :one SET #e = if_not_exists(#e, :exp)"),
		ConditionExpression: aws.String("attribute_not_exists(#n) OR #n < :limit"),
		ExpressionAttributeNames: map[string]string{
			"#n": AttrCount,
			"#e": AttrExpiresAt,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":   &types.AttributeValueMemberN{Value: "1"},
			":limit": &types.AttributeValueMemberN{Value: strconv.Itoa(limit)},
			":exp":   &types.AttributeValueMemberN{Value: strconv.FormatInt(end.Add(ttlSlack).Unix(), 10)},
		},
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("update rate counter: %w", err)
	}
	return true, nil
}
