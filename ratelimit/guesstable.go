package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The guess budget in the table: one item a number (guessKey) holding its
// run of wrong answers (AttrWrong), the time of the last one
// (AttrLastWrong) and the day's record, PerDay attributes day0... whose
// first is the oldest of the last PerDay wrong answers (0: a free place).
// Each answer is one conditional write whose condition is the rules
// themselves, written out for the time of the answer, so that concurrent
// answers never pass a cool-off, the lock or the day's limit.

// AttrDayPrefix names the day's record: day0, day1, ...
const AttrDayPrefix = "day"

// guessExpr is a condition and update for one answer at one time.
type guessExpr struct {
	condition string
	names     map[string]string
	values    map[string]types.AttributeValue
}

// guessCondition writes the rules g out as a condition that holds when an
// answer may be checked at now: not locked (#w under the lock), not cooling
// off (for each multiple of CoolOffEvery under the lock, not a run of that
// length whose last answer is within its cool-off), and a free place in the
// day (its oldest wrong answer at least 24 hours old). Multiples whose
// cool-off is the same (once the doubling is capped) share one IN.
func (g GuessRules) guessCondition(now time.Time) guessExpr {
	now = second(now)
	e := guessExpr{
		names:  map[string]string{"#w": AttrWrong, "#d0": AttrDayPrefix + "0"},
		values: map[string]types.AttributeValue{":lock": number(int64(g.LockAfter)), ":day": number(now.Add(-guessDay).Unix())},
	}
	var b strings.Builder
	b.WriteString("(attribute_not_exists(#w) OR #w < :lock) AND (attribute_not_exists(#d0) OR #d0 <= :day)")
	var cooling []string
	for m := g.CoolOffEvery; m < g.LockAfter; {
		d := g.coolOffAfter(m)
		var same []string
		for ; m < g.LockAfter && g.coolOffAfter(m) == d; m += g.CoolOffEvery {
			v := ":m" + strconv.Itoa(m)
			e.values[v] = number(int64(m))
			same = append(same, v)
		}
		c := ":c" + strconv.Itoa(len(cooling))
		e.values[c] = number(now.Add(-d).Unix())
		// AND binds before OR: DynamoDB refuses parentheses that say so.
		if len(same) == 1 {
			cooling = append(cooling, "#w = "+same[0]+" AND #t > "+c)
		} else {
			cooling = append(cooling, "#w IN ("+strings.Join(same, ", ")+") AND #t > "+c)
		}
	}
	if len(cooling) > 0 {
		e.names["#t"] = AttrLastWrong
		b.WriteString(" AND NOT (" + strings.Join(cooling, " OR ") + ")")
	}
	e.condition = b.String()
	return e
}

// Wrong counts one wrong answer for phone at now in one conditional write,
// or returns a *Refused if the number is locked, cooling off or out of its
// day's wrong answers.
func (d *DynamoDB) Wrong(ctx context.Context, phone string, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	g := d.policy.Guesses
	e := g.guessCondition(now)
	e.names["#e"], e.names["#t"] = AttrExpiresAt, AttrLastWrong
	e.values[":one"] = number(1)
	if g.PerDay > 1 {
		e.values[":zero"] = number(0)
	}
	e.values[":now"] = number(second(now).Unix())
	e.values[":exp"] = number(second(now).Add(guessMemory).Unix())
	// The day's record moves up one place and takes this answer last.
	sets := []string{"#t = :now", "#e = :exp"}
	for i := 0; i < g.PerDay-1; i++ {
		from, to := "#d"+strconv.Itoa(i+1), "#d"+strconv.Itoa(i)
		e.names[from], e.names[to] = AttrDayPrefix+strconv.Itoa(i+1), AttrDayPrefix+strconv.Itoa(i)
		sets = append(sets, to+" = if_not_exists("+from+", :zero)")
	}
	last := "#d" + strconv.Itoa(g.PerDay-1)
	e.names[last] = AttrDayPrefix + strconv.Itoa(g.PerDay-1)
	sets = append(sets, last+" = :now")
	return d.guessWrite(ctx, phone, now, e, "ADD #w :one SET "+strings.Join(sets, ", "))
}

