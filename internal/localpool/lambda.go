package localpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// LambdaAPI is the part of aws-sdk-go-v2's *lambda.Client that LambdaInvoker uses.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// LambdaInvoker runs the triggers in a Lambda function through the Lambda
// Invoke API, such as the one `sam local start-lambda` serves.
type LambdaInvoker struct {
	client   LambdaAPI
	function string
}

// NewLambdaInvoker returns an Invoker that invokes function with client.
func NewLambdaInvoker(client LambdaAPI, function string) (*LambdaInvoker, error) {
	if client == nil {
		return nil, errors.New("lambda client is nil")
	}
	if function == "" {
		return nil, errors.New("lambda function name is empty")
	}
	return &LambdaInvoker{client: client, function: function}, nil
}

// functionError is the payload of a function that returned an error.
type functionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// Invoke sends payload to the function synchronously. The function's own
// error comes back as an error with its message; a failure to invoke it at
// all as an *InvokeError.
func (l *LambdaInvoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := l.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(l.function), Payload: payload})
	if err != nil {
		return nil, &InvokeError{Err: fmt.Errorf("invoke %s: %w", l.function, err)}
	}
	if out.FunctionError != nil {
		var fe functionError
		if json.Unmarshal(out.Payload, &fe) != nil || fe.ErrorMessage == "" {
			return nil, &InvokeError{Err: fmt.Errorf("function %s failed (%s) without an error message", l.function, aws.ToString(out.FunctionError))}
		}
		return nil, errors.New(fe.ErrorMessage)
	}
	return out.Payload, nil
}
