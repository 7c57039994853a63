package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/internal/faultproxy"
	"github.com/phonepass/phonepass/internal/motoserver"
	"github.com/phonepass/phonepass/internal/runtimeapi"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// The steps of a sign-in that the production-path run times, in order.
const (
	StepCreate = "CreateAuthChallenge"
	StepWrong  = "VerifyAuthChallengeResponse, wrong answer"
	StepRight  = "VerifyAuthChallengeResponse, right answer"
)

// Steps lists the steps in the order a sign-in runs them.
var Steps = []string{StepCreate, StepWrong, StepRight}

// PathOptions says how to run the production path.
type PathOptions struct {
	// Bootstraps are the functions to run, built for this machine: today's
	// and, say, one built from an earlier commit to compare with.
	Bootstraps []string
	// Rounds is how many sign-ins of each bootstrap are timed with and as
	// many without the added latency, all in turn; two more rounds are run
	// first, not counted.
	Rounds int
	// Latency is what the proxy adds to every AWS call in the slow
	// sign-ins, such as 10 ms.
	Latency time.Duration
}

// PathStep is what the run measured of one step of one bootstrap.
type PathStep struct {
	// Step is one of Steps.
	Step string
	// Calls are the AWS calls the step made in the last timed sign-in with
	// latency, "service Action" in the order they arrived at the proxy.
	Calls []string
	// Critical is how many of Calls ran one after another: the most of them
	// of which none overlaps the next in time.
	Critical int
	// Fast and Slow are the step's invocation times without and with the
	// added latency; Slow.Min cannot be below Critical times the latency
	// if the latency was on the path.
	Fast, Slow Summary
	// FastNet and SlowNet are the same invocations' times with moto's own
	// time taken out: each call's time at the proxy but for the latency it
	// waited. moto's time varies by tens of milliseconds from one call to
	// the next (it evaluates DynamoDB's expressions in Python), far more
	// than a Region's service time; taken out, what is left is the
	// function's own work, the hops through the proxy, and the latency.
	FastNet, SlowNet Summary
}

// Added is the time the latency added to the step: the difference of the
// medians net of moto's own time.
func (s PathStep) Added() time.Duration { return s.SlowNet.P50 - s.FastNet.P50 }

// Moto is the median of moto's own time in the step's invocations.
func (s PathStep) Moto() time.Duration { return s.Fast.P50 - s.FastNet.P50 }

// PathResult is what RunCriticalPath measured.
type PathResult struct {
	// Version is moto's.
	Version string
	// Steps holds, for each of the options' Bootstraps, its steps in the
	// order of Steps.
	Steps [][]PathStep
}

// pathEnv is what the function gets beyond LambdaEnv: the proxy for both
// services, its own table, and a pool ceiling high enough for the run that
// keeps the pool counter in every send's transaction (0 would take it out).
func pathEnv(proxy, table string) []string {
	return append(LambdaEnv(),
		"AWS_ENDPOINT_URL_SNS="+proxy,
		"AWS_ENDPOINT_URL_DYNAMODB="+proxy,
		"PHONEPASS_RATE_LIMIT_TABLE="+table,
		"PHONEPASS_RATE_LIMIT_POOL_PER_MINUTE=6000",
	)
}