// Right admits a right answer for phone at now unless the number is locked,
// cooling off or out of its day's wrong answers (a *Refused). In one
// transaction it ends the number's run of wrong answers (not its day) and
// counts one answered code for its range in the current window, on the
// condition that the range has had more codes there than answers. Only
// when that condition fails (the code was sent in an earlier window, which
// this answer must not credit) does a second write end the run alone.
func (d *DynamoDB) Right(ctx context.Context, phone string, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	e := d.policy.Guesses.guessCondition(now)
	e.names["#e"] = AttrExpiresAt
	e.values[":zero"] = number(0)
	// A number without a record gets one that the TTL soon deletes: an
	// update in a transaction cannot be skipped when there is nothing to end.
	e.values[":exp"] = number(second(now).Add(guessDay + ttlSlack).Unix())
	update := "SET #w = :zero, #e = if_not_exists(#e, :exp)"
	key, _, ok := d.policy.currentRange(phone, now)
	if !ok {
		return d.guessWrite(ctx, phone, now, e, update)
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName:                           aws.String(d.table),
			Key:                                 d.key(guessKey(numberHash(d.policy.Key, phone))),
			UpdateExpression:                    aws.String(update),
			ConditionExpression:                 aws.String(e.condition),
			ExpressionAttributeNames:            e.names,
			ExpressionAttributeValues:           e.values,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}},
		{Update: &types.Update{
			TableName:                aws.String(d.table),
			Key:                      d.key(key),
			UpdateExpression:         aws.String("ADD #a :one, #s :minus"),
			ConditionExpression:      aws.String("#n > :zero AND (attribute_not_exists(#a) OR #a < #n)"),
			ExpressionAttributeNames: map[string]string{"#n": AttrCount, "#a": AttrAnswered, "#s": AttrShortfall},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":one": number(1), ":minus": number(-100), ":zero": number(0),
			},
		}},
	}
	reasons, err := d.transact(ctx, "count right answer", items)
	switch {
	case err != nil:
		return err
	case reasons == nil:
		return nil
	case code(reasons[0]) == reasonConditionFailed:
		return d.refusalOf(reasons[0].Item, now)
	}
	return d.guessWrite(ctx, phone, now, e, update)
}

// guessWrite runs one conditional update of phone's guess item and turns a
// failed condition into the refusal it stands for, read from the item as it
// was (ReturnValuesOnConditionCheckFailure).
func (d *DynamoDB) guessWrite(ctx context.Context, phone string, now time.Time, e guessExpr, update string) error {
	_, err := d.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           aws.String(d.table),
		Key:                                 d.key(guessKey(numberHash(d.policy.Key, phone))),
		UpdateExpression:                    aws.String(update),
		ConditionExpression:                 aws.String(e.condition),
		ExpressionAttributeNames:            e.names,
		ExpressionAttributeValues:           e.values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &ccf):
		return fmt.Errorf("update guess counter: %w", err)
	}
	return d.refusalOf(ccf.Item, now)
}

// Clear forgets phone's wrong answers, its day's included, to unlock it.
func (d *DynamoDB) Clear(ctx context.Context, phone string) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	_, err := d.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(d.table), Key: d.key(guessKey(numberHash(d.policy.Key, phone)))})
	if err != nil {
		return fmt.Errorf("clear guess counter: %w", err)
	}
	return nil
}

// decodeGuess reads a guess item (nil: no record).
func (d *DynamoDB) decodeGuess(item map[string]types.AttributeValue) (guessState, error) {
	var s guessState
	wrong, err := readNumber(item, AttrWrong)
	if err != nil {
		return s, err
	}
	last, err := readNumber(item, AttrLastWrong)
	if err != nil {
		return s, err
	}
	s.wrong = int(wrong)
	if last > 0 {
		s.last = time.Unix(last, 0)
	}
	for i := 0; i < d.policy.Guesses.PerDay; i++ {
		t, err := readNumber(item, AttrDayPrefix+strconv.Itoa(i))
		if err != nil {
			return s, err
		}
		if t > 0 {
			s.day = append(s.day, time.Unix(t, 0))
		}
	}
	return s, nil
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
