package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/phonepass/phonepass/config"
	"github.com/phonepass/phonepass/internal/rie"
	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// TestBootstrapAttacks drives the compiled function as it runs deployed (no
// dry run): SNS and DynamoDB are moto, the code key comes from the
// environment as the template hands it over. Each subtest is an attack that
// today's rules must stop.
func TestBootstrapAttacks(t *testing.T) {
	deployed := newStack(t).deploy

	t.Run("an unverified number gets no code", func(t *testing.T) {
		f, _ := deployed(t)
		const phone = "+447400123201"
		_, err := f.create(phone, "false", false)
		if err == nil || err.ErrorMessage != "[user_not_found] user not found" {
			t.Errorf("got %v, want \"[user_not_found] user not found\", as for an unknown number", err)
		}
		if got := f.sms(phone); len(got) != 0 {
			t.Errorf("got %d SMS to the unverified number, want none", len(got))
		}
	})

	t.Run("a leaked digest gives no code away", func(t *testing.T) {
		f, _ := deployed(t)
		const phone = "+447400123202"
		out, err := f.create(phone, "true", false)
		if err != nil {
			t.Fatal(err)
		}
		code := f.lastCode(phone)
		d, perr := otp.ParseDigest(out.Response.PrivateChallengeParameters["digest"])
		if perr != nil {
			t.Fatal(perr)
		}
		right, _ := otp.NewKeys(testCodeKey, "")
		other, _ := otp.NewKeys("an attacker's guess at the key, 32+ characters", "")
		now := time.Now()
		if !right.Matches(d, testUserName, code, now, time.Minute) {
			t.Fatal("the code from the SMS does not match under the function's key")
		}
		for i := 0; i < 1000000; i += 997 {
			if other.Matches(d, testUserName, fmt.Sprintf("%06d", i), now, time.Minute) {
				t.Fatalf("code %06d matched under another key", i)
			}
		}
		if strings.Contains(out.Response.ChallengeMetadata, code) || strings.Contains(f.f.Output().String(), code) {
			t.Error("the code appears in the challenge metadata or the log")
		}
	})

	t.Run("guessing across sign-ins meets a cool-off, then unlock", func(t *testing.T) {
		f, name := deployed(t)
		const phone = "+447400123203"
		var refusedAt int
		wrong := 0
		for signIn := 1; signIn <= 4 && refusedAt == 0; signIn++ {
			out, err := f.create(phone, "true", false)
			if err != nil {
				t.Fatalf("sign-in %d: %v", signIn, err)
			}
			for a := 0; a < 3; a++ {
				_, lerr := f.verify(phone, out, "000000")
				if lerr != nil {
					refusedAt = wrong + 1
					if !strings.HasPrefix(lerr.ErrorMessage, "[cooling_off] too many wrong codes for this phone number; try again in 15 minutes") {
						t.Fatalf("answer %d: got %v, want the cool-off", wrong+1, lerr)
					}
					break
				}
				wrong++
			}
		}
		if refusedAt != ratelimit.DefaultCoolOffEvery+1 {
			t.Fatalf("got the first refusal at answer %d, want %d", refusedAt, ratelimit.DefaultCoolOffEvery+1)
		}
		sent := len(f.sms(phone))
		if _, err := f.create(phone, "true", false); err == nil || !strings.HasPrefix(err.ErrorMessage, "[cooling_off] too many wrong codes") || len(f.sms(phone)) != sent {
			t.Errorf("a new sign-in in the cool-off: got %v and %d new SMS, want the cool-off and none", err, len(f.sms(phone))-sent)
		}
		f.checkTable(t, name, phone)

		resp, lerr, err := f.f.Invoke(context.Background(), []byte(`{"triggerSource":"`+triggers.SourceAdminUnlock+`","phone":"`+phone+`"}`))
		if err != nil || lerr != nil || !strings.Contains(string(resp), `"unlocked":true`) {
			t.Fatalf("unlock: got %s, %v, %v", resp, lerr, err)
		}
		if _, err := f.create(phone, "true", false); err != nil || len(f.sms(phone)) != sent+1 {
			t.Errorf("after unlock: got %v, want a code sent", err)
		}
	})

	t.Run("hidden mode: an unknown number looks and counts like a known one", func(t *testing.T) {
		f, _ := deployed(t, config.EnvHideUnknownUsers+"=true")
		const known, unknown = "+447400123204", "+447400123205"
		var errs [2][]string
		var params [2]map[string]string
		for i, phone := range []string{known, unknown} {
			for n := 0; n <= ratelimit.DefaultPerPhoneLimit; n++ {
				out, err := f.create(phone, "true", phone == unknown)
				errs[i] = append(errs[i], errMessage(err))
				if n == 0 {
					params[i] = out.Response.PublicChallengeParameters
				}
			}
		}
		// The waits may differ by the seconds between the two runs.
		for i := range errs {
			for n, e := range errs[i] {
				errs[i][n] = regexp.MustCompile(`in \d+ (second|minute|hour)s?`).ReplaceAllString(e, "in N")
			}
		}
		if !slices.Equal(errs[0], errs[1]) || errs[1][ratelimit.DefaultPerPhoneLimit] == "<nil>" {
			t.Errorf("got %q for the unknown number, want the same as %q for the known one, refused at the sixth", errs[1], errs[0])
		}
		if !slices.Equal(slices.Sorted(maps.Keys(params[0])), slices.Sorted(maps.Keys(params[1]))) {
			t.Errorf("public parameters: got %v, want the keys of %v", params[1], params[0])
		}
		if len(f.sms(unknown)) != 0 || len(f.sms(known)) != ratelimit.DefaultPerPhoneLimit {
			t.Errorf("got %d SMS to the unknown number and %d to the known, want 0 and %d", len(f.sms(unknown)), len(f.sms(known)), ratelimit.DefaultPerPhoneLimit)
		}
	})

	// A client may sign in with the UUID-form USERNAME an earlier challenge
	// gave it; for an unknown user Cognito passes that name on as it is.
	t.Run("hidden mode: an unknown UUID-form name gets a challenge, not a number error", func(t *testing.T) {
		f, _ := deployed(t, config.EnvHideUnknownUsers+"=true")
		const name = "5a0d3c2b-1e4f-4a6b-9c8d-7e6f5a4b3c2d"
		out, err := f.create(name, "true", true)
		if err != nil {
			t.Fatalf("got %v, want a challenge as a known user's UUID name gets", err)
		}
		known, kerr := f.create("+447400123206", "true", false)
		if kerr != nil {
			t.Fatal(kerr)
		}
		got, want := out.Response.PublicChallengeParameters, known.Response.PublicChallengeParameters
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) || len(got[triggers.ParamPhone]) != len(want[triggers.ParamPhone]) {
			t.Errorf("public parameters: got %v, want the form of %v", got, want)
		}
		if len(f.sms(name)) != 0 || len(f.sms("+447400123206")) != 1 {
			t.Errorf("got %d SMS to the name and %d to the known number, want 0 and 1", len(f.sms(name)), len(f.sms("+447400123206")))
		}
	})

	t.Run("numbers that cannot take a text get no SMS", func(t *testing.T) {
		f, _ := deployed(t)
		for _, c := range []struct{ name, phone, want string }{
			{"German mobile", "+4915123456700", "<nil>"},
			{"London landline", "+442079460000", "[cannot_text] this number cannot receive text messages"},
			{"US toll-free", "+18005551234", "[cannot_text] this number cannot receive text messages"},
			{"US premium rate", "+19005551234", "[cannot_text] this number cannot receive text messages"},
			{"fictional UK number", "+447700900123", "[number_invalid] not a valid phone number for GB (+44): the range is kept for fiction"},
		} {
			up := events.CognitoEventUserPoolsPreSignup{CognitoEventUserPoolsHeader: events.CognitoEventUserPoolsHeader{
				Version: "1", TriggerSource: triggers.SourcePreSignUp, Region: "us-east-1", UserPoolID: "us-east-1_Example1", UserName: testUserName,
			}}
			up.Request.UserAttributes = map[string]string{"phone_number": c.phone}
			var upOut events.CognitoEventUserPoolsPreSignup
			if got := errMessage(f.invoke(up, &upOut)); got != c.want {
				t.Errorf("%s: PreSignUp: got %s, want %s", c.name, got, c.want)
			}
			_, err := f.create(c.phone, "true", false)
			if got := errMessage(err); got != c.want {
				t.Errorf("%s: CreateAuthChallenge: got %s, want %s", c.name, got, c.want)
			}
			if n := len(f.sms(c.phone)); (n == 1) != (c.want == "<nil>") {
				t.Errorf("%s: got %d SMS, want one only for the mobile", c.name, n)
			}
		}
	})

	t.Run("the pool ceiling says so and spends no number's allowance", func(t *testing.T) {
		// Stay inside one minute's window.
		if s := time.Now().Second(); s > 50 {
			time.Sleep(time.Duration(61-s) * time.Second)
		}
		f, name := deployed(t, config.EnvRateLimitPoolPerMinute+"=2")
		phones := []string{"+447400123206", "+447400123207", "+447400123208"}
		for i, phone := range phones {
			_, err := f.create(phone, "true", false)
			switch {
			case i < 2 && err != nil:
				t.Fatalf("%s: %v", phone, err)
			case i == 2 && (err == nil || !strings.HasPrefix(err.ErrorMessage, "[pool_limited] sign-in codes are temporarily unavailable; try again in ")):
				t.Fatalf("third number: got %v, want the pool's ceiling", err)
			}
		}
		spent := 0
		for _, it := range f.scan(t, name) {
			if key := it[ratelimit.AttrKey].(*dbtypes.AttributeValueMemberS).Value; strings.HasPrefix(key, "phone#") {
				if n, ok := it[ratelimit.AttrCount].(*dbtypes.AttributeValueMemberN); ok && n.Value != "0" {
					spent++
				}
			}
		}
		if spent != 2 {
			t.Errorf("got %d numbers with a send counted, want 2: the refused number's send must be given back", spent)
		}
	})
}

