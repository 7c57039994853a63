// Command bootstrap is the phonepass Lambda function: one handler for the
// four Amazon Cognito custom-authentication triggers. It only wires things:
// configuration from the environment (the code key included, which the
// template hands over from AWS Secrets Manager, so the cold start calls
// nothing), one logger, one SNS client (with the credentials the Lambda
// runtime puts in the environment: internal/awsenv), the DynamoDB limiter
// of sends and wrong answers (an in-memory one for dry runs under sam
// local, where the table is out of reach), and the triggers.Handler given
// to the Lambda runtime.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/awsenv"
	"github.com/phonepass/phonepass/metrics"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/sms"
	"github.com/phonepass/phonepass/triggers"
)

func main() {
	h, err := setup(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "phonepass: cold start failed: %v\n", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// awsParts builds the SNS sender and the DynamoDB limiter of cfg from the
// Lambda environment's credentials and endpoints.
func awsParts(cfg config.Config) (triggers.Sender, triggers.Limiter, error) {
	c, err := awsenv.Load(os.LookupEnv)
	if err != nil {
		return nil, nil, fmt.Errorf("aws config: %w", err)
	}
	snsEndpoint, err := awsenv.Endpoint(os.LookupEnv, "SNS")
	if err != nil {
		return nil, nil, err
	}
	sender, err := sms.NewSNS(sns.NewFromConfig(c, func(o *sns.Options) { o.BaseEndpoint = snsEndpoint }), cfg.SMS)
	if err != nil {
		return nil, nil, fmt.Errorf("sms: %w", err)
	}
	dbEndpoint, err := awsenv.Endpoint(os.LookupEnv, "DYNAMODB")
	if err != nil {
		return nil, nil, err
	}
	limiter, err := ratelimit.NewDynamoDB(dynamodb.NewFromConfig(c, func(o *dynamodb.Options) { o.BaseEndpoint = dbEndpoint }), cfg.RateLimitTable, cfg.Limits, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("rate limit: %w", err)
	}
	return sender, limiter, nil
}

// setup reads the configuration and builds the handler.
func setup(ctx context.Context) (*triggers.Handler, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	log := newLogger(cfg.LogLevel)
	if left := cfg.SMS.Messages.Left(); len(left) > 0 {
		log.Warn("built-in languages left out: with the app name and autofill lines they take more SMS segments than PHONEPASS_SMS_MAX_SEGMENTS allows; their users get the next language that fits",
			zap.Strings("languages", left))
	}
	var sender triggers.Sender
	var limiter triggers.Limiter
	if cfg.DryRun {
		sender = sms.NewWriter(os.Stderr, cfg.SMS.Messages)
		log.Warn("dry run: SMS are printed, not sent")
		// Under sam local the stack's table is out of reach: count in memory.
		if limiter, err = ratelimit.NewMemory(cfg.Limits); err != nil {
			return nil, fmt.Errorf("rate limit: %w", err)
		}
	} else if sender, limiter, err = awsParts(cfg); err != nil {
		return nil, err
	}
	// One CloudWatch Embedded Metric Format line per invocation, beside the
	// log lines: CloudWatch Logs turns them into the metrics that the
	// template's alarms and dashboard use.
	h, err := triggers.New(cfg.Triggers, sender, log, triggers.WithLimiter(limiter), triggers.WithMetrics(metrics.New(os.Stdout, nil)))
	if err != nil {
		return nil, err
	}
	return h, nil
}

// newLogger returns a JSON logger on standard output at level, with no
// sampling: every invocation gets its line.
func newLogger(level zapcore.Level) *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.TimeKey = "time"
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.Lock(os.Stdout), level)
	return zap.New(core)
}
