package deploy

import (
	"errors"
	"fmt"
	"maps"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/phonepass/phonepass/otp"
)

// maxEnvironmentBytes is Lambda's limit on a function's environment: the
// names and values of all its variables together may not pass 4 KB.
const maxEnvironmentBytes = 4096

// Worst cases of values that no parameter bounds, in bytes.
const (
	// worstNumber bounds a Number parameter's text as CloudFormation passes
	// it on: a float64 written out takes at most 24 characters.
	worstNumber = 24
	// worstTableName is the longest DynamoDB table name, which
	// CloudFormation makes up from the stack's name.
	worstTableName = 255
	// worstUTF8 is the most bytes one character takes in UTF-8.
	worstUTF8 = 4
	// worstLocalOnly is the longest value `sam local invoke --env-vars`
	// gives a local-only variable ("false").
	worstLocalOnly = len("false")
)

// checkEnvironmentSize adds up the function's environment at its worst:
// every parameter at its longest (a character outside ASCII is 4 bytes
// unless the pattern admits ASCII only), the table's name at 255, each key
// at otp.MaxKeyLength. A parameter that nothing bounds is an error: its
// value could fill the 4 KB alone and fail the deployment.
func checkEnvironmentSize(c *cfnTemplate) error {
	env, err := environment(c)
	if err != nil {
		return err
	}
	total := 0
	var errs []error
	for name := range env {
		total += len(name)
	}
	for _, name := range slices.Sorted(maps.Keys(localOnly)) {
		total += len(name) + worstLocalOnly
	}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		b := env[name]
		switch {
		case b.secret != "":
			total += otp.MaxKeyLength
		case b.resource != "":
			total += worstTableName
		default:
			n, err := worstBytes(c.Parameters[b.param])
			if err != nil {
				errs = append(errs, fmt.Errorf("%s (parameter %s): %w", name, b.param, err))
			}
			total += n + len(b.format) - len("${"+b.param+"}")
		}
	}
	if total > maxEnvironmentBytes {
		errs = append(errs, fmt.Errorf("the function's environment can reach %d bytes, more than Lambda's %d: shorten a MaxLength", total, maxEnvironmentBytes))
	}
	return errors.Join(errs...)
}

// worstBytes is the most bytes a value of p can take.
func worstBytes(p cfnParameter) (int, error) {
	if len(p.AllowedValues) > 0 {
		n := 0
		for _, v := range p.AllowedValues {
			s, _ := scalar(v)
			n = max(n, len(s))
		}
		return n, nil
	}
	if p.Type == "Number" {
		return worstNumber, nil
	}
	chars, ok := number(p.MaxLength)
	var re *syntax.Regexp
	if p.AllowedPattern != "" {
		var err error
		if re, err = syntax.Parse(p.AllowedPattern, syntax.Perl); err != nil {
			return 0, fmt.Errorf("AllowedPattern: %w", err)
		}
		if n, bounded := maxMatch(re); bounded && (!ok || float64(n) < chars) {
			chars, ok = float64(n), true
		}
	}
	if !ok {
		return 0, errors.New("no MaxLength, AllowedValues or bounded AllowedPattern bounds it")
	}
	if re != nil && asciiNode(re) {
		return int(chars), nil
	}
	return int(chars) * worstUTF8, nil
}

// maxMatch returns the most characters a match of re can have, and false
// if nothing bounds it.
func maxMatch(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune), true
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, true
	case syntax.OpStar, syntax.OpPlus:
		return 0, false
	case syntax.OpCapture, syntax.OpQuest:
		return maxMatch(re.Sub[0])
	case syntax.OpRepeat:
		n, ok := maxMatch(re.Sub[0])
		return n * re.Max, ok && re.Max >= 0
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, sub := range re.Sub {
			n, ok := maxMatch(sub)
			if !ok {
				return 0, false
			}
			if re.Op == syntax.OpConcat {
				total += n
			} else {
				total = max(total, n)
			}
		}
		return total, true
	}
	return 0, true // empty matches and anchors
}

// asciiNode reports whether every string re matches is ASCII.
func asciiNode(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && strings.ContainsAny(string(re.Rune), "kKsS") {
			return false // K and S fold to the Kelvin and long-s signs
		}
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return false
			}
		}
	case syntax.OpCharClass:
		for i := 1; i < len(re.Rune); i += 2 {
			if re.Rune[i] >= utf8.RuneSelf {
				return false
			}
		}
	}
	for _, sub := range re.Sub {
		if !asciiNode(sub) {
			return false
		}
	}
	return true
}
