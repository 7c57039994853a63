// Command localpool is a local Amazon Cognito user pool that runs the
// phonepass triggers, for developing apps without AWS:
//
//	go run ./cmd/localpool
//
// It listens on 127.0.0.1:9229, prints the Amplify configuration to paste,
// and prints every SMS on the terminal instead of sending it. The sign-in
// rules come from the same PHONEPASS_* environment variables as the Lambda
// function. This file only wires flags and environment to package localpool.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/phonepass/phonepass/internal/localpool"
)

// Environment variables that stand in for flags; a flag given wins.
const (
	envAddr           = "LOCALPOOL_ADDR"
	envDataDir        = "LOCALPOOL_DATA_DIR"
	envInMemory       = "LOCALPOOL_IN_MEMORY"
	envPoolID         = "LOCALPOOL_POOL_ID"
	envClientID       = "LOCALPOOL_CLIENT_ID"
	envSession        = "LOCALPOOL_SESSION_VALIDITY"
	envLambdaEndpoint = "LOCALPOOL_LAMBDA_ENDPOINT"
	envLambdaFunction = "LOCALPOOL_LAMBDA_FUNCTION"
	envWeb            = "LOCALPOOL_WEB"
	envAllowRemote    = "LOCALPOOL_ALLOW_REMOTE"
	envPublicURL      = "LOCALPOOL_PUBLIC_URL"
	envCustomAttrs    = "LOCALPOOL_CUSTOM_ATTRIBUTES"
	envAdminCreds     = "LOCALPOOL_ADMIN_CREDENTIALS"
)

// defaultWebDir is served when --web is not given and it exists.
const defaultWebDir = "examples/web/dist"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "localpool: %v\n", err)
		os.Exit(1)
	}
}

// flags holds the command line.
type flags struct {
	addr, dataDir, poolID, clientID, lambdaEndpoint, lambdaFunction, web string
	publicURL, adminCreds                                                string
	inMemory, allowRemote                                                bool
	session                                                              time.Duration
	customAttrs                                                          listFlag
}

// listFlag is a repeatable flag; its first use replaces the default (the
// environment's list).
type listFlag struct {
	values []string
	given  bool
}

// String returns the values, separated by commas.
func (l *listFlag) String() string { return strings.Join(l.values, ",") }

// Set adds a value, after dropping the default on first use.
func (l *listFlag) Set(v string) error {
	if !l.given {
		l.values, l.given = nil, true
	}
	l.values = append(l.values, v)
	return nil
}

// boolEnv reads a true/false environment variable for a flag's default.
func boolEnv(env func(name, def string) string, name string) (bool, error) {
	v, err := strconv.ParseBool(env(name, "false"))
	if err != nil {
		return false, fmt.Errorf("%s: %q is not true or false", name, env(name, ""))
	}
	return v, nil
}

