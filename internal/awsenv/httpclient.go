package awsenv

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HTTPClient returns c (nil means the SDK's default client) sending each
// request's body as a plain io.ReadCloser.
//
// smithy-go closes a request's body as soon as the response is in
// (aws/smithy-go#226), and from then on the body's WriteTo returns io.EOF.
// net/http reads a body once more after Content-Length bytes, to check that
// there are no more, and does it through WriteTo when the body has one: a
// server that answers as soon as the body is in can make that read return
// io.EOF, which net/http takes for a failed write, closing the connection
// under the response being read ("use of closed network connection", after
// DynamoDB may have applied the write). Through Read, io.EOF is the end it
// expects.
func HTTPClient(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return bodyHider{c}
}

// bodyHider is the client HTTPClient returns.
type bodyHider struct{ c aws.HTTPClient }

// Do sends req with its body as a readCloser.
func (h bodyHider) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = readCloser{req.Body}
	}
	return h.c.Do(req)
}

// readCloser shows only Read and Close of a request body.
type readCloser struct{ io.ReadCloser }
