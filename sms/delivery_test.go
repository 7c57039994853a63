package sms

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// snsFault is a stand-in SNS endpoint that answers every Publish with one
// behaviour, and counts the requests that reached it.
func snsFault(t *testing.T, behave func(w http.ResponseWriter, r *http.Request)) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		behave(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func snsError(status int, code string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		w.Write([]byte(`<ErrorResponse><Error><Type>Receiver</Type><Code>` + code + `</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>`))
	}
}

// reset reads the whole request, then closes the connection with a TCP
// reset instead of answering: the client wrote it all, and cannot know
// whether it was taken.
func reset(w http.ResponseWriter, r *http.Request) {
	io.ReadAll(r.Body)
	c, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	c.(*net.TCPConn).SetLinger(0)
	c.Close()
}

// TestSendCodeFaults: the real SDK client against endpoints that fail one
// way each. A send that SNS did not take is tried once more when a later
// try may succeed and reports "not taken"; a send that went out with no
// answer is never repeated and reports "uncertain"; the SDK repeats
// nothing itself.
func TestSendCodeFaults(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return "http://" + l.Addr().String()
	}
	tests := []struct {
		name          string
		behave        func(http.ResponseWriter, *http.Request)
		refused       bool // nothing listens
		wantRequests  int64
		wantUncertain bool
	}{
		{"server error, tried again", snsError(500, "InternalError"), false, 2, false},
		{"throttled, tried again", snsError(400, "Throttling"), false, 2, false},
		{"refused for a bad number, not again", snsError(400, "InvalidParameter"), false, 1, false},
		{"connection refused, tried again", nil, true, 0, false},
		{"reset after the request went out", reset, false, 1, true},
		{"no answer before the timeout", func(http.ResponseWriter, *http.Request) { time.Sleep(600 * time.Millisecond) }, false, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, n := "", &atomic.Int64{}
			if tt.refused {
				url = closed()
			} else {
				url, n = snsFault(t, tt.behave)
			}
			client := sns.New(sns.Options{
				Region:       "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider("x", "y", ""),
				BaseEndpoint: aws.String(url),
			})
			s, err := NewSNS(client, SNSConfig{Messages: mustMessages(t, Settings{AppName: "Acme"}), Timeout: 400 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = s.SendCode(context.Background(), "+447700900123", "123456", "")
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SendError", err)
			}
			if se.Uncertain() != tt.wantUncertain {
				t.Errorf("uncertain: got %v, want %v (%v)", se.Uncertain(), tt.wantUncertain, err)
			}
			if got := n.Load(); got != tt.wantRequests {
				t.Errorf("got %d requests, want %d", got, tt.wantRequests)
			}
			if took := time.Since(start); took > 550*time.Millisecond {
				t.Errorf("took %s, want within the 400 ms timeout", took)
			}
		})
	}
}
