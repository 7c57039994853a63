package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Sends in the table: one transaction a send, all or nothing. Its first
// item is a ConditionCheck of the number's guess item (the guess budget's
// rules, as an answer is checked by them); then each counter of
// Policy.counters is an Update with its limit as its condition. The
// cancellation reasons say which refused, so a refused send costs one
// round trip and counts nowhere. A split counter (shards.go) starts at a
// random shard and, when that one is full, tries the next, so that the
// shards together refuse exactly at the limit.

// Take records one code about to be sent to phone at now in one
// transaction, unless the number is cooling off, locked or out of its
// day's wrong answers, or a send limit refuses it: then it returns a
// *Refused and records nothing. The function it returns gives the code
// back, for a send that never left; it is to be called at most once.
func (d *DynamoDB) Take(ctx context.Context, phone string, now time.Time) (func(context.Context) error, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	hash := numberHash(d.policy.Key, phone)
	counters := d.policy.counters(phone, hash, now)
	at, tried := make([]int, len(counters)), make([]int, len(counters))
	for i, c := range counters {
		if c.shards > 1 {
			at[i] = rand.IntN(c.shards)
		}
	}
	e := d.policy.Guesses.guessCondition(now)
	check := types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                           aws.String(d.table),
		Key:                                 d.key(guessKey(hash)),
		ConditionExpression:                 aws.String(e.condition),
		ExpressionAttributeNames:            e.names,
		ExpressionAttributeValues:           e.values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
	for {
		items := []types.TransactWriteItem{check}
		for i, c := range counters {
			items = append(items, d.takeItem(c, at[i], now))
		}
		reasons, err := d.transact(ctx, "take rate counters", items)
		if err != nil {
			return nil, err
		}
		if reasons == nil {
			return d.giveBack(counters, at), nil
		}
		i := failedAt(reasons)
		if i == 0 {
			return nil, d.refusalOf(reasons[0].Item, now)
		}
		c := counters[i-1]
		if tried[i-1]++; tried[i-1] < c.shards {
			at[i-1] = (at[i-1] + 1) % c.shards
			continue
		}
		return nil, &Refused{limit: c.refusal, wait: c.left}
	}
}

// takeItem adds one code to shard i of the counter c unless its limit
// (the shard's share of it) refuses.
func (d *DynamoDB) takeItem(c counter, i int, now time.Time) types.TransactWriteItem {
	u := &types.Update{
		TableName:                aws.String(d.table),
		Key:                      d.key(shardKey(c.key, i, c.shards)),
		UpdateExpression:         aws.String("ADD #n :one SET #e = if_not_exists(#e, :exp)"),
		ConditionExpression:      aws.String("attribute_not_exists(#n) OR #n < :limit"),
		ExpressionAttributeNames: map[string]string{"#n": AttrCount, "#e": AttrExpiresAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":   number(1),
			":limit": number(int64(shareOf(c.limit, i, c.shards))),
			":exp":   number(now.Add(c.left).Add(ttlSlack).Unix()),
		},
	}
	if c.rng {
		// Open while under MinCodes codes, or while the shortfall is not
		// positive (see RangeRules.shortfall); the send adds its share.
		u.UpdateExpression = aws.String("ADD #n :one, #s :share SET #e = if_not_exists(#e, :exp)")
		u.ConditionExpression = aws.String("attribute_not_exists(#n) OR #n < :limit OR #s <= :zero")
		u.ExpressionAttributeNames["#s"] = AttrShortfall
		u.ExpressionAttributeValues[":share"] = number(int64(d.policy.Ranges.MinAnsweredPercent))
		u.ExpressionAttributeValues[":zero"] = number(0)
	}
	return types.TransactWriteItem{Update: u}
}

// giveBack returns the function that takes the code back from the
// counters (at their shards at) in one transaction. A counter that has
// nothing to give back (an administrator cleared the range meanwhile) is
// left out, and the rest tried once more.
func (d *DynamoDB) giveBack(counters []counter, at []int) func(context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, d.timeout)
		defer cancel()
		var items []types.TransactWriteItem
		for i, c := range counters {
			items = append(items, d.giveBackItem(c, at[i]))
		}
		for len(items) > 0 {
			reasons, err := d.transact(ctx, "give back rate counters", items)
			if err != nil || reasons == nil {
				return err
			}
			var rest []types.TransactWriteItem
			for i, r := range reasons {
				if code(r) != reasonConditionFailed {
					rest = append(rest, items[i])
				}
			}
			if len(rest) == len(items) {
				return errors.New("give back rate counters: cancelled with no reason to leave one out")
			}
			items = rest
		}
		return nil
	}
}

// giveBackItem takes one code back from shard i of the counter c.
func (d *DynamoDB) giveBackItem(c counter, i int) types.TransactWriteItem {
	u := &types.Update{
		TableName:                 aws.String(d.table),
		Key:                       d.key(shardKey(c.key, i, c.shards)),
		UpdateExpression:          aws.String("ADD #n :minus"),
		ConditionExpression:       aws.String("#n > :zero"),
		ExpressionAttributeNames:  map[string]string{"#n": AttrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": number(-1), ":zero": number(0)},
	}
	if c.rng {
		u.UpdateExpression = aws.String("ADD #n :minus, #s :share")
		u.ExpressionAttributeNames["#s"] = AttrShortfall
		u.ExpressionAttributeValues[":share"] = number(-int64(d.policy.Ranges.MinAnsweredPercent))
	}
	return types.TransactWriteItem{Update: u}
}

// refusalOf is the refusal that a guess item as it was (item, read back
// from a failed condition) stands for at now.
func (d *DynamoDB) refusalOf(item map[string]types.AttributeValue, now time.Time) error {
	s, err := d.decodeGuess(item)
	if err != nil {
		return err
	}
	if rerr := d.policy.Guesses.check(s, now); rerr != nil {
		return rerr
	}
	return fmt.Errorf("guess budget: the condition failed on a record that the rules allow")
}
