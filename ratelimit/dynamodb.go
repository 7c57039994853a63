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
	AttrCoolUntil = "coolUntil"
	AttrExpiresAt = "expiresAt"
)

// DefaultDynamoDBTimeout bounds each Take, Reserve or Clear, all its calls
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
// is cooling off or locked or a send limit is reached: then it returns a
// *Refused. The phone's count goes first; a send the pool's ceiling then
// refuses gives the phone its count back, so a flood spends no real user's
// allowance.
func (d *DynamoDB) Take(ctx context.Context, phone string, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	s, _, err := d.readGuess(ctx, phone)
	if err != nil {
		return err
	}
	if err := d.policy.Guesses.check(s, now); err != nil {
		return err
	}
	var phoneCounter string
	if r := d.policy.Sends.PerPhone; r.Limit > 0 {
		start, left := window(now, r.Window)
		phoneCounter = phoneKey(d.policy.Key, phone, start)
		ok, err := d.increment(ctx, phoneCounter, r.Limit, now.Add(left))
		if err != nil {
			return err
		}
		if !ok {
			return &Refused{limit: limitPhone, wait: left}
		}
	}
	if r := d.policy.Sends.Pool; r.Limit > 0 {
		start, left := window(now, r.Window)
		ok, err := d.increment(ctx, poolKey(start), r.Limit, now.Add(left))
		if err == nil && !ok {
			err = &Refused{limit: limitPool, wait: left}
		}
		if err != nil && phoneCounter != "" {
			if uerr := d.giveBack(ctx, phoneCounter); uerr != nil {
				err = errors.Join(err, uerr)
			}
		}
		return err
	}
	return nil
}

// increment adds one to the counter at key unless it has reached limit.
func (d *DynamoDB) increment(ctx context.Context, key string, limit int, end time.Time) (bool, error) {
	_, err := d.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(d.table),
		Key:                 d.key(key),
		UpdateExpression:    aws.String("ADD #n :one SET #e = if_not_exists(#e, :exp)"),
		ConditionExpression: aws.String("attribute_not_exists(#n) OR #n < :limit"),
		ExpressionAttributeNames: map[string]string{
			"#n": AttrCount,
			"#e": AttrExpiresAt,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":   number(1),
			":limit": number(int64(limit)),
			":exp":   number(end.Add(ttlSlack).Unix()),
		},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("update rate counter: %w", err)
	}
	return true, nil
}

// giveBack takes back one count of the counter at key.
func (d *DynamoDB) giveBack(ctx context.Context, key string) error {
	_, err := d.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(d.table),
		Key:                       d.key(key),
		UpdateExpression:          aws.String("ADD #n :minus"),
		ConditionExpression:       aws.String("#n > :zero"),
		ExpressionAttributeNames:  map[string]string{"#n": AttrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": number(-1), ":zero": number(0)},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("give back rate counter: %w", err)
	}
	return nil
}

// reserveAttempts is how often Reserve retries a write that lost a race with
// another answer for the same number before it gives up (fail closed).
const reserveAttempts = 3

// Reserve counts one answer about to be checked for phone at now, or returns
// a *Refused if the number is cooling off or locked. The count is read and
// written back on the condition that nobody changed it in between, so that
// no concurrent answer slips past a cool-off or the lock.
func (d *DynamoDB) Reserve(ctx context.Context, phone string, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	key := guessKey(d.policy.Key, phone)
	for range reserveAttempts {
		old, exists, err := d.readGuess(ctx, phone)
		if err != nil {
			return err
		}
		s, err := d.policy.Guesses.reserve(old, now)
		if err != nil {
			return err
		}
		in := &dynamodb.UpdateItemInput{
			TableName: aws.String(d.table),
			Key:       d.key(key),
			ExpressionAttributeNames: map[string]string{
				"#w": AttrWrong, "#c": AttrCoolUntil, "#e": AttrExpiresAt,
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":w": number(int64(s.wrong)), ":c": number(unixOrZero(s.coolUntil)),
			},
			UpdateExpression:    aws.String("SET #w = :w, #c = :c, #e = :e"),
			ConditionExpression: aws.String("attribute_not_exists(#w)"),
		}
		if d.policy.Guesses.locked(s) {
			in.UpdateExpression = aws.String("SET #w = :w, #c = :c REMOVE #e")
		} else {
			in.ExpressionAttributeValues[":e"] = number(now.Add(guessMemory).Unix())
		}
		if exists {
			in.ConditionExpression = aws.String("#w = :old")
			in.ExpressionAttributeValues[":old"] = number(int64(old.wrong))
		}
		_, err = d.client.UpdateItem(ctx, in)
		if isConditionFailed(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("update guess counter: %w", err)
		}
		return nil
	}
	return fmt.Errorf("update guess counter: %d attempts lost races with other answers", reserveAttempts)
}

// Clear forgets phone's wrong answers: after a right answer, or to unlock it.
func (d *DynamoDB) Clear(ctx context.Context, phone string) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	_, err := d.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(d.table), Key: d.key(guessKey(d.policy.Key, phone))})
	if err != nil {
		return fmt.Errorf("clear guess counter: %w", err)
	}
	return nil
}

// readGuess reads phone's wrong-answer record with a consistent read.
func (d *DynamoDB) readGuess(ctx context.Context, phone string) (s guessState, exists bool, err error) {
	out, err := d.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(d.table),
		Key:            d.key(guessKey(d.policy.Key, phone)),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return s, false, fmt.Errorf("read guess counter: %w", err)
	}
	if out.Item == nil {
		return s, false, nil
	}
	wrong, err := readNumber(out.Item, AttrWrong)
	if err != nil {
		return s, false, err
	}
	cool, err := readNumber(out.Item, AttrCoolUntil)
	if err != nil {
		return s, false, err
	}
	s.wrong = int(wrong)
	if cool > 0 {
		s.coolUntil = time.Unix(cool, 0)
	}
	return s, true, nil
}

func (d *DynamoDB) key(k string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrKey: &types.AttributeValueMemberS{Value: k}}
}

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// readNumber reads the number attribute name of item; a missing one is 0.
func readNumber(item map[string]types.AttributeValue, name string) (int64, error) {
	v, ok := item[name]
	if !ok {
		return 0, nil
	}
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("guess counter attribute %s is not a number", name)
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("guess counter attribute %s: %w", name, err)
	}
	return i, nil
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
