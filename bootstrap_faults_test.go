package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/internal/faultproxy"
	"github.com/phonepass/phonepass/internal/rie"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// TestBootstrapFaults drives the compiled function under the emulator with
// SNS and DynamoDB in moto, each behind its own fault proxy, one fault at a
// time. Each scenario asserts: the trigger answers within 4.5 s; at most
// one SMS, and none when the function reports failure; a send that SNS did
// not take counts nowhere (the pool's counters add up to the sends that may
// have gone); a text with no answer goes on as a challenge that says so;
// the client's error has no internals; no log line has a code or the full
// number.
func TestBootstrapFaults(t *testing.T) {
	s := newStack(t)
	snsProxy, dbProxy := startProxy(t, s.moto), startProxy(t, s.moto)
	f, table := s.deploy(t, "AWS_ENDPOINT_URL_SNS="+snsProxy.URL(), "AWS_ENDPOINT_URL_DYNAMODB="+dbProxy.URL())

	const failed = "[send_failed] could not send the code"
	tests := []struct {
		name      string
		sns, db   []faultproxy.Fault
		wantErr   string // "" for a challenge
		wantSMS   int
		uncertain bool
		counted   bool // the send stays on the counters
	}{
		{"sns late", []faultproxy.Fault{{Service: "sns", Delay: 300 * time.Millisecond}}, nil, "", 1, false, true},
		{"sns 500", []faultproxy.Fault{{Service: "sns", Status: 500, Code: "InternalFailure"}}, nil, failed, 0, false, false},
		{"sns throttling", []faultproxy.Fault{{Service: "sns", Status: 400, Code: "Throttling"}}, nil, failed, 0, false, false},
		{"sns refuses connections", []faultproxy.Fault{{Refuse: true}}, nil, failed, 0, false, false},
		{"sns 500 once, then takes it", []faultproxy.Fault{{Service: "sns", Nth: 1, Status: 500, Code: "InternalFailure"}}, nil, "", 1, false, true},
		{"sns takes it, reply lost", []faultproxy.Fault{{Service: "sns", ResetAfter: true}}, nil, "", 1, true, true},
		{"sns reset after the request, not taken", []faultproxy.Fault{{Service: "sns", ResetBefore: true}}, nil, "", 0, true, true},
		{"sns stalled", []faultproxy.Fault{{Service: "sns", Stall: true}}, nil, "", 0, true, true},
		{"dynamodb 500", nil, []faultproxy.Fault{{Service: "dynamodb", Status: 500, Code: "InternalServerError"}}, failed, 0, false, false},
		{"dynamodb throttled", nil, []faultproxy.Fault{{Service: "dynamodb", Status: 400, Code: "ThrottlingException"}}, failed, 0, false, false},
		{"dynamodb slow", nil, []faultproxy.Fault{{Service: "dynamodb", Delay: 150 * time.Millisecond}}, "", 1, false, true},
		{"dynamodb stalled", nil, []faultproxy.Fault{{Service: "dynamodb", Stall: true}}, failed, 0, false, false},
		{"dynamodb reset", nil, []faultproxy.Fault{{Service: "dynamodb", ResetBefore: true}}, failed, 0, false, false},
		// SNS refuses, and the give-back (the second write) fails: the user
		// still gets the clear error, nothing is sent, and the send stays
		// counted (the log says why).
		{"sns 500, give-back fails", []faultproxy.Fault{{Service: "sns", Status: 500, Code: "InternalFailure"}},
			giveBackFails(), failed, 0, false, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phone := "+447400123" + strconv.Itoa(300+i)
			testenv.ResetMoto(t, s.moto) // clears the SMS, and the table
			testenv.CreateTable(t, s.db, table, ratelimit.AttrKey, ratelimit.AttrExpiresAt)
			if err := snsProxy.Set(tt.sns...); err != nil {
				t.Fatal(err)
			}
			if err := dbProxy.Set(tt.db...); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond) // a Refuse closes idle connections
			before := f.f.Output().Len()
			start := time.Now()
			out, ferr := f.create(phone, "true", false)
			took := time.Since(start)
			snsProxy.Set()
			dbProxy.Set()

			if took > 4500*time.Millisecond {
				t.Errorf("took %s, want within 4.5 s", took)
			}
			switch {
			case tt.wantErr != "" && errMessage(ferr) != tt.wantErr:
				t.Errorf("got %s, want %q", errMessage(ferr), tt.wantErr)
			case tt.wantErr == "" && ferr != nil:
				t.Errorf("got %s, want a challenge", errMessage(ferr))
			case tt.wantErr == "" && out.Response.PublicChallengeParameters[triggers.ParamDeliveryUncertain] != strconv.FormatBool(tt.uncertain):
				t.Errorf("%s: got %q, want %v", triggers.ParamDeliveryUncertain, out.Response.PublicChallengeParameters[triggers.ParamDeliveryUncertain], tt.uncertain)
			}
			if ferr != nil && (strings.Contains(strings.ToLower(ferr.ErrorMessage), "dynamodb") || strings.Contains(ferr.ErrorMessage, "http") || strings.Contains(ferr.ErrorMessage, "127.0.0.1")) {
				t.Errorf("the client's error has internals: %s", ferr.ErrorMessage)
			}
			sms := f.sms(phone)
			if len(sms) != tt.wantSMS {
				t.Errorf("got %d SMS, want %d", len(sms), tt.wantSMS)
			}
			wantCount := 0
			if tt.counted {
				wantCount = 1
			}
			if got := poolSends(t, f, table); got != wantCount {
				t.Errorf("the pool's counters: got %d sends, want %d", got, wantCount)
			}
			logs := f.f.Output().Since(before)
			for _, m := range sms {
				if code := strings.TrimFunc(m, func(r rune) bool { return r < '0' || r > '9' }); code != "" && strings.Contains(logs, code) {
					t.Errorf("a log line holds the code %s", code)
				}
			}
			if strings.Contains(logs, phone) || strings.Contains(logs, phone[1:]) {
				t.Errorf("a log line holds the number %s", phone)
			}
			if tt.name == "sns 500, give-back fails" && !strings.Contains(logs, "give back the send") {
				t.Errorf("the log does not say the give-back failed:\n%s", logs)
			}
		})
	}
	t.Run("verify when dynamodb fails", func(t *testing.T) {
		phone := "+447400123999"
		testenv.ResetMoto(t, s.moto)
		testenv.CreateTable(t, s.db, table, ratelimit.AttrKey, ratelimit.AttrExpiresAt)
		out, ferr := f.create(phone, "true", false)
		if ferr != nil {
			t.Fatal(errMessage(ferr))
		}
		for _, fault := range []faultproxy.Fault{{Service: "dynamodb", Status: 500, Code: "InternalServerError"}, {Service: "dynamodb", Stall: true}} {
			dbProxy.Set(fault)
			start := time.Now()
			v, verr := f.verify(phone, out, f.lastCode(phone))
			dbProxy.Set()
			if took := time.Since(start); took > 4500*time.Millisecond {
				t.Errorf("%s: took %s, want within 4.5 s", fault, took)
			}
			if verr == nil || !strings.HasPrefix(verr.ErrorMessage, "[check_failed]") || v.Response.AnswerCorrect {
				t.Errorf("%s: got %s (correct %v), want [check_failed] and no verdict", fault, errMessage(verr), v.Response.AnswerCorrect)
			}
		}
	})
}

