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
		if err := d.Take(context.Background(), "+447700900123", now); err != nil {
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
// hashes, a TTL a year after the last wrong answer, and none on a lock.
func TestDynamoDBGuessItems(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	createTable(t, c, "phonepass-guesses")
	d, err := NewDynamoDB(c, "phonepass-guesses", policy(Rules{}, GuessRules{CoolOffEvery: 2, CoolOff: time.Minute, LockAfter: 2}), 5*time.Second)
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
	if err := d.Reserve(ctx, "+447700900123", t0); err != nil {
		t.Fatal(err)
	}
	it := item("+447700900123")
	if it == nil {
		t.Fatal("no record under the keyed hash of the number")
	}
	if exp, _ := readNumber(it, AttrExpiresAt); !time.Unix(exp, 0).Equal(t0.Add(guessMemory)) {
		t.Errorf("got %s %s, want a year after the wrong answer", AttrExpiresAt, time.Unix(exp, 0).UTC())
	}
	if err := d.Reserve(ctx, "+447700900123", t0); err != nil {
		t.Fatal(err)
	}
	it = item("+447700900123")
	if _, ok := it[AttrExpiresAt]; ok {
		t.Errorf("locked record has %s, want none: a lock lasts until an administrator clears it", AttrExpiresAt)
	}
	if w, _ := readNumber(it, AttrWrong); w != 2 {
		t.Errorf("got %s %d, want 2", AttrWrong, w)
	}
	if err := d.Clear(ctx, "+447700900123"); err != nil {
		t.Fatal(err)
	}
	if item("+447700900123") != nil {
		t.Error("Clear left the record")
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
		{"take", "read guess counter", func() error { return d.Take(ctx, "+447700900123", t0) }},
		{"reserve", "read guess counter", func() error { return d.Reserve(ctx, "+447700900123", t0) }},
		{"clear", "clear guess counter", func() error { return d.Clear(ctx, "+447700900123") }},
		{"answered", "clear guess counter", func() error { return d.Answered(ctx, "+447700900123", t0) }},
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
	if err := d.Answered(ctx, "+447700900003", now); err != nil {
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
		kinds[kind] = item
		exp, _ := readNumber(item, AttrExpiresAt)
		if end := t0.Add(time.Hour); !time.Unix(exp, 0).After(end) || time.Unix(exp, 0).After(end.Add(2*time.Hour)) {
			t.Errorf("item %q: got %s %s, want a little after the hour's end %s", key, AttrExpiresAt, time.Unix(exp, 0).UTC(), end)
		}
	}
	if len(out.Items) != 2 || kinds["range"] == nil || kinds["country"] == nil {
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
	if out, _ := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("phonepass-ranges")}); len(out.Items) != 1 {
		t.Errorf("after ClearRange: got %d items, want the country counter alone", len(out.Items))
	}
}
