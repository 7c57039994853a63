package sampleevents

import (
	"fmt"
	"regexp"
	"strings"
)

// DryRunSMS matches the line a dry run prints for one SMS in the default
// English message (sms.Writer): the number, then the code.
var DryRunSMS = regexp.MustCompile(`phonepass dry run: SMS to (\+[0-9]+): Your sign-in code is ([0-9]+)\.`)

// SMS is one dry-run SMS.
type SMS struct{ Phone, Code string }

// SentSMS returns the dry-run SMS printed in output, in order.
func SentSMS(output string) []SMS {
	var out []SMS
	for _, m := range DryRunSMS.FindAllStringSubmatch(output, -1) {
		out = append(out, SMS{Phone: m[1], Code: m[2]})
	}
	return out
}

// JSONLines returns the lines of output that are JSON objects: the
// function's log lines and metric lines, among what else a runner prints.
func JSONLines(output string) []string {
	var out []string
	for _, line := range strings.Split(output, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "{") {
			out = append(out, line)
		}
	}
	return out
}

// LeakProblems returns a sentence for each of lines that holds one of
// codes (as a number of its own), the sample code Code, or a sample phone
// number in full (with or without its + and country code).
func LeakProblems(lines []string, codes []string) []string {
	var ps []string
	for _, line := range lines {
		for _, code := range append(codes, Code) {
			if regexp.MustCompile(`(^|[^0-9])` + code + `([^0-9]|$)`).MatchString(line) {
				ps = append(ps, fmt.Sprintf("a log line holds the code %s: %s", code, line))
			}
		}
		for _, phone := range []string{Phone, UnknownPhone} {
			if strings.Contains(line, phone[1:]) || strings.Contains(line, phone[3:]) {
				ps = append(ps, fmt.Sprintf("a log line holds the full phone number %s: %s", phone, line))
			}
		}
	}
	return ps
}
