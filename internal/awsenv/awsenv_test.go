package awsenv

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func lookup(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestLoad(t *testing.T) {
	full := map[string]string{EnvRegion: "eu-west-2", EnvAccessKeyID: "AKIDEXAMPLE", EnvSecretKey: "secret", EnvSessionToken: "token"}
	tests := []struct {
		name    string
		env     map[string]string
		region  string
		wantErr string
	}{
		{"lambda environment", full, "eu-west-2", ""},
		{"default region", map[string]string{EnvDefaultRegion: "us-east-2", EnvAccessKeyID: "a", EnvSecretKey: "b"}, "us-east-2", ""},
		{"no region", map[string]string{EnvAccessKeyID: "a", EnvSecretKey: "b"}, "", "AWS_REGION is not set"},
		{"no key", map[string]string{EnvRegion: "eu-west-2", EnvSecretKey: "b"}, "", "AWS_ACCESS_KEY_ID is not set"},
		{"no secret", map[string]string{EnvRegion: "eu-west-2", EnvAccessKeyID: "a"}, "", "AWS_SECRET_ACCESS_KEY is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(lookup(tt.env))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != tt.region {
				t.Errorf("got region %q, want %q", cfg.Region, tt.region)
			}
			creds, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != tt.env[EnvAccessKeyID] || creds.SecretAccessKey != tt.env[EnvSecretKey] || creds.SessionToken != tt.env[EnvSessionToken] {
				t.Errorf("got credentials %+v, want those of the environment", creds)
			}
			if _, ok := cfg.HTTPClient.(bodyHider); !ok {
				t.Errorf("got HTTP client %T, want HTTPClient's", cfg.HTTPClient)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
		err  bool
	}{
		{"none", nil, "", false},
		{"service", map[string]string{"AWS_ENDPOINT_URL_SNS": "http://127.0.0.1:5000"}, "http://127.0.0.1:5000", false},
		{"global", map[string]string{EnvEndpointURL: "https://local.example"}, "https://local.example", false},
		{"service wins", map[string]string{EnvEndpointURL: "http://a:1", "AWS_ENDPOINT_URL_SNS": "http://b:2"}, "http://b:2", false},
		{"other service ignored", map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://b:2"}, "", false},
		{"not a URL", map[string]string{"AWS_ENDPOINT_URL_SNS": "127.0.0.1:5000"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Endpoint(lookup(tt.env), "sns")
			if tt.err {
				if !errors.Is(err, errEndpoint) || !strings.HasPrefix(err.Error(), "AWS_ENDPOINT_URL_SNS: ") {
					t.Errorf("got %v, want an error naming AWS_ENDPOINT_URL_SNS", err)
				}
				return
			}
			if err != nil || aws.ToString(got) != tt.want {
				t.Errorf("got %q, %v; want %q", aws.ToString(got), err, tt.want)
			}
		})
	}
}