// startProxy starts a fault proxy in front of upstream for the test.
func startProxy(t *testing.T, upstream string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(upstream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// giveBackFails fails every TransactWriteItems after the first (the take),
// the SDK's retries of the give-back included.
func giveBackFails() []faultproxy.Fault {
	var fs []faultproxy.Fault
	for n := 2; n <= 8; n++ {
		fs = append(fs, faultproxy.Fault{Service: "dynamodb", Action: "TransactWriteItems", Nth: n, Status: 500, Code: "InternalServerError"})
	}
	return fs
}

// poolSends adds up the pool's counters: the sends that may have gone.
func poolSends(t *testing.T, f *fn, table string) int {
	t.Helper()
	n := 0
	for _, it := range f.scan(t, table) {
		if !strings.HasPrefix(it[ratelimit.AttrKey].(*dbtypes.AttributeValueMemberS).Value, "pool#") {
			continue
		}
		if v, ok := it[ratelimit.AttrCount].(*dbtypes.AttributeValueMemberN); ok {
			c, _ := strconv.Atoi(v.Value)
			n += c
		}
	}
	return n
}

// TestCriticalPathCalls counts, through the proxies, the AWS calls each
// trigger makes one after another: CreateAuthChallenge one DynamoDB round
// trip and one SNS Publish, Verify one DynamoDB round trip for a wrong and
// for a right answer.
func TestCriticalPathCalls(t *testing.T) {
	s := newStack(t)
	snsProxy, dbProxy := startProxy(t, s.moto), startProxy(t, s.moto)
	f, _ := s.deploy(t, "AWS_ENDPOINT_URL_SNS="+snsProxy.URL(), "AWS_ENDPOINT_URL_DYNAMODB="+dbProxy.URL())
	phone := "+447400123777"
	calls := func(t *testing.T, what string, want []string, run func()) {
		t.Helper()
		snsProxy.ResetCalls()
		dbProxy.ResetCalls()
		run()
		var got []string
		for _, c := range append(dbProxy.Calls(), snsProxy.Calls()...) {
			got = append(got, c.Service+" "+c.Action)
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("%s: got calls %v, want %v", what, got, want)
		}
	}
	var out events.CognitoEventUserPoolsCreateAuthChallenge
	calls(t, "create", []string{"dynamodb TransactWriteItems", "sns Publish"}, func() {
		var ferr *rie.FunctionError
		if out, ferr = f.create(phone, "true", false); ferr != nil {
			t.Fatal(errMessage(ferr))
		}
	})
	calls(t, "wrong answer", []string{"dynamodb UpdateItem"}, func() {
		if _, ferr := f.verify(phone, out, "000000x"); ferr != nil {
			t.Fatal(errMessage(ferr))
		}
	})
	calls(t, "right answer", []string{"dynamodb TransactWriteItems"}, func() {
		if v, ferr := f.verify(phone, out, f.lastCode(phone)); ferr != nil || !v.Response.AnswerCorrect {
			t.Fatalf("got %s (correct %v), want the right answer", errMessage(ferr), v.Response.AnswerCorrect)
		}
	})
}
