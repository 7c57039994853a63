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
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
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

// DefaultDynamoDBTimeout bounds each Take, Reserve, Answered, Clear or
// ClearRange, all its calls
// together. With the SMS timeout (3 s by default) it keeps
// CreateAuthChallenge inside the function's 4-second timeout and Cognito's
// 5 seconds.
const DefaultDynamoDBTimeout = 500 * time.Millisecond

// ttlSlack keeps a counter a while past its window, since DynamoDB deletes
// expired items only eventually and a reader must never see a reset early.
const ttlSlack = time.Hour

// DynamoDB is a limiter whose counts live in a DynamoDB table. Each count is
// one conditional write, so concurrent callers never exceed a limit.
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

// Take records one code about to be sent to phone at now, unless the number
// is cooling off or locked or a limit refuses it: then it returns a
// *Refused. The counters go one conditional write each, in the order of
// Policy.counters (the number's, the range guard's, the country's, the
// pool's); a refusal or an error gives back those already taken, so a
// refused send counts nowhere and a flood spends no real user's allowance.
func (d *DynamoDB) Take(ctx context.Context, phone string, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	hash := numberHash(d.policy.Key, phone)
	s, err := d.readGuess(ctx, guessKey(hash))
	if err != nil {
		return err
	}
	if err := d.policy.Guesses.check(s, now); err != nil {
		return err
	}
	counters := d.policy.counters(phone, hash, now)
	for i, c := range counters {
		ok, err := d.take(ctx, c, now)
		if err == nil && !ok {
			err = &Refused{limit: c.refusal, wait: c.left}
		}
		if err != nil {
			for _, taken := range counters[:i] {
				if gerr := d.giveBack(ctx, taken); gerr != nil {
					err = errors.Join(err, gerr)
				}
			}
			return err
		}
	}
	return nil
}

// take adds one code to the counter c unless its limit refuses it.
func (d *DynamoDB) take(ctx context.Context, c counter, now time.Time) (bool, error) {
	in := &dynamodb.UpdateItemInput{
		TableName:                aws.String(d.table),
		Key:                      d.key(c.key),
		UpdateExpression:         aws.String("ADD #n :one SET #e = if_not_exists(#e, :exp)"),
		ConditionExpression:      aws.String("attribute_not_exists(#n) OR #n < :limit"),
		ExpressionAttributeNames: map[string]string{"#n": AttrCount, "#e": AttrExpiresAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":   number(1),
			":limit": number(int64(c.limit)),
			":exp":   number(now.Add(c.left).Add(ttlSlack).Unix()),
		},
	}
	if c.rng {
		// Open while under MinCodes codes, or while the shortfall is not
		// positive (see RangeRules.shortfall); the send adds its share.
		r := d.policy.Ranges
		in.UpdateExpression = aws.String("ADD #n :one, #s :share SET #e = if_not_exists(#e, :exp)")
		in.ConditionExpression = aws.String("attribute_not_exists(#n) OR #n < :limit OR #s <= :zero")
		in.ExpressionAttributeNames["#s"] = AttrShortfall
		in.ExpressionAttributeValues[":share"] = number(int64(r.MinAnsweredPercent))
		in.ExpressionAttributeValues[":zero"] = number(0)
	}
	_, err := d.client.UpdateItem(ctx, in)
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("update rate counter: %w", err)
	}
	return true, nil
}

// giveBack takes back one code from the counter c.
func (d *DynamoDB) giveBack(ctx context.Context, c counter) error {
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(d.table),
		Key:                       d.key(c.key),
		UpdateExpression:          aws.String("ADD #n :minus"),
		ConditionExpression:       aws.String("#n > :zero"),
		ExpressionAttributeNames:  map[string]string{"#n": AttrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": number(-1), ":zero": number(0)},
	}
	if c.rng {
		in.UpdateExpression = aws.String("ADD #n :minus, #s :share")
		in.ExpressionAttributeNames["#s"] = AttrShortfall
		in.ExpressionAttributeValues[":share"] = number(-int64(d.policy.Ranges.MinAnsweredPercent))
	}
	_, err := d.client.UpdateItem(ctx, in)
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("give back rate counter: %w", err)
	}
	return nil
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
