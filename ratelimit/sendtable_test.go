package ratelimit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/testenv"
)

// countingTable counts the round trips a limiter makes to a real table.
type countingTable struct {
	TableAPI
	calls atomic.Int64
}

func (c *countingTable) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.calls.Add(1)
	return c.TableAPI.UpdateItem(ctx, in, o...)
}

func (c *countingTable) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.calls.Add(1)
	return c.TableAPI.TransactWriteItems(ctx, in, o...)
}

// TestDynamoDBRoundTrips: against moto, a send (allowed or refused by any
// of its limits), a wrong answer and a right answer are one round trip
// each; a give-back is one more, and leaves the counters as they were.
func TestDynamoDBRoundTrips(t *testing.T) {
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	createTable(t, c, "phonepass-trips")
	table := &countingTable{TableAPI: c}
	r := guard
	r.Countries = []CountryBudget{{CallingCode: "44", PerHour: 1000}}
	d, err := NewDynamoDB(table, "phonepass-trips", rangePolicy(DefaultRules(), r), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := t0.Add(10 * time.Minute)
	phone := "+447700900123"
	trips := func(t *testing.T, what string, want int64, call func() error) error {
		t.Helper()
		before := table.calls.Load()
		err := call()
		if got := table.calls.Load() - before; got != want {
			t.Errorf("%s: got %d round trips, want %d", what, got, want)
		}
		return err
	}
	snapshot := func() map[string]string {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("phonepass-trips"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, it := range out.Items {
			key := it[AttrKey].(*types.AttributeValueMemberS).Value
			for _, a := range []string{AttrCount, AttrShortfall} {
				if v, ok := it[a].(*types.AttributeValueMemberN); ok {
					m[key+" "+a] = v.Value
				}
			}
		}
		return m
	}

	var giveBack func(context.Context) error
	if err := trips(t, "send", 1, func() (err error) { giveBack, err = d.Take(ctx, phone, now); return err }); err != nil {
		t.Fatal(err)
	}
	before := snapshot()
	var second func(context.Context) error
	if err := trips(t, "second send", 1, func() (err error) { second, err = d.Take(ctx, phone, now); return err }); err != nil {
		t.Fatal(err)
	}
	if err := trips(t, "give back", 1, func() error { return second(ctx) }); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); len(after) != len(before) || !sameCounts(before, after) {
		t.Errorf("after a give-back: got counters %v, want them as before the send %v", after, before)
	}
	for i := 0; i < DefaultPerPhoneLimit-1; i++ {
		if err := take(d, ctx, phone, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := trips(t, "refused send", 1, func() error { return take(d, ctx, phone, now) }); !IsRefused(err) {
		t.Fatalf("sixth send: got %v, want a refusal", err)
	}
	if err := trips(t, "wrong answer", 1, func() error { return d.Wrong(ctx, phone, now) }); err != nil {
		t.Fatal(err)
	}
	if err := trips(t, "right answer", 1, func() error { return d.Right(ctx, phone, now) }); err != nil {
		t.Fatal(err)
	}
	// A code of the last window: its answer credits no range of this one,
	// at the cost of a second write.
	if err := trips(t, "right answer after the window", 2, func() error { return d.Right(ctx, phone, t0.Add(90*time.Minute)) }); err != nil {
		t.Fatal(err)
	}
	if giveBack == nil {
		t.Fatal("an allowed send gave no give-back")
	}
}

func sameCounts(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDynamoDBShardsRefuseAtTheTotal splits the pool's ceiling over shards
// (a small ceiling with a low shard rate) and sends more than it from many
// goroutines at once: the shards together allow exactly the ceiling, each
// holds its share, and a full shard sends the caller to the next.
func TestDynamoDBShardsRefuseAtTheTotal(t *testing.T) {
	old := shardRate
	shardRate = 1
	t.Cleanup(func() { shardRate = old })
	pool := Rule{Limit: 23, Window: 5 * time.Second}
	if got := shardsFor(pool.Limit, pool.Window); got != 5 {
		t.Fatalf("shards of 23 in 5 s at 1 a second: got %d, want 5", got)
	}
	endpoint := testenv.StartMoto(t)
	c := testenv.DynamoDB(t, endpoint, "us-east-1")
	createTable(t, c, "phonepass-shards")
	d, err := NewDynamoDB(c, "phonepass-shards", policy(Rules{Pool: pool}, DefaultGuessRules()), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Second)
	var allowed, refused atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				err := take(d, context.Background(), numbers("+4477009", g*100+i, 1)[0]+"00", now)
				switch {
				case err == nil:
					allowed.Add(1)
				case IsRefused(err):
					refused.Add(1)
				default:
					t.Errorf("send: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != int64(pool.Limit) || refused.Load() != 40-int64(pool.Limit) {
		t.Fatalf("got %d allowed and %d refused, want %d and %d", allowed.Load(), refused.Load(), pool.Limit, 40-pool.Limit)
	}
	out, err := c.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("phonepass-shards")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, it := range out.Items {
		key := it[AttrKey].(*types.AttributeValueMemberS).Value
		if strings.HasPrefix(key, "pool#") {
			n, _ := readNumber(it, AttrCount)
			got[key] = n
		}
	}
	if len(got) != 5 {
		t.Fatalf("got pool items %v, want 5 shards", got)
	}
	start, _ := window(now, pool.Window)
	for i := 0; i < 5; i++ {
		key := shardKey(poolKey(start), i, 5)
		if want := int64(shareOf(pool.Limit, i, 5)); got[key] != want {
			t.Errorf("shard %s: got %d codes, want its share %d", key, got[key], want)
		}
	}
}

func TestShares(t *testing.T) {
	for _, tt := range []struct{ limit, n int }{{23, 5}, {5, 5}, {3, 5}, {100000, 7}, {1, 1}} {
		sum, lo, hi := 0, tt.limit, 0
		for i := 0; i < tt.n; i++ {
			s := shareOf(tt.limit, i, tt.n)
			sum, lo, hi = sum+s, min(lo, s), max(hi, s)
		}
		if sum != tt.limit || hi-lo > 1 {
			t.Errorf("%d over %d: got shares summing to %d, spread %d, want %d and at most 1", tt.limit, tt.n, sum, hi-lo, tt.limit)
		}
	}
	for _, tt := range []struct {
		limit  int
		window time.Duration
		want   int
	}{
		{DefaultPoolPerMinute, time.Minute, 1}, {15000, time.Minute, 1}, {15001, time.Minute, 2},
		{100000, time.Minute, 7}, {MaxCountryPerHour, CountryWindow, 2}, {1 << 30, time.Second, maxShards},
	} {
		if got := shardsFor(tt.limit, tt.window); got != tt.want {
			t.Errorf("shards for %d per %s: got %d, want %d", tt.limit, tt.window, got, tt.want)
		}
	}
}
