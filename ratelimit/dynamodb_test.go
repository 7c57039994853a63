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
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/testenv"
)

// createTable makes a table shaped as template.yaml makes it.
func createTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	testenv.CreateTable(t, c, name, AttrKey, AttrExpiresAt)
}

// TestDynamoDBAgainstMoto runs the shared checks against the real
// aws-sdk-go-v2 DynamoDB client and a moto server.
func TestDynamoDBAgainstMoto(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	n := 0
	checkLimits(t, func(t *testing.T, p Policy) limiter {
		n++
		table := fmt.Sprintf("phonepass-rate-%d", n)
		createTable(t, c, table)
		d, err := NewDynamoDB(c, table, p, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})

	t.Run("items carry a TTL past their window and no phone number", func(t *testing.T) {
		createTable(t, c, "phonepass-rate-ttl")
		d, _ := NewDynamoDB(c, "phonepass-rate-ttl", policy(DefaultRules(), DefaultGuessRules()), 5*time.Second)
		now := t0.Add(3 * time.Minute)
		if err := take(d, context.Background(), "+447700900123", now); err != nil {
			t.Fatalf("got %v, want allowed", err)
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

// TestDynamoDBGuessItems reads the wrong-answer records moto keeps: keyed
// hashes, a TTL a year after the last wrong answer, the day's record in
// order, a right answer that ends the run but keeps the day, and no record
// made for a right answer of a number without one. Then the widest rules
// (a cool-off after every answer, a lock at 100, 100 a day) still make an
// expression DynamoDB takes.
func TestDynamoDBGuessItems(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	createTable(t, c, "phonepass-guesses")
	d, err := NewDynamoDB(c, "phonepass-guesses", policy(Rules{}, GuessRules{CoolOffEvery: 3, CoolOff: time.Minute, LockAfter: 3, PerDay: 4}), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	item := func(phone string) map[string]types.AttributeValue {
		t.Helper()
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("phonepass-guesses"), Key: d.key(guessKey(numberHash(testKey, phone)))})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item
	}
	num := func(it map[string]types.AttributeValue, name string) int64 {
		t.Helper()
		n, err := readNumber(it, name)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	const phone = "+447700900123"
	for i := range 2 {
		if err := d.Wrong(ctx, phone, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	it := item(phone)
	if it == nil {
		t.Fatal("no record under the keyed hash of the number")
	}
	last := t0.Add(time.Hour)
	if got := num(it, AttrExpiresAt); !time.Unix(got, 0).Equal(last.Add(guessMemory)) {
		t.Errorf("got %s %s, want a year after the last wrong answer", AttrExpiresAt, time.Unix(got, 0).UTC())
	}
	day := []int64{num(it, "day0"), num(it, "day1"), num(it, "day2"), num(it, "day3")}
	if want := []int64{0, 0, t0.Unix(), last.Unix()}; fmt.Sprint(day) != fmt.Sprint(want) {
		t.Errorf("the day's record: got %v, want %v (oldest first, free places 0)", day, want)
	}
	if err := d.Right(ctx, phone, last); err != nil {
		t.Fatal(err)
	}
	it = item(phone)
	if num(it, AttrWrong) != 0 || num(it, "day3") != last.Unix() {
		t.Errorf("after a right answer: got %s %d and day3 %d, want the run ended and the day kept", AttrWrong, num(it, AttrWrong), num(it, "day3"))
	}
	if err := d.Right(ctx, "+447700900124", t0); err != nil {
		t.Fatalf("right answer of a number without a record: %v", err)
	}
	// The transaction cannot skip the guess item, so a number without a
	// record gets one that holds nothing and soon expires.
	if it := item("+447700900124"); it != nil {
		exp := time.Unix(num(it, AttrExpiresAt), 0)
		if len(it) != 3 || num(it, AttrWrong) != 0 || exp.After(t0.Add(guessDay+ttlSlack)) || !exp.After(t0.Add(guessDay)) {
			t.Errorf("a right answer's record of a number that had none: got %v (expires %s), want only %s 0 and a TTL a day and an hour on", it, exp.UTC(), AttrWrong)
		}
	}
	if err := d.Clear(ctx, phone); err != nil {
		t.Fatal(err)
	}
	if item(phone) != nil {
		t.Error("Clear left the record")
	}

	wide, err := NewDynamoDB(c, "phonepass-guesses", policy(Rules{}, GuessRules{CoolOffEvery: 1, CoolOff: time.Minute, LockAfter: MaxLockAfter, PerDay: MaxPerDay}), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e := wide.policy.Guesses.guessCondition(t0)
	if len(e.condition) > 4096 || len(e.values) > 300 {
		t.Errorf("the widest condition is %d bytes with %d values, want DynamoDB's 4 KB and fewer than 300", len(e.condition), len(e.values))
	}
	now := t0
	for n := 1; n <= 5; n++ {
		if err := wide.Wrong(ctx, "+447700900125", now); err != nil {
			t.Fatalf("widest rules, answer %d: %v", n, err)
		}
		r := refusal(t, "widest rules, the cool-off", wide.Wrong(ctx, "+447700900125", now))
		now = now.Add(r.RetryAfter())
	}
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
	d, err := NewDynamoDB(testenv.DynamoDB(t, "http://"+addr, "us-east-1"), "t", rangePolicy(DefaultRules(), guard), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name, want string
		call       func() error
	}{
		{"take", "take rate counters", func() error { return take(d, ctx, "+447700900123", t0) }},
		{"wrong", "update guess counter", func() error { return d.Wrong(ctx, "+447700900123", t0) }},
		{"clear", "clear guess counter", func() error { return d.Clear(ctx, "+447700900123") }},
		{"right", "count right answer", func() error { return d.Right(ctx, "+447700900123", t0) }},
		{"clear range", "clear range counter", func() error { return d.ClearRange(ctx, "+447700900123", t0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || IsRefused(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error about %q (never an allowance)", err, tt.want)
			}
		})
	}
}

func TestNewDynamoDBRejects(t *testing.T) {
	c := dynamodb.New(dynamodb.Options{Region: "us-east-1"})
	p := policy(DefaultRules(), DefaultGuessRules())
	if _, err := NewDynamoDB(c, "", p, 0); err == nil {
		t.Error("empty table: got nil error, want one")
	}
	if _, err := NewDynamoDB(nil, "t", p, 0); err == nil {
		t.Error("nil client: got nil error, want one")
	}
	p.Key = nil
	if _, err := NewDynamoDB(c, "t", p, 0); err == nil {
		t.Error("no key: got nil error, want one")
	}
}

// TestDynamoDBRangeItems reads the range and country items moto keeps after
// a burst: keyed hashes with no digits of the range, a TTL past the window,
// and exact counts (refused sends counted nowhere).
func TestDynamoDBRangeItems(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	createTable(t, c, "phonepass-ranges")
	r := guard
	r.Countries = []CountryBudget{{CallingCode: "44", PerHour: 1000}}
	d, err := NewDynamoDB(c, "phonepass-ranges", rangePolicy(Rules{}, r), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := t0.Add(20 * time.Minute)
	if got := takeAll(t, d, now, numbers("+447700900", 0, 25)...); got != guard.MinCodes {
		t.Fatalf("got %d codes served, want %d", got, guard.MinCodes)
	}
	if err := d.Right(ctx, "+447700900003", now); err != nil {
		t.Fatal(err)
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("phonepass-ranges")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]map[string]types.AttributeValue{}
	for _, item := range out.Items {
		key := item[AttrKey].(*types.AttributeValueMemberS).Value
		if strings.Contains(key, "7700900") {
			t.Errorf("key %q holds digits of the range", key)
		}
		kind, _, _ := strings.Cut(key, "#")
		if kind == "guess" {
			continue // the right answer's, checked in TestDynamoDBGuessItems
		}
		kinds[kind] = item
		exp, _ := readNumber(item, AttrExpiresAt)
		if end := t0.Add(time.Hour); !time.Unix(exp, 0).After(end) || time.Unix(exp, 0).After(end.Add(2*time.Hour)) {
			t.Errorf("item %q: got %s %s, want a little after the hour's end %s", key, AttrExpiresAt, time.Unix(exp, 0).UTC(), end)
		}
	}
	if len(kinds) != 2 || kinds["range"] == nil || kinds["country"] == nil {
		t.Fatalf("got items %v, want one range counter and one country counter", kinds)
	}
	want := map[string]int64{AttrCount: 10, AttrAnswered: 1, AttrShortfall: 20*10 - 100}
	for attr, n := range want {
		if got, _ := readNumber(kinds["range"], attr); got != n {
			t.Errorf("range item %s: got %d, want %d", attr, got, n)
		}
	}
	if got, _ := readNumber(kinds["country"], AttrCount); got != 10 {
		t.Errorf("country item %s: got %d, want 10 (the 15 refused sends counted nowhere)", AttrCount, got)
	}
	if err := d.ClearRange(ctx, "+447700900999", now); err != nil {
		t.Fatal(err)
	}
	if out, _ := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("phonepass-ranges")}); len(out.Items) != 2 {
		t.Errorf("after ClearRange: got %d items, want the country counter and the guess item", len(out.Items))
	}
}
