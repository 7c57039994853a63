package ratelimit

import (
	"strconv"
	"time"
)

// A counter that the whole pool or a whole country shares is one item, and
// one DynamoDB item takes about 1,000 write units a second. A send is a
// transactional write, two units an item, and a refused one costs as much,
// so one item is asked for at most shardRate sends a second on average
// over its window: half of what it takes, the rest for refusals and
// give-backs. A ceiling that needs more is split over shards.
var shardRate = 250 // a variable only so that tests can split small counters

// maxShards bounds the shards of one counter: a send tries each of them
// once before it is refused.
const maxShards = 16

// shardsFor returns how many items a counter of limit sends per window
// needs so that none is asked for more than shardRate sends a second.
func shardsFor(limit int, window time.Duration) int {
	perItem := int64(shardRate) * int64(window/time.Second)
	n := (int64(limit) + perItem - 1) / perItem
	return int(min(max(n, 1), maxShards))
}

// shardKey is the key of shard i of a counter split in n; an unsplit
// counter keeps its key.
func shardKey(key string, i, n int) string {
	if n <= 1 {
		return key
	}
	return key + "#s" + strconv.Itoa(i)
}

// shareOf is shard i's part of limit split in n: the parts differ by at
// most one and add up to limit, so the shards refuse at the limit's total.
func shareOf(limit, i, n int) int {
	if n <= 1 {
		return limit
	}
	share := limit / n
	if i < limit%n {
		share++
	}
	return share
}