// RunCriticalPath runs complete sign-ins on each function of o.Bootstraps,
// as deployed: SNS and DynamoDB are moto's (one request at a time, as
// DynamoDB applies each write whole), behind a faultproxy that records every
// call; each function has its own table. Each round is, for each function in
// turn, two sign-ins on new numbers, one without and one with o.Latency added
// to every call; each sign-in is a CreateAuthChallenge, a wrong answer and
// the right one, the code read from what moto's SNS recorded. Every
// invocation must answer as the sign-in expects.
func RunCriticalPath(ctx context.Context, o PathOptions) (PathResult, error) {
	var res PathResult
	if o.Rounds < 1 || o.Latency <= 0 || len(o.Bootstraps) == 0 {
		return res, fmt.Errorf("production path: rounds %d, latency %s and bootstraps %d must be positive", o.Rounds, o.Latency, len(o.Bootstraps))
	}
	m, err := motoserver.Start(ctx, motoserver.Serial)
	if err != nil {
		return res, err
	}
	defer m.Close()
	res.Version = m.Version
	proxy, err := faultproxy.Start(m.URL)
	if err != nil {
		return res, err
	}
	defer proxy.Close()
	r := pathRun{proxy: proxy, moto: m.URL}
	var fns []*runtimeapi.Server
	for i, bin := range o.Bootstraps {
		table := fmt.Sprintf("phonepass-sends-%d", i)
		if err := motoserver.CreateTable(ctx, motoserver.DynamoDB(m.URL, "us-east-1"), table, ratelimit.AttrKey, ratelimit.AttrExpiresAt); err != nil {
			return res, err
		}
		srv, err := runtimeapi.New(runtimeapi.WithTimeout(10 * time.Second))
		if err != nil {
			return res, err
		}
		defer srv.Close()
		p, err := srv.Start(ctx, bin, pathEnv(proxy.URL(), table))
		if err != nil {
			return res, fmt.Errorf("%s: %w", bin, err)
		}
		defer p.Stop()
		fns = append(fns, srv)
	}

	// For each function, each step's invocation times and the same net of
	// moto's time, without and with the latency.
	type sample struct{ took, net [2]map[string][]time.Duration }
	samples := make([]sample, len(fns))
	last := make([]map[string][]faultproxy.Call, len(fns))
	for f := range fns {
		for k := range 2 {
			samples[f].took[k], samples[f].net[k] = make(map[string][]time.Duration), make(map[string][]time.Duration)
		}
		last[f] = make(map[string][]faultproxy.Call)
	}
	const warmup = 2
	for i := range warmup + o.Rounds {
		for f, srv := range fns {
			for k, latency := range []time.Duration{0, o.Latency} {
				proxy.Latency(latency)
				times, calls, err := r.signIn(ctx, srv, fmt.Sprintf("+4474001%05d", r.phones))
				if err != nil {
					return res, fmt.Errorf("%s: sign-in %d (latency %s): %w", o.Bootstraps[f], r.phones, latency, err)
				}
				if i < warmup {
					continue
				}
				if latency > 0 {
					maps.Copy(last[f], calls)
				}
				for _, s := range Steps {
					samples[f].took[k][s] = append(samples[f].took[k][s], times[s])
					samples[f].net[k][s] = append(samples[f].net[k][s], times[s]-upstream(calls[s]))
				}
			}
		}
	}
	proxy.Latency(0)
	for f := range fns {
		var steps []PathStep
		for _, s := range Steps {
			took, net := samples[f].took, samples[f].net
			st := PathStep{Step: s, Fast: Summarize(took[0][s]), Slow: Summarize(took[1][s]), FastNet: Summarize(net[0][s]), SlowNet: Summarize(net[1][s]),
				Critical: critical(last[f][s])}
			for _, c := range last[f][s] {
				st.Calls = append(st.Calls, c.Service+" "+c.Action)
			}
			steps = append(steps, st)
		}
		res.Steps = append(res.Steps, steps)
	}
	return res, nil
}

// upstream returns the time of calls at the proxy but for the latency each
// waited there: moto's own time and the proxy's forwarding.
func upstream(calls []faultproxy.Call) time.Duration {
	var d time.Duration
	for _, c := range calls {
		d += c.Duration - c.Waited
	}
	return d
}

