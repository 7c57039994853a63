package triggers_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/triggers"
)

// TestPageKnowsEveryErrorCode reads the example page's table of error
// texts (examples/web/src/errors.js, through node) and checks that it has a
// sentence for exactly the codes of triggers.ErrorCodes: a code added or
// renamed on one side fails here.
func TestPageKnowsEveryErrorCode(t *testing.T) {
	node := testenv.LookPath(t, "node", "install Node.js 20+")
	page, err := filepath.Abs(filepath.Join("..", "examples", "web", "src", "errors.js"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	script := `import(process.argv[1]).then((m) => console.log(JSON.stringify(Object.keys(m.ERROR_TEXTS))))`
	out, err := exec.CommandContext(ctx, node, "--input-type=module", "-e", script, "file://"+page).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var pageCodes []string
	if err := json.Unmarshal(out, &pageCodes); err != nil {
		t.Fatalf("page codes %q: %v", out, err)
	}
	var goCodes []string
	for _, c := range triggers.ErrorCodes {
		goCodes = append(goCodes, string(c.Code))
	}
	slices.Sort(pageCodes)
	slices.Sort(goCodes)
	if !slices.Equal(pageCodes, goCodes) {
		t.Errorf("the page's ERROR_TEXTS has codes\n  %q\nwant triggers.ErrorCodes'\n  %q", pageCodes, goCodes)
	}
}

// TestErrorsCarryTheirCode: every user-facing error starts with its code in
// brackets, a code of the table, and the code is what Code returns.
func TestErrorsCarryTheirCode(t *testing.T) {
	f := newFixture(t, func(c *triggers.Config) { c.AllowedCountryCodes = []string{"1"} })
	known := map[triggers.ErrorCode]bool{}
	for _, c := range triggers.ErrorCodes {
		if known[c.Code] || c.Meaning == "" {
			t.Errorf("code %q repeated or without a meaning", c.Code)
		}
		known[c.Code] = true
	}
	for _, payload := range []string{
		`hello`,
		`{"triggerSource":"CustomMessage_SignUp"}`,
		`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{}}}`,
		`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"phone_number":"+447700900123"}}}`,
		`{"triggerSource":"DefineAuthChallenge_Authentication","request":{"userNotFound":true}}`,
	} {
		_, err := f.h.Invoke(context.Background(), []byte(payload))
		var ue *triggers.UserError
		if !errors.As(err, &ue) || !known[ue.Code()] || !strings.HasPrefix(err.Error(), "["+string(ue.Code())+"] ") {
			t.Errorf("%s: got %v, want a UserError starting with a known [code]", payload, err)
		}
	}
}

// TestDocsListEveryErrorCode: docs/clients.md has the table of codes, each
// with the meaning triggers.ErrorCodes gives it, and no other.
func TestDocsListEveryErrorCode(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "clients.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "| code | meaning |")
	if start < 0 {
		t.Fatal("docs/clients.md has no table headed | code | meaning |")
	}
	table, _, _ := strings.Cut(doc[start:], "\n\n")
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| (.*) \\|$").FindAllStringSubmatch(table, -1)
	got := map[string]string{}
	for _, r := range rows {
		got[r[1]] = r[2]
	}
	for _, c := range triggers.ErrorCodes {
		if got[string(c.Code)] != c.Meaning {
			t.Errorf("docs/clients.md: code %s: got %q, want %q", c.Code, got[string(c.Code)], c.Meaning)
		}
		delete(got, string(c.Code))
	}
	for code := range got {
		t.Errorf("docs/clients.md lists %s, which triggers.ErrorCodes lacks", code)
	}
}

// TestDocsListEveryOutcome: docs/operations.md's table of log outcomes has
// exactly the Outcome constants of outcome.go, with their comments.
func TestDocsListEveryOutcome(t *testing.T) {
	src, err := os.ReadFile("outcome.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+Outcome\w+\s+Outcome = "([a-z-]+)"\s+// (.*)$`).FindAllStringSubmatch(string(src), -1) {
		want[m[1]] = m[2]
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (.*) \\|$").FindAllStringSubmatch(string(doc), -1) {
		got[m[1]] = m[2]
	}
	if len(want) < 20 || !maps.Equal(got, want) {
		t.Errorf("docs/operations.md's outcomes:\n got %v\nwant %v (outcome.go)", got, want)
	}
}
