package triggers_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/triggers"
)

// ExampleHandler_Invoke runs the first DefineAuthChallenge of a sign-in: an
// empty session gets phonepass's code challenge.
func ExampleHandler_Invoke() {
	send := triggers.SenderFunc(func(ctx context.Context, phone, code, locale string) (int, error) {
		return 1, nil // deliver the code, e.g. with sms.NewSNS
	})
	cfg := triggers.DefaultConfig()
	// In the Lambda the secret comes from PHONEPASS_CODE_KEY (package config).
	cfg.Keys, _ = otp.NewKeys("an example secret of 32 characters or more", "")
	h, err := triggers.New(cfg, send, nil)
	if err != nil {
		panic(err)
	}
	event := `{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"us-east-1",
		"userPoolId":"us-east-1_Example1","userName":"0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11",
		"request":{"userAttributes":{"phone_number":"+447700900123","phone_number_verified":"true"},"session":[]},"response":{}}`
	out, err := h.Invoke(context.Background(), []byte(event))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(string(out[strings.Index(string(out), `"response"`):]))
	// Output:
	// "response":{"challengeName":"CUSTOM_CHALLENGE","issueTokens":false,"failAuthentication":false}}
}