// critical returns how many of calls ran one after another: the most calls
// of which each starts after the one before it has ended (picked greedily
// by end, which finds the most).
func critical(calls []faultproxy.Call) int {
	cs := slices.Clone(calls)
	end := func(c faultproxy.Call) time.Time { return c.Start.Add(c.Duration) }
	slices.SortFunc(cs, func(a, b faultproxy.Call) int { return end(a).Compare(end(b)) })
	n := 0
	var after time.Time
	for _, c := range cs {
		if n == 0 || !c.Start.Before(after) {
			n, after = n+1, end(c)
		}
	}
	return n
}

// pathRun is the state of one production-path run.
type pathRun struct {
	proxy  *faultproxy.Proxy
	moto   string
	phones int // numbers used so far
}

// signIn runs one sign-in of phone on the function srv serves and returns each step's invocation time
// and AWS calls.
func (r *pathRun) signIn(ctx context.Context, srv *runtimeapi.Server, phone string) (map[string]time.Duration, map[string][]faultproxy.Call, error) {
	r.phones++
	took := make(map[string]time.Duration)
	calls := make(map[string][]faultproxy.Call)
	step := func(name string, ev, out any) error {
		r.proxy.ResetCalls()
		in, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		start := time.Now()
		resp, lerr, err := srv.Invoke(ctx, in)
		took[name] = time.Since(start)
		calls[name] = r.proxy.Calls()
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", name, err)
		case lerr != nil:
			return fmt.Errorf("%s: %w", name, lerr)
		}
		if err := json.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("%s: answer %s: %w", name, resp, err)
		}
		return nil
	}

	create := events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: header(triggers.SourceCreateAuthChallenge, r.phones),
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: map[string]string{"phone_number": phone, "phone_number_verified": "true"},
			ChallengeName:  triggers.ChallengeName,
			Session:        []*events.CognitoEventUserPoolsChallengeResult{},
		},
	}
	var challenge events.CognitoEventUserPoolsCreateAuthChallenge
	if err := step(StepCreate, create, &challenge); err != nil {
		return nil, nil, err
	}
	if challenge.Response.PrivateChallengeParameters == nil {
		return nil, nil, fmt.Errorf("%s: no challenge in the answer", StepCreate)
	}
	sent, err := motoserver.SentSMS(ctx, r.moto)
	if err != nil {
		return nil, nil, err
	}
	code := ""
	for _, m := range sent {
		if c, ok := m.Code(); m.Phone == phone && ok {
			code = c
		}
	}
	if code == "" {
		return nil, nil, fmt.Errorf("%s: no SMS with a code to %s", StepCreate, phone)
	}
	for _, a := range []struct {
		step, answer string
		want         bool
	}{{StepWrong, wrongAnswer(code), false}, {StepRight, code, true}} {
		verify := events.CognitoEventUserPoolsVerifyAuthChallenge{
			CognitoEventUserPoolsHeader: header(triggers.SourceVerifyChallengeAnswer, r.phones),
			Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
				UserAttributes:             create.Request.UserAttributes,
				PrivateChallengeParameters: challenge.Response.PrivateChallengeParameters,
				ChallengeAnswer:            a.answer,
			},
		}
		var out events.CognitoEventUserPoolsVerifyAuthChallenge
		if err := step(a.step, verify, &out); err != nil {
			return nil, nil, err
		}
		if out.Response.AnswerCorrect != a.want {
			return nil, nil, fmt.Errorf("%s: got answerCorrect %v, want %v", a.step, out.Response.AnswerCorrect, a.want)
		}
	}
	return took, calls, nil
}

// wrongAnswer returns a code of the same length that is not code.
func wrongAnswer(code string) string {
	if strings.Repeat("0", len(code)) == code {
		return strings.Repeat("1", len(code))
	}
	return strings.Repeat("0", len(code))
}

// header is the envelope of a trigger event for the n-th user.
func header(source string, n int) events.CognitoEventUserPoolsHeader {
	return events.CognitoEventUserPoolsHeader{
		Version: "1", TriggerSource: source, Region: "us-east-1",
		UserPoolID: "us-east-1_Example1", UserName: fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
	}
}