// testUserName is the username of the events fn makes for known users.
const testUserName = "0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11"

// stack is the compiled function with moto behind it, as deployed (no dry
// run): SNS and DynamoDB are moto, the code key comes from the environment.
type stack struct {
	bin, moto string
	db        *dynamodb.Client
	tables    int
}

func newStack(t *testing.T) *stack {
	bin := testenv.BuildBootstrap(t)
	moto := testenv.StartMoto(t)
	return &stack{bin: bin, moto: moto, db: testenv.DynamoDB(t, moto, sampleevents.Region)}
}

// deploy starts the function with its own fresh table and settings, and
// returns it with the table's name.
func (s *stack) deploy(t *testing.T, settings ...string) (*fn, string) {
	t.Helper()
	s.tables++
	name := fmt.Sprintf("phonepass-limits-%d", s.tables)
	testenv.CreateTable(t, s.db, name, ratelimit.AttrKey, ratelimit.AttrExpiresAt)
	env := lambdaEnv(append([]string{
		"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_ENDPOINT_URL_SNS=" + s.moto, "AWS_ENDPOINT_URL_DYNAMODB=" + s.moto,
		config.EnvCodeKey + "=" + testCodeKey, config.EnvRateLimitTable + "=" + name,
	}, settings...)...)
	return &fn{t: t, f: startFunction(t, s.bin, env), moto: s.moto}, name
}

