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
	"github.com/aws/aws-sdk-go-v2/aws"
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

// setup reads the configuration and builds the handler.
func setup(ctx context.Context) (*triggers.Handler, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	log := newLogger(cfg.LogLevel)
	var awsCfg *aws.Config
	loadAWS := func() (aws.Config, error) {
		if awsCfg == nil {
			c, err := awsenv.Load(os.LookupEnv)
			if err != nil {
				return aws.Config{}, fmt.Errorf("aws config: %w", err)
			}
			awsCfg = &c
		}
		return *awsCfg, nil
	}

	if left := cfg.SMS.Messages.Left(); len(left) > 0 {
		log.Warn("built-in languages left out: with the app name and autofill lines they take more SMS segments than PHONEPASS_SMS_MAX_SEGMENTS allows; their users get the next language that fits",
			zap.Strings("languages", left))
	}
	var sender triggers.Sender
	if cfg.DryRun {
		sender = sms.NewWriter(os.Stderr, cfg.SMS.Messages)
		log.Warn("dry run: SMS are printed, not sent")
	} else {
		c, err := loadAWS()
		if err != nil {
			return nil, err
		}
		endpoint, err := awsenv.Endpoint(os.LookupEnv, "SNS")
		if err != nil {
			return nil, err
		}
		client := sns.NewFromConfig(c, func(o *sns.Options) { o.BaseEndpoint = endpoint })
		if sender, err = sms.NewSNS(client, cfg.SMS); err != nil {
			return nil, fmt.Errorf("sms: %w", err)
		}
	}

	var limiter triggers.Limiter
	switch {
	case cfg.DryRun:
		// Under sam local the stack's table is out of reach: count in memory.
		l, err := ratelimit.NewMemory(cfg.Limits)
		if err != nil {
			return nil, fmt.Errorf("rate limit: %w", err)
		}
		limiter = l
	default:
		c, err := loadAWS()
		if err != nil {
			return nil, err
		}
		endpoint, err := awsenv.Endpoint(os.LookupEnv, "DYNAMODB")
		if err != nil {
			return nil, err
		}
		client := dynamodb.NewFromConfig(c, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
		l, err := ratelimit.NewDynamoDB(client, cfg.RateLimitTable, cfg.Limits, 0)
		if err != nil {
			return nil, fmt.Errorf("rate limit: %w", err)
		}
		limiter = l
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
