package awsenv

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Environment variables read by Load and Endpoint.
const (
	EnvRegion        = "AWS_REGION"
	EnvDefaultRegion = "AWS_DEFAULT_REGION"
	EnvAccessKeyID   = "AWS_ACCESS_KEY_ID"
	EnvSecretKey     = "AWS_SECRET_ACCESS_KEY"
	EnvSessionToken  = "AWS_SESSION_TOKEN"
	EnvEndpointURL   = "AWS_ENDPOINT_URL"
)

// Load returns an aws.Config with the region and static credentials read
// through lookup and HTTPClient's client, or an error naming the variable
// that is missing.
func Load(lookup func(string) (string, bool)) (aws.Config, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	region := get(EnvRegion)
	if region == "" {
		region = get(EnvDefaultRegion)
	}
	if region == "" {
		return aws.Config{}, fmt.Errorf("%s is not set", EnvRegion)
	}
	key, secret := get(EnvAccessKeyID), get(EnvSecretKey)
	switch {
	case key == "":
		return aws.Config{}, fmt.Errorf("%s is not set", EnvAccessKeyID)
	case secret == "":
		return aws.Config{}, fmt.Errorf("%s is not set", EnvSecretKey)
	}
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, get(EnvSessionToken)),
		HTTPClient:  HTTPClient(nil),
	}, nil
}

// errEndpoint is wrapped by Endpoint's errors.
var errEndpoint = errors.New("endpoint URL must be http:// or https:// with a host")

// Endpoint returns the endpoint override for service ("SNS", "DYNAMODB"):
// AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else nil.
func Endpoint(lookup func(string) (string, bool), service string) (*string, error) {
	for _, k := range []string{EnvEndpointURL + "_" + strings.ToUpper(service), EnvEndpointURL} {
		v, _ := lookup(k)
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s: %w", k, errEndpoint)
		}
		return &v, nil
	}
	return nil, nil
}
