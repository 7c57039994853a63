package ratelimit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// benchPolicies are the rules the benchmarks run with: limits high enough
// that every send is allowed, so that each measures the whole path.
func benchPolicies() []benchPolicy {
	sends := Rules{PerPhone: Rule{Limit: 1 << 30, Window: 15 * time.Minute}, Pool: Rule{Limit: 1 << 30, Window: time.Minute}}
	open := RangeRules{Digits: 3, Window: time.Hour, MinCodes: MaxRangeMinCodes, MinAnsweredPercent: 20}
	withCountries := open
	withCountries.Countries = []CountryBudget{{"1", MaxCountryPerHour}, {"33", MaxCountryPerHour}, {"44", MaxCountryPerHour}}
	return []benchPolicy{
		{"guard off", rangePolicy(sends, RangeRules{})},
		{"range guard", rangePolicy(sends, open)},
		{"range guard and countries", rangePolicy(sends, withCountries)},
	}
}

// benchPolicy is a named policy of benchPolicies.
type benchPolicy struct {
	name   string
	policy Policy
}

// benchNumbers are 1,000 numbers over 100 ranges.
var benchNumbers = func() []string {
	out := make([]string, 1000)
	for i := range out {
		out[i] = fmt.Sprintf("+4477009%02d%03d", i%100, i)
	}
	return out
}()

// BenchmarkMemoryTake measures one send through the in-memory limiter (the
// local pool, sam local).
func BenchmarkMemoryTake(b *testing.B) {
	for _, bp := range benchPolicies() {
		b.Run(bp.name, func(b *testing.B) {
			m, err := NewMemory(bp.policy)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := take(m, ctx, benchNumbers[i%len(benchNumbers)], t0.Add(time.Duration(i)*time.Microsecond)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMemoryRight measures the bookkeeping of a right answer.
func BenchmarkMemoryRight(b *testing.B) {
	m, err := NewMemory(benchPolicies()[1].policy)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, n := range benchNumbers {
		_ = take(m, ctx, n, t0)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := m.Right(ctx, benchNumbers[i%len(benchNumbers)], t0); err != nil {
			b.Fatal(err)
		}
	}
}

// nopTable answers every call at once, so that BenchmarkDynamoDBTake
// measures what the limiter itself costs per send (hashing, building the
// conditional writes), not the network.
type nopTable struct{}

func (nopTable) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func (nopTable) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return &dynamodb.UpdateItemOutput{}, nil
}

func (nopTable) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return &dynamodb.DeleteItemOutput{}, nil
}

// BenchmarkDynamoDBTake measures the limiter's own work for one send with
// the DynamoDB limiter: one transaction of a ConditionCheck and an Update
// per counter.
func BenchmarkDynamoDBTake(b *testing.B) {
	for _, bp := range benchPolicies() {
		b.Run(bp.name, func(b *testing.B) {
			d, err := NewDynamoDB(nopTable{}, "t-1", bp.policy, 0)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := take(d, ctx, benchNumbers[i%len(benchNumbers)], t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