// fn is a running function with moto behind it.
type fn struct {
	t    *testing.T
	f    *rie.Function
	moto string
}

// create runs a first-round CreateAuthChallenge for phone: a known user's
// with phone_number_verified as given, or an unknown number's.
func (f *fn) create(phone, verified string, unknown bool) (events.CognitoEventUserPoolsCreateAuthChallenge, *rie.FunctionError) {
	f.t.Helper()
	return f.createWith(phone, verified, unknown, nil)
}

// createWith is create with more user attributes, such as a locale.
func (f *fn) createWith(phone, verified string, unknown bool, more map[string]string) (events.CognitoEventUserPoolsCreateAuthChallenge, *rie.FunctionError) {
	f.t.Helper()
	ev := events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: events.CognitoEventUserPoolsHeader{
			Version: "1", TriggerSource: triggers.SourceCreateAuthChallenge, Region: "us-east-1",
			UserPoolID: "us-east-1_Example1", UserName: testUserName,
		},
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: map[string]string{"phone_number": phone, "phone_number_verified": verified},
			ChallengeName:  triggers.ChallengeName,
			Session:        []*events.CognitoEventUserPoolsChallengeResult{},
		},
	}
	maps.Copy(ev.Request.UserAttributes, more)
	if unknown {
		ev.UserName, ev.Request.UserAttributes, ev.Request.UserNotFound = phone, map[string]string{}, true
	}
	var out events.CognitoEventUserPoolsCreateAuthChallenge
	return out, f.invoke(ev, &out)
}

