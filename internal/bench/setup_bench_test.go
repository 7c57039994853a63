package bench_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/awsenv"
	"github.com/phonepass/phonepass/internal/bench"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/sms"
	"github.com/phonepass/phonepass/triggers"
)

// lambdaEnv sets the cold-start environment (bench.LambdaEnv) for b and
// clears the AWS variables of this process that would change what the SDK reads.
func lambdaEnv(b *testing.B) {
	b.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "PHONEPASS_") {
			b.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	b.Setenv("HOME", b.TempDir()) // no ~/.aws files, as in Lambda
	for _, kv := range bench.LambdaEnv() {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
}

// BenchmarkSetup times, in-process and warm, each piece of work that
// main.go's setup does at a cold start, in its order: read the
// configuration, build the logger, read the AWS configuration from the
// environment (internal/awsenv: no files, no network), make the SNS client and sender, the DynamoDB client
// and limiter, and the triggers.Handler.
func BenchmarkSetup(b *testing.B) {
	lambdaEnv(b)
	cfg, err := config.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	awsCfg, err := awsenv.Load(os.LookupEnv)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("config", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := config.FromEnv(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("logger", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			enc := zap.NewProductionEncoderConfig()
			enc.TimeKey = "time"
			enc.EncodeTime = zapcore.ISO8601TimeEncoder
			_ = zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.Lock(os.Stdout), cfg.LogLevel))
		}
	})
	b.Run("aws-config", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := awsenv.Load(os.LookupEnv); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sns-client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sms.NewSNS(sns.NewFromConfig(awsCfg), cfg.SMS); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dynamodb-client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ratelimit.NewDynamoDB(dynamodb.NewFromConfig(awsCfg), cfg.RateLimitTable, cfg.Limits, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("triggers", func(b *testing.B) {
		sender := triggers.SenderFunc(func(context.Context, string, string, string) (int, error) { return 1, nil })
		b.ReportAllocs()
		for b.Loop() {
			if _, err := triggers.New(cfg.Triggers, sender, zap.NewNop()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