func parseFlags(args []string, lookup func(string) (string, bool), stderr io.Writer) (flags, error) {
	env := func(name, def string) string {
		if v, ok := lookup(name); ok && v != "" {
			return v
		}
		return def
	}
	var f flags
	fs := flag.NewFlagSet("localpool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", env(envAddr, "127.0.0.1:9229"), "address to listen on, host:port (env "+envAddr+")")
	fs.StringVar(&f.dataDir, "data-dir", env(envDataDir, ".localpool"), "directory of the database of users, keys and refresh tokens (env "+envDataDir+")")
	fs.StringVar(&f.poolID, "pool-id", env(envPoolID, localpool.DefaultPoolID), "user pool ID, <region>_<letters and digits> (env "+envPoolID+")")
	fs.StringVar(&f.clientID, "client-id", env(envClientID, localpool.DefaultClientID), "app client ID (env "+envClientID+")")
	fs.StringVar(&f.lambdaEndpoint, "lambda-endpoint", env(envLambdaEndpoint, ""), "invoke the triggers at this Lambda endpoint (such as sam local start-lambda's http://127.0.0.1:3001) instead of in-process (env "+envLambdaEndpoint+")")
	fs.StringVar(&f.lambdaFunction, "lambda-function", env(envLambdaFunction, "PhonepassFunction"), "function name to invoke with --lambda-endpoint (env "+envLambdaFunction+")")
	fs.StringVar(&f.web, "web", env(envWeb, ""), "directory of static files to serve for GET requests (default "+defaultWebDir+" if it exists; env "+envWeb+")")
	fs.StringVar(&f.publicURL, "public-url", env(envPublicURL, ""), "URL clients reach the pool at, for the banner, the Amplify configuration and the token issuer (default the listening address; env "+envPublicURL+")")
	fs.StringVar(&f.adminCreds, "admin-credentials", env(envAdminCreds, ""), "ACCESS_KEY_ID:SECRET that admin calls must be signed with (default any well-formed SigV4 signature; env "+envAdminCreds+")")
	for _, a := range strings.Split(env(envCustomAttrs, ""), ",") {
		if a = strings.TrimSpace(a); a != "" {
			f.customAttrs.values = append(f.customAttrs.values, a)
		}
	}
	fs.Var(&f.customAttrs, "custom-attribute", "declare the custom attribute custom:NAME in the schema; repeat for more (env "+envCustomAttrs+", comma-separated)")
	inMem, err := boolEnv(env, envInMemory)
	if err != nil {
		return f, err
	}
	fs.BoolVar(&f.inMemory, "in-memory", inMem, "keep nothing after exit (env "+envInMemory+")")
	remote, err := boolEnv(env, envAllowRemote)
	if err != nil {
		return f, err
	}
	fs.BoolVar(&f.allowRemote, "allow-remote", remote, "listen on an address other than loopback (--addr 0.0.0.0:9229): other machines can then call the pool (env "+envAllowRemote+")")
	sess, err := time.ParseDuration(env(envSession, localpool.DefaultSessionTTL.String()))
	if err != nil {
		return f, fmt.Errorf("%s: %q is not a duration such as 3m", envSession, env(envSession, ""))
	}
	fs.DurationVar(&f.session, "session-validity", sess, "time allowed to answer each challenge, 3m to 15m (env "+envSession+")")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

// run starts the pool and serves until ctx ends.
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) error {
	f, err := parseFlags(args, lookup, stderr)
	if err != nil {
		return err
	}
	web := f.web
	if web == "" {
		if fi, err := os.Stat(defaultWebDir); err == nil && fi.IsDir() {
			web = defaultWebDir
		}
	} else if fi, err := os.Stat(web); err != nil || !fi.IsDir() {
		return fmt.Errorf("--web %s is not a directory", web)
	}
	var creds *localpool.AdminCredentials
	if f.adminCreds != "" {
		id, secret, ok := strings.Cut(f.adminCreds, ":")
		if !ok || id == "" || secret == "" {
			return errors.New("--admin-credentials must be ACCESS_KEY_ID:SECRET")
		}
		creds = &localpool.AdminCredentials{AccessKeyID: id, SecretAccessKey: secret}
	}
	if f.allowRemote {
		fmt.Fprintf(stderr, "localpool: WARNING: --allow-remote: listening on %s, other machines can reach this pool, which trusts its callers: keep it off untrusted networks\n", f.addr)
	}
	var invoker func(localpool.Invoker) (localpool.Invoker, error)
	if f.lambdaEndpoint != "" {
		invoker = func(localpool.Invoker) (localpool.Invoker, error) {
			return lambdaInvoker(ctx, f.lambdaEndpoint, f.lambdaFunction)
		}
	}

	pool, err := localpool.Start(localpool.StartOptions{
		Addr:             f.addr,
		AllowRemote:      f.allowRemote,
		PublicURL:        f.publicURL,
		CustomAttributes: f.customAttrs.values,
		AdminCredentials: creds,
		Env:              lookup,
		DataDir:          f.dataDir,
		InMemory:         f.inMemory,
		PoolID:           f.poolID,
		ClientID:         f.clientID,
		SessionTTL:       f.session,
		WebDir:           web,
		LogOutput:        stderr,
		SMSOutput:        stdout,
		Invoker:          invoker,
		BeforeServe: func(pool *localpool.Local) error {
			if err := pool.Server.WriteBanner(stdout); err != nil {
				return err
			}
			if f.lambdaEndpoint != "" {
				fmt.Fprintf(stdout, "triggers: Lambda function %s at %s (SMS are printed by the function)\n\n", f.lambdaFunction, f.lambdaEndpoint)
			}
			return nil
		},
	})
	if err != nil {
		return err
	}

	select {
	case err := <-pool.Err():
		pool.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return pool.Shutdown(shutdownCtx)
}

// lambdaInvoker returns an Invoker for function at endpoint. Without AWS
// credentials in the environment it signs with dummy ones, which sam local
// accepts.
func lambdaInvoker(ctx context.Context, endpoint, function string) (localpool.Invoker, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws config: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		awsCfg.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	}
	client := lambda.NewFromConfig(awsCfg, func(o *lambda.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
	})
	return localpool.NewLambdaInvoker(client, function)
}
