package sampleevents_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/phonepass/phonepass/internal/sampleevents"
	"github.com/phonepass/phonepass/otp"
	"github.com/phonepass/phonepass/triggers"
)

var update = flag.Bool("update", false, "rewrite events/*.json and testdata/roundtrip/*.json")

// eventsDir is the repository's events/ directory.
var eventsDir = filepath.Join("..", "..", "events")

// digestPattern finds encoded code digests.
var digestPattern = regexp.MustCompile(`v2\.(\d+)\.(\d+)\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})`)

func committed(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events in %s (%v)", eventsDir, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestCommittedEventsAreGenerated checks that events/ holds exactly what
// Generate makes at SampleTime, byte for byte; -update rewrites it.
func TestCommittedEventsAreGenerated(t *testing.T) {
	evs, err := sampleevents.Generate(sampleevents.SampleTime)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if *update {
		old, _ := filepath.Glob(filepath.Join(eventsDir, "*.json"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := sampleevents.Write(eventsDir, evs); err != nil {
			t.Fatal(err)
		}
	}
	files := committed(t)
	var want []string
	for _, e := range evs {
		want = append(want, e.File)
		got, ok := files[e.File]
		if !ok {
			t.Errorf("%s: missing from events/; run go test ./internal/sampleevents -update", e.File)
			continue
		}
		if !bytes.Equal(got, e.JSON) {
			t.Errorf("%s: differs from Generate(SampleTime); run go test ./internal/sampleevents -update\ngot:\n%s\nwant:\n%s", e.File, got, e.JSON)
		}
	}
	for f := range files {
		if !slices.Contains(want, f) {
			t.Errorf("events/%s: not made by Generate, want every sample event made there", f)
		}
	}
}

// TestCommittedDigestsAreOfCode checks that every digest in events/ is a
// real digest of Code, issued FirstSentBefore SampleTime.
func TestCommittedDigestsAreOfCode(t *testing.T) {
	issued := sampleevents.SampleTime.Add(-sampleevents.FirstSentBefore)
	n := 0
	for name, b := range committed(t) {
		for _, s := range digestPattern.FindAllString(string(b), -1) {
			n++
			d, err := otp.ParseDigest(s)
			if err != nil {
				t.Fatalf("%s: digest %q: %v", name, s, err)
			}
			if !d.IssuedAt.Equal(issued) {
				t.Errorf("%s: digest issued at %s, want %s", name, d.IssuedAt, issued)
			}
			keys := sampleevents.Keys()
			if !keys.Matches(d, sampleevents.Sub, sampleevents.Code, sampleevents.SampleTime, triggers.DefaultCodeTTL) {
				t.Errorf("%s: digest %q does not match code %s at the sample time", name, s, sampleevents.Code)
			}
			if keys.Matches(d, sampleevents.Sub, sampleevents.WrongCode, sampleevents.SampleTime, triggers.DefaultCodeTTL) {
				t.Errorf("%s: digest matches the wrong code %s", name, sampleevents.WrongCode)
			}
		}
	}
	if n < 8 {
		t.Errorf("found %d digests in events/, want at least 8", n)
	}
}

// TestGenerateNow checks that the events made at another time differ from
// the committed ones only where time matters, and that the time-dependent
// ones are marked.
func TestGenerateNow(t *testing.T) {
	at := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	later, err := sampleevents.Generate(at)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	sample, err := sampleevents.Generate(sampleevents.SampleTime)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	timed := map[string]bool{}
	for i, e := range later {
		if e.File != sample[i].File {
			t.Fatalf("event %d: got %s, want %s: the order must not depend on time", i, e.File, sample[i].File)
		}
		if e.TimeDependent {
			timed[e.File] = true
		}
		if e.About == "" {
			t.Errorf("%s: no description", e.File)
		}
		for _, s := range digestPattern.FindAllString(string(e.JSON), -1) {
			d, err := otp.ParseDigest(s)
			if err != nil {
				t.Fatalf("%s: digest %q: %v", e.File, s, err)
			}
			if want := at.Add(-sampleevents.FirstSentBefore); !d.IssuedAt.Equal(want) {
				t.Errorf("%s: digest issued at %s, want %s", e.File, d.IssuedAt, want)
			}
		}
	}
	want := map[string]bool{"create-retry.json": true, "verify-right.json": true, "verify-wrong.json": true}
	if !reflect.DeepEqual(timed, want) {
		t.Errorf("time-dependent events: got %v, want %v", timed, want)
	}
}

// typed returns a value of the aws-lambda-go type of a trigger source.
func typed(source string) any {
	switch {
	case strings.HasPrefix(source, "PreSignUp_"):
		return &events.CognitoEventUserPoolsPreSignup{}
	case source == triggers.SourceDefineAuthChallenge:
		return &events.CognitoEventUserPoolsDefineAuthChallenge{}
	case source == triggers.SourceCreateAuthChallenge:
		return &events.CognitoEventUserPoolsCreateAuthChallenge{}
	case source == triggers.SourceVerifyChallengeAnswer:
		return &events.CognitoEventUserPoolsVerifyAuthChallenge{}
	case strings.HasPrefix(source, "CustomMessage_"):
		return &events.CognitoEventUserPoolsCustomMessage{}
	case source == triggers.SourceAdminUnlock:
		// Not Cognito's: the administrator's own event.
		return &struct {
			TriggerSource string `json:"triggerSource"`
			Phone         string `json:"phone"`
		}{}
	}
	return nil
}

// TestRoundTrip decodes each event into its aws-lambda-go type and encodes
// it again: the result must match testdata/roundtrip (-update rewrites it)
// and keep every value of the event that is not null.
func TestRoundTrip(t *testing.T) {
	dir := filepath.Join("testdata", "roundtrip")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, in := range committed(t) {
		t.Run(name, func(t *testing.T) {
			var hd struct{ TriggerSource string }
			if err := json.Unmarshal(in, &hd); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			v := typed(hd.TriggerSource)
			if v == nil {
				t.Fatalf("no aws-lambda-go type for triggerSource %q", hd.TriggerSource)
			}
			dec := json.NewDecoder(bytes.NewReader(in))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("decode into %T: %v", v, err)
			}
			out, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			out = append(out, '\n')
			golden := filepath.Join(dir, name)
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run with -update to make it): %v", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("round trip through %T:\ngot:\n%s\nwant (%s):\n%s", v, out, golden, want)
			}
			var a, b any
			_ = json.Unmarshal(in, &a)
			_ = json.Unmarshal(out, &b)
			for _, p := range lost(a, b, "") {
				t.Errorf("%T drops %s of the event", v, p)
			}
		})
	}
}

