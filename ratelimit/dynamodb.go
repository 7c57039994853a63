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

// TableAPI is the part of aws-sdk-go-v2's *dynamodb.Client that DynamoDB uses.
type TableAPI interface {
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Table attribute names. The table's partition key is AttrKey (string);
// its TTL attribute is AttrExpiresAt.
const (
	AttrKey       = "pk"
	AttrCount     = "sends"
	AttrWrong     = "wrong"
	AttrLastWrong = "lastWrong"
	AttrExpiresAt = "expiresAt"
	// AttrAnswered counts the codes of a range answered right in its window
	// (range items only; AttrCount counts the codes sent).
	AttrAnswered = "answered"
	// AttrShortfall is a range item's MinAnsweredPercent × sent − 100 ×
	// answered, positive while too few of its codes are answered.
	AttrShortfall = "shortfall"
)

// DefaultDynamoDBTimeout bounds each Take, give-back, Wrong, Right, Clear
// or ClearRange, all its calls (and tries) together; config's time budget
// fits it, with the SMS timeout, inside the function's timeout.
const DefaultDynamoDBTimeout = 500 * time.Millisecond

// ttlSlack keeps a counter a while past its window, since DynamoDB deletes
// expired items only eventually and a reader must never see a reset early.
const ttlSlack = time.Hour

// DynamoDB is a limiter whose counts live in a DynamoDB table. Each send,
// and each answer, is one conditional write or one transaction of them
// (one round trip), so concurrent callers never exceed a limit.
type DynamoDB struct {
	client  TableAPI
	table   string
	policy  Policy
	timeout time.Duration
}

// NewDynamoDB returns a limiter that counts in table with client; timeout
// bounds each call (zero means DefaultDynamoDBTimeout).
func NewDynamoDB(client TableAPI, table string, p Policy, timeout time.Duration) (*DynamoDB, error) {
	if client == nil {
		return nil, errors.New("dynamodb client is nil")
	}
	if table == "" {
		return nil, errNoTable
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = DefaultDynamoDBTimeout
	}
	return &DynamoDB{client: client, table: table, policy: p, timeout: timeout}, nil
}

// ClearRange lifts the range guard from phone's range for the current
// window, for an administrator: it deletes the range's counts there, so the
// guard closes it again only after another MinCodes codes too few of which
// are answered.
func (d *DynamoDB) ClearRange(ctx context.Context, phone string, now time.Time) error {
	key, _, ok := d.policy.currentRange(phone, now)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	_, err := d.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(d.table), Key: d.key(key)})
	if err != nil {
		return fmt.Errorf("clear range counter: %w", err)
	}
	return nil
}

func (d *DynamoDB) key(k string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrKey: &types.AttributeValueMemberS{Value: k}}
}

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
