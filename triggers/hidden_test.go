package triggers_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	phonerules "github.com/phonepass/phonepass/phone"
	"github.com/phonepass/phonepass/ratelimit"
	"github.com/phonepass/phonepass/triggers"
)

// TestCodesOnlyToVerifiedNumbers: a known user whose phone_number is not
// verified (or re-pointed, which unverifies it) gets no SMS, and the same
// answer as a number with no account.
func TestCodesOnlyToVerifiedNumbers(t *testing.T) {
	for _, verified := range []string{"false", "", "TRUE", "1"} {
		t.Run("verified="+verified, func(t *testing.T) {
			f := newFixture(t, nil)
			s := f.startSignIn(t)
			s.attrs["phone_number_verified"] = verified
			if verified == "" {
				delete(s.attrs, "phone_number_verified")
			}
			res, err := s.start()
			if res != resError || err == nil || err.Error() != "[user_not_found] user not found" || f.out.count() != 0 {
				t.Errorf("got %v, %v, %d SMS; want \"[user_not_found] user not found\" and none, as for an unknown number", res, err, f.out.count())
			}
			// Cognito may call Create even so: it sends nothing either.
			if _, err := s.create(nil); err == nil || f.out.count() != 0 {
				t.Errorf("create: got %v with %d SMS, want \"[user_not_found] user not found\" and none", err, f.out.count())
			}
		})
	}
	t.Run("hidden", func(t *testing.T) {
		f := newFixture(t, func(c *triggers.Config) { c.HideUnknownUsers = true })
		s := f.startSignIn(t)
		s.attrs["phone_number_verified"] = "false"
		mustStart(t, s)
		if f.out.count() != 0 {
			t.Fatalf("got %d SMS to an unverified number, want none", f.out.count())
		}
		var res result
		for _, a := range []string{"000000", "123456", "999999"} {
			res, _ = s.answer(a, nil)
		}
		if res != resFailed {
			t.Errorf("got %v, want failed", res)
		}
	})
}

