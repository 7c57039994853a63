package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/phonepass/phonepass/internal/testenv"
	"github.com/phonepass/phonepass/internal/venv"
)

// templatePath is template.yaml seen from this package's directory, where go test runs.
const templatePath = "../template.yaml"

// installPython says how to get the Python tools the tests run.
const installPython = venv.Install

// cfnTemplate is the part of a CloudFormation template that the checks read.
type cfnTemplate struct {
	Parameters map[string]cfnParameter `json:"Parameters"`
	Rules      map[string]cfnRule      `json:"Rules"`
	Conditions map[string]any          `json:"Conditions"`
	Resources  map[string]cfnResource  `json:"Resources"`
	Outputs    map[string]cfnOutput    `json:"Outputs"`
	// Transforms is the source template's Transform list, in order (the
	// transformed template has none).
	Transforms []string `json:"-"`
}

// cfnRule is a template rule: when RuleCondition holds (or is absent),
// every Assert must hold, or CloudFormation refuses the parameter values.
type cfnRule struct {
	RuleCondition any `json:"RuleCondition"`
	Assertions    []struct {
		Assert any `json:"Assert"`
	} `json:"Assertions"`
}

// cfnParameter is a template parameter. Numbers may arrive as JSON numbers
// or strings, so they are kept as any and read with scalar.
type cfnParameter struct {
	Type           string `json:"Type"`
	Default        any    `json:"Default"`
	AllowedValues  []any  `json:"AllowedValues"`
	AllowedPattern string `json:"AllowedPattern"`
	MinLength      any    `json:"MinLength"`
	MaxLength      any    `json:"MaxLength"`
	MinValue       any    `json:"MinValue"`
	MaxValue       any    `json:"MaxValue"`
}

// cfnResource is a template resource.
type cfnResource struct {
	Type                string         `json:"Type"`
	Condition           string         `json:"Condition"`
	DeletionPolicy      any            `json:"DeletionPolicy"`
	UpdateReplacePolicy any            `json:"UpdateReplacePolicy"`
	Properties          map[string]any `json:"Properties"`
	Metadata            map[string]any `json:"Metadata"`
}

// cfnOutput is a template output.
type cfnOutput struct {
	Value any `json:"Value"`
}

// missingError says that a tool the tests need is not installed.
type missingError struct{ what string }

func (e *missingError) Error() string { return e.what + " is not available" }