// verify answers the challenge of create's answer out.
func (f *fn) verify(phone string, out events.CognitoEventUserPoolsCreateAuthChallenge, answer string) (events.CognitoEventUserPoolsVerifyAuthChallenge, *rie.FunctionError) {
	f.t.Helper()
	ev := events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: out.CognitoEventUserPoolsHeader,
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
			UserAttributes:             out.Request.UserAttributes,
			PrivateChallengeParameters: out.Response.PrivateChallengeParameters,
			ChallengeAnswer:            answer,
			UserNotFound:               out.Request.UserNotFound,
		},
	}
	ev.TriggerSource = triggers.SourceVerifyChallengeAnswer
	var res events.CognitoEventUserPoolsVerifyAuthChallenge
	return res, f.invoke(ev, &res)
}

// invoke sends ev and decodes the answer into out, or returns the Lambda error.
func (f *fn) invoke(ev, out any) *rie.FunctionError {
	f.t.Helper()
	in, err := json.Marshal(ev)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, lerr, err := f.f.Invoke(ctx, in)
	if err != nil {
		f.t.Fatalf("invoke: %v", err)
	}
	if lerr != nil {
		return lerr
	}
	if err := json.Unmarshal(resp, out); err != nil {
		f.t.Fatalf("answer %s: %v", resp, err)
	}
	return nil
}

// sms returns the messages moto has recorded for phone.
func (f *fn) sms(phone string) []string {
	var out []string
	for _, m := range testenv.MotoSMS(f.t, f.moto) {
		if m.Phone == phone {
			out = append(out, m.Message)
		}
	}
	return out
}

// lastCode returns the code of the last SMS to phone.
func (f *fn) lastCode(phone string) string {
	f.t.Helper()
	msgs := f.sms(phone)
	if len(msgs) == 0 {
		f.t.Fatalf("no SMS to %s", phone)
	}
	last := testenv.SMS{Phone: phone, Message: msgs[len(msgs)-1]}
	code, ok := last.Code()
	if !ok {
		f.t.Fatalf("no code in %q", last.Message)
	}
	return code
}

// scan returns every item of table.
func (f *fn) scan(t *testing.T, table string) []map[string]dbtypes.AttributeValue {
	t.Helper()
	out, err := testenv.DynamoDB(t, f.moto, sampleevents.Region).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Items
}

// checkTable: the limiter's table holds a wrong-answer record, and nothing
// in it gives the phone number away.
func (f *fn) checkTable(t *testing.T, table, phone string) {
	t.Helper()
	guesses := 0
	for _, it := range f.scan(t, table) {
		b, _ := json.Marshal(it)
		if strings.Contains(string(b), phone[1:]) || strings.Contains(string(b), phone[4:]) {
			t.Errorf("item %s holds the phone number", b)
		}
		if strings.HasPrefix(it[ratelimit.AttrKey].(*dbtypes.AttributeValueMemberS).Value, "guess#") {
			guesses++
		}
	}
	if guesses != 1 {
		t.Errorf("got %d wrong-answer records, want 1", guesses)
	}
}

func errMessage(err *rie.FunctionError) string {
	if err == nil {
		return "<nil>"
	}
	return err.ErrorMessage
}