// TestHiddenModeLooksTheSame: with HideUnknownUsers, a number with no
// account gets the same public challenge parameters and the same error at
// the same send as a number with one, and is counted by the same limits.
func TestHiddenModeLooksTheSame(t *testing.T) {
	const known, unknown = testPhone, "+447700900466"
	newLimited := func(t *testing.T) *fixture {
		lim, err := ratelimit.NewMemory(ratelimit.Policy{
			Sends:   ratelimit.DefaultRules(),
			Guesses: ratelimit.DefaultGuessRules(),
			Key:     testKeys.Derive("ratelimit"),
		})
		if err != nil {
			t.Fatal(err)
		}
		return newFixtureWith(t, func(c *triggers.Config) { c.HideUnknownUsers = true }, triggers.WithLimiter(lim))
	}
	signIn := func(f *fixture, phone string) *signIn {
		if phone == known {
			return f.startSignIn(t)
		}
		return f.startUnknown(t, phone)
	}
	form := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			if k == triggers.ParamPhone {
				v = v[len(v)-4:]
			}
			out[k] = v
		}
		return out
	}

	t.Run("public parameters", func(t *testing.T) {
		f := newLimited(t)
		k, u := signIn(f, known), signIn(f, unknown)
		mustStart(t, k)
		mustStart(t, u)
		if !slices.Equal(slices.Sorted(maps.Keys(k.public)), slices.Sorted(maps.Keys(u.public))) {
			t.Fatalf("got keys %v for an unknown number, want %v as for a known one", slices.Sorted(maps.Keys(u.public)), slices.Sorted(maps.Keys(k.public)))
		}
		kf, uf := form(k.public), form(u.public)
		kf[triggers.ParamPhone], uf[triggers.ParamPhone] = "", ""
		if !maps.Equal(kf, uf) || len(u.public[triggers.ParamPhone]) != len(k.public[triggers.ParamPhone]) {
			t.Errorf("got %v for an unknown number, want the same as %v", u.public, k.public)
		}
		if len(k.private["digest"]) != len(u.private["digest"]) || len(k.session[0].ChallengeMetadata) != len(u.session[0].ChallengeMetadata) {
			t.Errorf("got private %v / metadata %q, want the form of %v / %q", u.private, u.session[0].ChallengeMetadata, k.private, k.session[0].ChallengeMetadata)
		}
	})
	// A client may sign in again with the USERNAME an earlier challenge
	// gave it: a real user's is its UUID-form name, so an unknown name of
	// that form must look the same, not fail the number checks.
	t.Run("a name that is no number", func(t *testing.T) {
		f := newLimited(t)
		const name = "0b5c7e1a-6a43-4e0f-9d2a-2f1c1b7d9e11"
		k, u := signIn(f, known), f.startUnknown(t, name)
		mustStart(t, k)
		if _, err := u.start(); err != nil {
			t.Fatalf("an unknown UUID-form name: got %v, want a challenge as for a known user", err)
		}
		kf, uf := form(k.public), form(u.public)
		kf[triggers.ParamPhone], uf[triggers.ParamPhone] = "", ""
		if !maps.Equal(kf, uf) || len(u.public[triggers.ParamPhone]) != len(k.public[triggers.ParamPhone]) ||
			u.public[triggers.ParamPhone][:9] != k.public[triggers.ParamPhone][:9] {
			t.Errorf("got %v for an unknown name, want the form of %v", u.public, k.public)
		}
		again := f.startUnknown(t, name)
		mustStart(t, again)
		if again.public[triggers.ParamPhone] != u.public[triggers.ParamPhone] {
			t.Errorf("masked number: got %q then %q, want the same for the same name", u.public[triggers.ParamPhone], again.public[triggers.ParamPhone])
		}
		if f.out.count() != 1 {
			t.Errorf("got %d SMS, want the known user's only", f.out.count())
		}
		for _, a := range []string{"000000", "123456", "999999"} {
			if res, _ := u.answer(a, nil); res == resTokens {
				t.Fatalf("an unknown name signed in")
			}
		}
	})
	t.Run("send limit refuses both at the sixth sign-in", func(t *testing.T) {
		for _, phone := range []string{known, unknown} {
			f := newLimited(t)
			var errs []string
			for i := 0; i < ratelimit.DefaultPerPhoneLimit+1; i++ {
				_, err := signIn(f, phone).start()
				errs = append(errs, errString(err))
			}
			want := append(slices.Repeat([]string{"<nil>"}, ratelimit.DefaultPerPhoneLimit), "[rate_limited] too many codes requested for this phone number; try again in 15 minutes")
			if !slices.Equal(errs, want) {
				t.Errorf("%s: got %q, want %q", phone, errs, want)
			}
		}
	})
	t.Run("guess budget counts both", func(t *testing.T) {
		for _, phone := range []string{known, unknown} {
			f := newLimited(t)
			var last error
			for i := 0; i < 4 && last == nil; i++ {
				s := signIn(f, phone)
				mustStart(t, s)
				for a := 0; a < 3; a++ {
					ev := verifyEventFor(s, "000001")
					if last = invoke(t, f, &ev); last != nil {
						break
					}
					s.session[len(s.session)-1].ChallengeResult = false
					if res, _ := s.next(nil); res != resContinue {
						break
					}
				}
			}
			if errString(last) != "[cooling_off] too many wrong codes for this phone number; try again in 15 minutes" {
				t.Errorf("%s: after 10 wrong answers got %v, want the cool-off", phone, last)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// slowSender takes d to send, as SNS takes its time.
type slowSender struct{ d time.Duration }

func (s *slowSender) SendCode(ctx context.Context, _, _, _ string) (int, error) {
	select {
	case <-time.After(s.d):
		return 1, nil
	case <-ctx.Done():
		return 0, errors.New("cancelled")
	}
}

// TestHiddenModeTakesAsLong: with HideUnknownUsers, the challenge of a
// number with no account takes as long as a real send: at least the floor
// (200 ms), which a fast real send is padded to, so that even a new
// instance that has timed no send yet answers both alike, and after slower
// real sends as long as one of them. The pauses are recorded, not slept:
// a challenge's time is its own time plus the pauses it asked for.
func TestHiddenModeTakesAsLong(t *testing.T) {
	var mu sync.Mutex
	var paused time.Duration
	record := func(_ context.Context, d time.Duration) {
		mu.Lock()
		paused += d
		mu.Unlock()
	}
	const floor = 200 * time.Millisecond
	cfg := testConfig()
	cfg.HideUnknownUsers = true
	sender := &slowSender{d: 25 * time.Millisecond}
	h, err := triggers.New(cfg, sender, nil, triggers.WithPause(record))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{h: h, clock: newClock(), out: &outbox{}}
	took := func(s *signIn) time.Duration {
		mu.Lock()
		paused = 0
		mu.Unlock()
		start := time.Now()
		mustStart(t, s)
		mu.Lock()
		defer mu.Unlock()
		return time.Since(start) + paused
	}
	near := func(got, want time.Duration) bool { return got >= want && got < want+100*time.Millisecond }

	// A new instance: no send timed yet.
	if d := took(f.startUnknown(t, "+447700900466")); !near(d, floor) {
		t.Errorf("unknown number, before any send: took %s, want the floor %s", d, floor)
	}
	for i := 0; i < 3; i++ {
		if d := took(f.startSignIn(t)); !near(d, floor) {
			t.Errorf("known number, a 25ms send: took %s, want it padded to %s", d, floor)
		}
	}
	if d := took(f.startUnknown(t, "+447700900466")); !near(d, floor) {
		t.Errorf("unknown number after fast sends: took %s, want %s", d, floor)
	}
	// Slower real sends: the unknown number's pause follows them.
	sender.d = 300 * time.Millisecond
	f2h, err := triggers.New(cfg, sender, nil, triggers.WithPause(record))
	if err != nil {
		t.Fatal(err)
	}
	f2 := &fixture{h: f2h, clock: newClock(), out: &outbox{}}
	for i := 0; i < 3; i++ {
		if d := took(f2.startSignIn(t)); !near(d, sender.d) {
			t.Errorf("known number, a 300ms send: took %s, want about 300ms", d)
		}
	}
	if d := took(f2.startUnknown(t, "+447700900466")); !near(d, sender.d) {
		t.Errorf("unknown number after 300ms sends: took %s, want about 300ms", d)
	}
	// Without hidden mode nothing is padded.
	plain, err := triggers.New(testConfig(), &slowSender{d: 25 * time.Millisecond}, nil, triggers.WithPause(record))
	if err != nil {
		t.Fatal(err)
	}
	if d := took((&fixture{h: plain, clock: newClock(), out: &outbox{}}).startSignIn(t)); d >= floor {
		t.Errorf("without hidden mode: took %s, want the send's own time", d)
	}
}

// TestNumbersAsTheFieldKnowsThem: with a deployed function's rules, PreSignUp
// and CreateAuthChallenge refuse a number its country's metadata does not
// know, a fictional one, and line types that cannot take a text, with no SMS;
// a mobile passes. A dry run's rules let the fictional ranges through.
func TestNumbersAsTheFieldKnowsThem(t *testing.T) {
	deployed := func(c *triggers.Config) { c.AllowFictional = false }
	tests := []struct {
		name, number, want string
		mutate             func(*triggers.Config)
	}{
		{"German mobile", "+4915123456789", "", deployed},
		{"US fixed or mobile", "+12025551234", "", deployed},
		{"London landline", "+442079460000", "[cannot_text] this number cannot receive text messages", deployed},
		{"US toll-free", "+18005551234", "[cannot_text] this number cannot receive text messages", deployed},
		{"US premium rate", "+19005551234", "[cannot_text] this number cannot receive text messages", deployed},
		{"UK premium rate", "+448712345678", "[cannot_text] this number cannot receive text messages", deployed},
		{"not a US number", "+10000000000", "[number_invalid] not a valid phone number for US (+1)", deployed},
		{"not a German number", "+491511234567", "[number_invalid] not a valid phone number for DE (+49)", deployed},
		{"fictional UK number, deployed", "+447700900123", "[number_invalid] not a valid phone number for GB (+44): the range is kept for fiction", deployed},
		{"fictional US number, deployed", "+12065550100", "[number_invalid] not a valid phone number for US (+1): the range is kept for fiction", deployed},
		{"fictional UK number, dry run", "+447700900123", "", nil},
		{"landline accepted by configuration", "+442079460000", "", func(c *triggers.Config) {
			c.AllowFictional = false
			c.AcceptedLineTypes = append(c.AcceptedLineTypes, phonerules.LineFixed)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.mutate)
			up := events.CognitoEventUserPoolsPreSignup{CognitoEventUserPoolsHeader: header(triggers.SourcePreSignUp)}
			up.Request.UserAttributes = map[string]string{"phone_number": tt.number}
			if got := errString(invoke(t, f, &up)); got != errOr(tt.want) {
				t.Errorf("PreSignUp: got %s, want %s", got, errOr(tt.want))
			}
			s := f.startSignIn(t)
			s.attrs["phone_number"] = tt.number
			_, err := s.start()
			if got := errString(err); got != errOr(tt.want) {
				t.Errorf("CreateAuthChallenge: got %s, want %s", got, errOr(tt.want))
			}
			if sent := f.out.count(); (sent == 1) != (tt.want == "") {
				t.Errorf("got %d SMS, want one only for an accepted number", sent)
			}
		})
	}
}

func errOr(want string) string {
	if want == "" {
		return "<nil>"
	}
	return want
}