// transformFiles runs transform.py on the given SAM templates, all in one
// Python process, and returns the CloudFormation templates in order. A
// template the translator refuses is an error naming it.
func transformFiles(paths ...string) ([]*cfnTemplate, error) {
	py, err := venv.Bin("python")
	if err != nil {
		return nil, &missingError{"the project's virtual environment (" + err.Error() + ")"}
	}
	if err := exec.Command(py, "-c", "import samtranslator, yaml").Run(); err != nil {
		return nil, &missingError{"aws-sam-translator (Python module samtranslator)"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{"transform.py"}, paths...)...)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("transform.py: %w: %s", err, stderr.String())
	}
	var results []struct {
		Template   *cfnTemplate `json:"template"`
		Transforms []string     `json:"transforms"`
		Error      string       `json:"error"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		return nil, fmt.Errorf("transform.py output: %w", err)
	}
	if len(results) != len(paths) {
		return nil, fmt.Errorf("transform.py: got %d results, want %d", len(results), len(paths))
	}
	docs := make([]*cfnTemplate, len(paths))
	for i, r := range results {
		if r.Error != "" || r.Template == nil {
			return nil, fmt.Errorf("transform %s: got error %q, want a template", paths[i], r.Error)
		}
		r.Template.Transforms = r.Transforms
		docs[i] = r.Template
	}
	return docs, nil
}

// lintFindings runs cfn-lint once on all paths and returns its findings
// (parseable format, one line each) by path.
func lintFindings(t testing.TB, paths ...string) map[string][]string {
	t.Helper()
	bin := testenv.VenvBin(t, "cfn-lint")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--format", "parseable", "--"}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("cfn-lint: %v: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("cfn-lint stderr: %s", stderr.String())
	}
	found := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		matched := false
		for _, p := range paths {
			if strings.HasPrefix(line, p+":") {
				found[p] = append(found[p], line)
				matched = true
			}
		}
		if !matched {
			t.Fatalf("cfn-lint: unexpected output line %q", line)
		}
	}
	if err != nil && len(found) == 0 {
		t.Fatalf("cfn-lint failed without findings: %v: %s", err, stderr.String())
	}
	return found
}

// loaded is the real template and each mutation's broken copy, transformed
// once for all tests.
type loaded struct {
	real    *cfnTemplate
	mutated map[string]*cfnTemplate
}

var (
	loadOnce sync.Once
	loadDone *loaded
	loadErr  error
)

// load transforms template.yaml and every mutation of it in one run and
// returns the result, shared by all tests of the package.
func load(t *testing.T) *loaded {
	t.Helper()
	loadOnce.Do(func() { loadDone, loadErr = loadAll() })
	var missing *missingError
	if errors.As(loadErr, &missing) {
		testenv.Missing(t, missing.what, installPython)
	}
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loadDone
}

func loadAll() (*loaded, error) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	dir, err := os.MkdirTemp("", "phonepass-deploy-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	paths := []string{templatePath}
	for i, m := range mutations {
		broken, err := m.edit(string(src))
		if err != nil {
			return nil, fmt.Errorf("mutation %q: %w", m.name, err)
		}
		p := filepath.Join(dir, fmt.Sprintf("mutation-%02d.yaml", i))
		if err := os.WriteFile(p, []byte(broken), 0o600); err != nil {
			return nil, fmt.Errorf("write mutation: %w", err)
		}
		paths = append(paths, p)
	}
	docs, err := transformFiles(paths...)
	if err != nil {
		return nil, err
	}
	l := &loaded{real: docs[0], mutated: map[string]*cfnTemplate{}}
	for i, m := range mutations {
		l.mutated[m.name] = docs[i+1]
	}
	return l, nil
}

// replaceOnce replaces old by new in s and fails unless old occurs exactly
// once, so that a mutation cannot silently stop applying.
func replaceOnce(s, old, new string) (string, error) {
	if n := strings.Count(s, old); n != 1 {
		return "", fmt.Errorf("%q occurs %d times, want once", old, n)
	}
	return strings.Replace(s, old, new, 1), nil
}

// removeResource deletes the resource logicalID (its key line up to the next
// key at the same indentation) from the YAML text of a template.
func removeResource(s, logicalID string) (string, error) {
	lines := strings.SplitAfter(s, "\n")
	start := slices.Index(lines, "  "+logicalID+":\n")
	if start < 0 {
		return "", fmt.Errorf("resource %s not found", logicalID)
	}
	end := start + 1
	for end < len(lines) && (strings.HasPrefix(lines[end], "   ") || strings.TrimSpace(lines[end]) == "" || strings.HasPrefix(lines[end], "  #")) {
		end++
	}
	return strings.Join(slices.Delete(lines, start, end), ""), nil
}

// scalar returns v as CloudFormation sees a scalar: strings as they are,
// numbers without exponent, booleans as true or false.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// number reads v as a number, from a JSON number or a numeric string.
func number(v any) (float64, bool) {
	s, ok := scalar(v)
	if !ok || !cfnNumber.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// cfnNumber is the form of a Number parameter value assumed here: decimal,
// optionally signed, without exponent.
var cfnNumber = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// accepts reports why CloudFormation would refuse v for p, or nil if it
// takes it. AllowedPattern must match the whole value, as in CloudFormation;
// it must also be valid RE2 syntax so that it can be evaluated here.
func (p cfnParameter) accepts(v string) error {
	switch p.Type {
	case "String":
	case "Number":
		f, ok := number(v)
		if !ok {
			return fmt.Errorf("%q is not a number", v)
		}
		if lo, ok := number(p.MinValue); ok && f < lo {
			return fmt.Errorf("%s is below MinValue %s", v, fmtNum(lo))
		}
		if hi, ok := number(p.MaxValue); ok && f > hi {
			return fmt.Errorf("%s is above MaxValue %s", v, fmtNum(hi))
		}
	default:
		return fmt.Errorf("parameter type %q is not checked here", p.Type)
	}
	if len(p.AllowedValues) > 0 && !slices.ContainsFunc(p.AllowedValues, func(a any) bool { s, _ := scalar(a); return s == v }) {
		return fmt.Errorf("%q is not an allowed value", v)
	}
	n := float64(utf8.RuneCountInString(v))
	if lo, ok := number(p.MinLength); ok && n < lo {
		return fmt.Errorf("%q is shorter than MinLength %s", v, fmtNum(lo))
	}
	if hi, ok := number(p.MaxLength); ok && n > hi {
		return fmt.Errorf("%q is longer than MaxLength %s", v, fmtNum(hi))
	}
	if p.AllowedPattern != "" {
		re, err := regexp.Compile(`^(?:` + p.AllowedPattern + `)$`)
		if err != nil {
			return fmt.Errorf("AllowedPattern %q: %w", p.AllowedPattern, err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("%q does not match AllowedPattern %q", v, p.AllowedPattern)
		}
	}
	return nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ref returns the logical name in {"Ref": name}.
func ref(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m["Ref"].(string)
	return s, ok
}

// getAtt returns the resource and attribute of {"Fn::GetAtt": [resource, attribute]}.
func getAtt(v any) (resource, attribute string, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", "", false
	}
	switch a := m["Fn::GetAtt"].(type) {
	case []any:
		if len(a) == 2 {
			r, ok1 := a[0].(string)
			at, ok2 := a[1].(string)
			return r, at, ok1 && ok2
		}
	case string:
		r, at, found := strings.Cut(a, ".")
		return r, at, found
	}
	return "", "", false
}

// isArnOf reports whether v is {"Fn::GetAtt": [logicalID, "Arn"]}.
func isArnOf(v any, logicalID string) bool {
	r, a, ok := getAtt(v)
	return ok && r == logicalID && a == "Arn"
}

// sub returns the string of {"Fn::Sub": string}.
func sub(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m["Fn::Sub"].(string)
	return s, ok
}

// ifBranches returns the condition and branches of {"Fn::If": [cond, a, b]}.
func ifBranches(v any) (cond string, a, b any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, nil, false
	}
	args, _ := m["Fn::If"].([]any)
	if len(args) != 3 {
		return "", nil, nil, false
	}
	cond, ok = args[0].(string)
	return cond, args[1], args[2], ok
}

// expandIf returns the values v may take: both branches of each Fn::If,
// recursively, without AWS::NoValue. Checks use it to hold every branch to
// the same rules.
func expandIf(v any) []any {
	if _, a, b, ok := ifBranches(v); ok {
		return append(expandIf(a), expandIf(b)...)
	}
	if r, ok := ref(v); ok && r == "AWS::NoValue" {
		return nil
	}
	return []any{v}
}

// subVars matches the ${Name} references of an Fn::Sub string.
var subVars = regexp.MustCompile(`\$\{([^}!]+)\}`)

// stringList reads a JSON array of strings, or a single string, as a list.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// ofType returns the logical IDs of the resources of type typ, sorted.
func (c *cfnTemplate) ofType(typ string) []string {
	var ids []string
	for id, r := range c.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// only returns the one resource of type typ, or an error if there is not exactly one.
func (c *cfnTemplate) only(typ string) (string, cfnResource, error) {
	ids := c.ofType(typ)
	if len(ids) != 1 {
		return "", cfnResource{}, fmt.Errorf("got %d resources of type %s %v, want 1", len(ids), typ, ids)
	}
	return ids[0], c.Resources[ids[0]], nil
}

// param returns the value of parameter name: from params if given there,
// else its default.
func (c *cfnTemplate) param(name string, params map[string]string) (string, error) {
	if v, ok := params[name]; ok {
		return v, nil
	}
	p, ok := c.Parameters[name]
	if !ok {
		return "", fmt.Errorf("no parameter %s", name)
	}
	v, ok := scalar(p.Default)
	if !ok {
		return "", fmt.Errorf("parameter %s has no default", name)
	}
	return v, nil
}

// evalScalar evaluates a literal or a Ref to a parameter, as in conditions and rules.
func (c *cfnTemplate) evalScalar(v any, params map[string]string) (string, error) {
	if name, ok := ref(v); ok {
		return c.param(name, params)
	}
	if s, ok := scalar(v); ok {
		return s, nil
	}
	return "", fmt.Errorf("cannot evaluate %v", v)
}

// evalBool evaluates a condition or rule expression for the parameter
// values params (defaults for the others). It knows Fn::Equals, Fn::Not,
// Fn::And, Fn::Or, Fn::Contains and Condition, which is all the template uses.
func (c *cfnTemplate) evalBool(expr any, params map[string]string) (bool, error) {
	m, ok := expr.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("cannot evaluate %v", expr)
	}
	if name, ok := m["Condition"].(string); ok {
		cond, ok := c.Conditions[name]
		if !ok {
			return false, fmt.Errorf("no condition %s", name)
		}
		return c.evalBool(cond, params)
	}
	for fn, raw := range m {
		args, _ := raw.([]any)
		switch fn {
		case "Fn::Equals":
			if len(args) != 2 {
				break
			}
			a, err := c.evalScalar(args[0], params)
			if err != nil {
				return false, err
			}
			b, err := c.evalScalar(args[1], params)
			return a == b, err
		case "Fn::Not":
			if len(args) != 1 {
				break
			}
			v, err := c.evalBool(args[0], params)
			return !v, err
		case "Fn::And", "Fn::Or":
			all := fn == "Fn::And"
			for _, a := range args {
				v, err := c.evalBool(a, params)
				if err != nil {
					return false, err
				}
				if v != all {
					return v, nil
				}
			}
			return all, nil
		case "Fn::Contains":
			list, _ := args[0].([]any)
			if len(args) != 2 || list == nil {
				break
			}
			v, err := c.evalScalar(args[1], params)
			if err != nil {
				return false, err
			}
			for _, e := range list {
				s, err := c.evalScalar(e, params)
				if err != nil {
					return false, err
				}
				if s == v {
					return true, nil
				}
			}
			return false, nil
		}
	}
	return false, fmt.Errorf("cannot evaluate %v", expr)
}

// rulesAllow reports whether the template's Rules accept the parameter
// values params (defaults for the others).
func (c *cfnTemplate) rulesAllow(params map[string]string) (bool, error) {
	for name, r := range c.Rules {
		if r.RuleCondition != nil {
			applies, err := c.evalBool(r.RuleCondition, params)
			if err != nil {
				return false, fmt.Errorf("rule %s: %w", name, err)
			}
			if !applies {
				continue
			}
		}
		for _, a := range r.Assertions {
			ok, err := c.evalBool(a.Assert, params)
			if err != nil {
				return false, fmt.Errorf("rule %s: %w", name, err)
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// resolve returns a property value as CloudFormation would see it for the
// parameter values params (defaults for the others): each Fn::If decided,
// each Ref to a parameter replaced by its value, AWS::NoValue left out
// (present false). Other intrinsic functions stay as they are.
func (c *cfnTemplate) resolve(v any, params map[string]string) (value any, present bool, err error) {
	if cond, a, b, ok := ifBranches(v); ok {
		yes, err := c.evalBool(map[string]any{"Condition": cond}, params)
		if err != nil {
			return nil, false, err
		}
		if yes {
			return c.resolve(a, params)
		}
		return c.resolve(b, params)
	}
	if name, ok := ref(v); ok {
		if name == "AWS::NoValue" {
			return nil, false, nil
		}
		if _, isParam := c.Parameters[name]; isParam {
			s, err := c.param(name, params)
			return s, true, err
		}
		return v, true, nil
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			r, ok, err := c.resolve(e, params)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out[k] = r
			}
		}
		return out, true, nil
	case []any:
		out := []any{}
		for _, e := range x {
			r, ok, err := c.resolve(e, params)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, r)
			}
		}
		return out, true, nil
	}
	return v, true, nil
}