// lost lists the paths of the non-null values of in that out does not carry.
func lost(in, out any, path string) []string {
	switch x := in.(type) {
	case nil:
		return nil
	case map[string]any:
		y, ok := out.(map[string]any)
		if !ok {
			return []string{path}
		}
		var ps []string
		for k, v := range x {
			ps = append(ps, lost(v, y[k], path+"."+k)...)
		}
		return ps
	case []any:
		y, ok := out.([]any)
		if !ok || len(y) != len(x) {
			return []string{path}
		}
		var ps []string
		for i := range x {
			ps = append(ps, lost(x[i], y[i], path+"["+string(rune('0'+i))+"]")...)
		}
		return ps
	default:
		if !reflect.DeepEqual(in, out) {
			return []string{path}
		}
		return nil
	}
}

func TestReadmeListsEveryEvent(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(eventsDir, "README.md"))
	if err != nil {
		t.Fatalf("read events/README.md: %v", err)
	}
	for name := range committed(t) {
		if !bytes.Contains(readme, []byte("`"+name+"`")) {
			t.Errorf("events/README.md does not mention `%s`", name)
		}
	}
}

// TestReadmeTableIsTheAnswers holds the table of events/README.md to
// Answers, which the tests of the function assert: each row's expected
// answer is its Answer's Expect, and every event has a row.
func TestReadmeTableIsTheAnswers(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(eventsDir, "README.md"))
	if err != nil {
		t.Fatalf("read events/README.md: %v", err)
	}
	rows := map[string]string{}
	row := regexp.MustCompile("^\\| `([a-z0-9-]+\\.json)` \\| [^|]+ \\| (.+) \\|$")
	for _, line := range strings.Split(string(readme), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			rows[m[1]] = m[2]
		}
	}
	for name := range committed(t) {
		a, ok := sampleevents.Answers[name]
		switch {
		case !ok:
			t.Errorf("Answers has no entry for events/%s", name)
		case rows[name] == "":
			t.Errorf("events/README.md's table has no row for %s", name)
		case rows[name] != a.Expect:
			t.Errorf("%s: the table says %q, Answers expects %q", name, rows[name], a.Expect)
		}
	}
	for name := range sampleevents.Answers {
		if _, ok := committed(t)[name]; !ok {
			t.Errorf("Answers lists %s, which is not in events/", name)
		}
	}
}
