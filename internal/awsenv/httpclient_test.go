package awsenv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// earlyClosedBody is a request body as smithy-go makes one (see
// TestSmithyBodyWriteToAfterClose): after Close, WriteTo returns io.EOF.
// Its WriteTo first waits for Close, the order a loaded machine gave.
type earlyClosedBody struct {
	r      *strings.Reader
	once   sync.Once
	closed chan struct{}
}

func (b *earlyClosedBody) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *earlyClosedBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

func (b *earlyClosedBody) WriteTo(io.Writer) (int64, error) {
	select {
	case <-b.closed:
	case <-time.After(5 * time.Second):
	}
	return 0, io.EOF
}

// TestHTTPClientSurvivesAnEarlyClose sends a request to a server that
// answers as soon as the body is in, and closes the body once the response
// is in, as smithy-go does: net/http's last read of the body must not fail
// the write (which closes the connection under the response).
func TestHTTPClientSurvivesAnEarlyClose(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		client  aws.HTTPClient
		wantErr error
	}{
		{"the SDK's client alone", awshttp.NewBuildableClient(), io.EOF},
		{"HTTPClient", HTTPClient(nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrote := make(chan error, 1)
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				WroteRequest: func(i httptrace.WroteRequestInfo) { wrote <- i.Err },
			})
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			const payload = `{"TableName":"t"}`
			body := &earlyClosedBody{r: strings.NewReader(payload), closed: make(chan struct{})}
			req.Body, req.ContentLength = body, int64(len(payload))
			resp, err := tt.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body.Close() // as smithy-go does once the response is in
			select {
			case err := <-wrote:
				if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
					t.Errorf("got write error %v, want %v", err, tt.wantErr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the request was never written")
			}
		})
	}
}

// TestSmithyBodyWriteToAfterClose checks the smithy-go behaviour that
// HTTPClient is for: the body of a request it builds has a WriteTo that
// returns io.EOF once the body is closed. If this fails after an upgrade,
// smithy-go has changed and HTTPClient may no longer be needed.
func TestSmithyBodyWriteToAfterClose(t *testing.T) {
	r := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	r.Method, r.ContentLength = http.MethodPost, 2
	r, err := r.SetStream(bytes.NewReader([]byte("{}")))
	if err != nil {
		t.Fatal(err)
	}
	req := r.Build(context.Background())
	wt, ok := req.Body.(io.WriterTo)
	if !ok {
		t.Fatalf("got body %T with no WriteTo, want smithy-go's safe body with one", req.Body)
	}
	if err := req.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.WriteTo(io.Discard); err != io.EOF {
		t.Errorf("got WriteTo after Close %v, want io.EOF", err)
	}
}
