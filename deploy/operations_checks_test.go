package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/phonepass/phonepass/metrics"
)

// The checks of what the stack gives an operator: the web ACL in front of
// the user pool, the alarms and the dashboard (docs/operations.md). They
// are in the checks list of checks_test.go, with the others.

// sampleWebACLArn is a regional web ACL's ARN, as the WAF console shows it.
const sampleWebACLArn = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/phonepass-shared/a1b2c3d4-5678-90ab-cdef-0123456789ab"

// ipReputation is the AWS managed rule group of addresses known for bots
// and fraud.
const ipReputation = "AWSManagedRulesAmazonIpReputationList"

// present reports whether resource id exists for the parameter values params.
func (c *cfnTemplate) present(id string, params map[string]string) (bool, error) {
	r, ok := c.Resources[id]
	if !ok {
		return false, nil
	}
	if r.Condition == "" {
		return true, nil
	}
	return c.evalBool(map[string]any{"Condition": r.Condition}, params)
}

// checkWebACL: WebACLMode none (the default) makes no web ACL and no
// association; create makes a REGIONAL web ACL that blocks each client IP
// past WebACLRateLimit requests, with the AWS IP reputation list unless
// WebACLIpReputation is false, and associates it with the user pool;
// existing associates the web ACL ExistingWebACLArn, which rules require
// exactly in that mode.
func checkWebACL(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	assocID, assoc, err := c.only("AWS::WAFv2::WebACLAssociation")
	if err != nil {
		return err
	}
	acls := c.ofType("AWS::WAFv2::WebACL")
	if len(acls) != 1 {
		return fmt.Errorf("got web ACLs %v, want one (for WebACLMode create)", acls)
	}
	aclID := acls[0]
	var errs []error
	if err := wantChoice(c, map[string]any{"Ref": "WebACLMode"}, "WebACLMode", "none", "create", "existing"); err != nil {
		errs = append(errs, err)
	}
	if !isArnOf(assoc.Properties["ResourceArn"], poolID) {
		errs = append(errs, fmt.Errorf("%s.ResourceArn: got %v, want the ARN of %s", assocID, assoc.Properties["ResourceArn"], poolID))
	}
	scenarios := []struct {
		params         map[string]string
		acl, assoc     bool
		arn            string // the associated ACL: sampleWebACLArn, or "" for the stack's own
		withReputation bool
	}{
		{map[string]string{}, false, false, "", false},
		{map[string]string{"WebACLMode": "create"}, true, true, "", true},
		{map[string]string{"WebACLMode": "create", "WebACLIpReputation": "false", "WebACLRateLimit": "2000"}, true, true, "", false},
		{map[string]string{"WebACLMode": "existing", "ExistingWebACLArn": sampleWebACLArn}, false, true, sampleWebACLArn, false},
	}
	for _, sc := range scenarios {
		gotACL, err1 := c.present(aclID, sc.params)
		gotAssoc, err2 := c.present(assocID, sc.params)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if gotACL != sc.acl || gotAssoc != sc.assoc {
			errs = append(errs, fmt.Errorf("parameters %v: got web ACL %v, association %v; want %v, %v", sc.params, gotACL, gotAssoc, sc.acl, sc.assoc))
			continue
		}
		if sc.assoc {
			arn, _, err := c.resolve(assoc.Properties["WebACLArn"], sc.params)
			switch {
			case err != nil:
				errs = append(errs, err)
			case sc.arn != "" && arn != sc.arn:
				errs = append(errs, fmt.Errorf("parameters %v: %s.WebACLArn got %v, want %s", sc.params, assocID, arn, sc.arn))
			case sc.arn == "" && !isArnOf(arn, aclID):
				errs = append(errs, fmt.Errorf("parameters %v: %s.WebACLArn got %v, want the ARN of %s", sc.params, assocID, arn, aclID))
			}
		}
		if sc.acl {
			if err := checkACLRules(c, aclID, sc.params, sc.withReputation); err != nil {
				errs = append(errs, fmt.Errorf("parameters %v: %w", sc.params, err))
			}
		}
	}
	for _, r := range []struct {
		mode, arn string
		ok        bool
	}{{"none", "", true}, {"create", "", true}, {"existing", sampleWebACLArn, true}, {"existing", "", false},
		{"none", sampleWebACLArn, false}, {"create", sampleWebACLArn, false}} {
		ok, err := c.rulesAllow(map[string]string{"WebACLMode": r.mode, "ExistingWebACLArn": r.arn})
		if err != nil || ok != r.ok {
			errs = append(errs, fmt.Errorf("rules with WebACLMode %s and ExistingWebACLArn %q: got allowed %v (%v), want %v", r.mode, r.arn, ok, err, r.ok))
		}
	}
	arnParam := c.Parameters["ExistingWebACLArn"]
	for v, want := range map[string]bool{"": true, sampleWebACLArn: true,
		strings.Replace(sampleWebACLArn, "regional", "global", 1):     false, // CloudFront scope: not for a user pool
		"arn:aws:waf-regional:eu-west-2:123456789012:webacl/a1b2c3d4": false, // WAF Classic
		"phonepass-shared": false, sampleWebACLArn + " ": false} {
		if err := arnParam.accepts(v); (err == nil) != want {
			errs = append(errs, fmt.Errorf("parameter ExistingWebACLArn: %q accepted %v (%v), want %v", v, err == nil, err, want))
		}
	}
	// triggers' TestOneAddressCannotCloseThePool, security.md and
	// operations.md take 20: one address gets at most 40 codes a minute,
	// under the pool's 60.
	if d, _ := scalar(c.Parameters["WebACLSignInRateLimit"].Default); d != "20" {
		errs = append(errs, fmt.Errorf("parameter WebACLSignInRateLimit: got Default %v, want 20, the figure the docs and TestOneAddressCannotCloseThePool use", d))
	}
	rate := c.Parameters["WebACLRateLimit"]
	if lo, ok := number(rate.MinValue); !ok || lo < 10 {
		errs = append(errs, fmt.Errorf("parameter WebACLRateLimit: got MinValue %v, want at least WAF's 10", rate.MinValue))
	}
	if hi, ok := number(rate.MaxValue); !ok || hi > 2e9 {
		errs = append(errs, fmt.Errorf("parameter WebACLRateLimit: got MaxValue %v, want at most WAF's 2000000000", rate.MaxValue))
	}
	return errors.Join(errs...)
}

// checkACLRules checks the web ACL aclID as params make it: REGIONAL, and a
// rate-based rule per client IP that blocks past WebACLRateLimit; the IP
// reputation list, blocking, exactly when reputation.
func checkACLRules(c *cfnTemplate, aclID string, params map[string]string, reputation bool) error {
	props, _, err := c.resolve(c.Resources[aclID].Properties, params)
	if err != nil {
		return err
	}
	p, _ := props.(map[string]any)
	var errs []error
	if p["Scope"] != "REGIONAL" {
		errs = append(errs, fmt.Errorf("%s.Scope: got %v, want REGIONAL (a user pool is a regional resource)", aclID, p["Scope"]))
	}
	if def, _ := p["DefaultAction"].(map[string]any); def["Allow"] == nil || len(def) != 1 {
		errs = append(errs, fmt.Errorf("%s.DefaultAction: got %v, want Allow", aclID, p["DefaultAction"]))
	}
	limit, _ := c.param("WebACLRateLimit", params)
	signIns, _ := c.param("WebACLSignInRateLimit", params)
	rules, _ := p["Rules"].([]any)
	var rated, scoped, reputed int
	priorities := map[string]bool{}
	for _, raw := range rules {
		r, _ := raw.(map[string]any)
		prio, _ := scalar(r["Priority"])
		if priorities[prio] {
			errs = append(errs, fmt.Errorf("%s: two rules of priority %s", aclID, prio))
		}
		priorities[prio] = true
		st, _ := r["Statement"].(map[string]any)
		if rb, ok := st["RateBasedStatement"].(map[string]any); ok {
			action, _ := r["Action"].(map[string]any)
			got, _ := scalar(rb["Limit"])
			want := limit
			if rb["ScopeDownStatement"] != nil {
				scoped++
				want = signIns
				if err := checkSignInScope(rb["ScopeDownStatement"]); err != nil {
					errs = append(errs, err)
				}
			} else {
				rated++
			}
			switch {
			case rb["AggregateKeyType"] != "IP":
				errs = append(errs, fmt.Errorf("rate rule: got AggregateKeyType %v, want IP (a forwarded header is the client's to forge)", rb["AggregateKeyType"]))
			case got != want:
				errs = append(errs, fmt.Errorf("rate rule %v: got Limit %v, want %s", r["Name"], rb["Limit"], want))
			case action["Block"] == nil || len(action) != 1:
				errs = append(errs, fmt.Errorf("rate rule: got Action %v, want Block", r["Action"]))
			}
		}
		if mg, ok := st["ManagedRuleGroupStatement"].(map[string]any); ok && mg["VendorName"] == "AWS" && mg["Name"] == ipReputation {
			reputed++
			if o, _ := r["OverrideAction"].(map[string]any); o["None"] == nil || len(o) != 1 {
				errs = append(errs, fmt.Errorf("%s rule: got OverrideAction %v, want None (its rules block)", ipReputation, r["OverrideAction"]))
			}
		}
	}
	if rated != 1 || scoped != 1 {
		errs = append(errs, fmt.Errorf("%s: got %d rate-based rules of every request and %d of sign-ins, want 1 and 1", aclID, rated, scoped))
	}
	if want := map[bool]int{true: 1, false: 0}[reputation]; reputed != want {
		errs = append(errs, fmt.Errorf("%s: got %d %s rules, want %d", aclID, reputed, ipReputation, want))
	}
	return errors.Join(errs...)
}

// checkSignInScope checks the scope of the sign-in rate rule: the requests
// whose X-Amz-Target ends in InitiateAuth, as Cognito's clients send them.
func checkSignInScope(scope any) error {
	st, _ := scope.(map[string]any)
	bm, _ := st["ByteMatchStatement"].(map[string]any)
	field, _ := bm["FieldToMatch"].(map[string]any)
	header, _ := field["SingleHeader"].(map[string]any)
	transforms, _ := bm["TextTransformations"].([]any)
	if header["Name"] != "x-amz-target" || bm["PositionalConstraint"] != "ENDS_WITH" || bm["SearchString"] != "InitiateAuth" || len(transforms) != 1 {
		return fmt.Errorf("sign-in rate rule: got scope %v, want the requests whose x-amz-target ends in InitiateAuth", scope)
	}
	return nil
}

// wantAlarm is an alarm the stack must have: on metric in namespace, with
// the user pool's dimension for phonepass's own metrics, notifying the
// alarm topic at the threshold of the parameter param.
type wantAlarm struct {
	namespace, metric, statistic, param string
	missing                             []string // acceptable TreatMissingData
}

// wantAlarms are the alarms of docs/operations.md.
var wantAlarms = []wantAlarm{
	// The month's spend only grows: no new data keeps the alarm as it is.
	{"AWS/SNS", "SMSMonthToDateSpentUSD", "Maximum", "SMSSpendAlarmUSD", []string{"ignore", "missing"}},
	{metrics.Namespace, metrics.SendFailures, "Sum", "SendFailureAlarmThreshold", []string{"notBreaching"}},
	{metrics.Namespace, metrics.SendsRefused, "Sum", "RefusalAlarmThreshold", []string{"notBreaching"}},
}

// checkAlarms: the alarms of wantAlarms notify the alarm topic, to which
// AlarmEmail (when set, and only then) subscribes an address; alarms on
// phonepass's namespace name metrics that package metrics writes, with its
// dimension.
func checkAlarms(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	topicID, _, err := c.only("AWS::SNS::Topic")
	if err != nil {
		return err
	}
	var errs []error
	subs := c.ofType("AWS::SNS::Subscription")
	if len(subs) != 1 {
		errs = append(errs, fmt.Errorf("got subscriptions %v, want one, of AlarmEmail", subs))
	} else {
		p := c.Resources[subs[0]].Properties
		if topic, _ := ref(p["TopicArn"]); topic != topicID || p["Protocol"] != "email" {
			errs = append(errs, fmt.Errorf("%s: got TopicArn %v, Protocol %v; want Ref %s, email", subs[0], p["TopicArn"], p["Protocol"], topicID))
		}
		if err := wantParameter(c, p["Endpoint"], "AlarmEmail"); err != nil {
			errs = append(errs, fmt.Errorf("%s.Endpoint: %w", subs[0], err))
		}
		for email, want := range map[string]bool{"": false, "ops@example.com": true} {
			if got, err := c.present(subs[0], map[string]string{"AlarmEmail": email}); err != nil || got != want {
				errs = append(errs, fmt.Errorf("%s with AlarmEmail %q: got present %v (%v), want %v", subs[0], email, got, err, want))
			}
		}
	}
	for v, want := range map[string]bool{"": true, "ops@example.com": true, "ops": false, "ops@example.com, x@y.z": false} {
		if err := c.Parameters["AlarmEmail"].accepts(v); (err == nil) != want {
			errs = append(errs, fmt.Errorf("parameter AlarmEmail: %q accepted %v (%v), want %v", v, err == nil, err, want))
		}
	}
	names := map[string]bool{}
	for _, m := range metrics.All() {
		names[m.Name] = true
	}
	found := map[int]bool{}
	for _, id := range c.ofType("AWS::CloudWatch::Alarm") {
		a := c.Resources[id]
		p := a.Properties
		if a.Condition != "" {
			errs = append(errs, fmt.Errorf("%s: got Condition %s, want the alarm always there", id, a.Condition))
		}
		actions, _ := p["AlarmActions"].([]any)
		if !slices.ContainsFunc(actions, func(v any) bool { r, _ := ref(v); return r == topicID }) {
			errs = append(errs, fmt.Errorf("%s.AlarmActions: got %v, want Ref %s", id, p["AlarmActions"], topicID))
		}
		if op, _ := p["ComparisonOperator"].(string); !strings.HasPrefix(op, "GreaterThan") {
			errs = append(errs, fmt.Errorf("%s.ComparisonOperator: got %v, want GreaterThan...", id, p["ComparisonOperator"]))
		}
		if p["Namespace"] == metrics.Namespace {
			dims, _ := p["Dimensions"].([]any)
			want := []any{map[string]any{"Name": metrics.DimensionUserPool, "Value": map[string]any{"Ref": poolID}}}
			if metric, _ := p["MetricName"].(string); !names[metric] {
				errs = append(errs, fmt.Errorf("%s: metric %v is not one package metrics writes", id, p["MetricName"]))
			}
			if !reflect.DeepEqual(dims, want) {
				errs = append(errs, fmt.Errorf("%s.Dimensions: got %v, want %s of %s, as package metrics writes them", id, p["Dimensions"], metrics.DimensionUserPool, poolID))
			}
		}
		for i, w := range wantAlarms {
			if p["Namespace"] != w.namespace || p["MetricName"] != w.metric {
				continue
			}
			found[i] = true
			if p["Statistic"] != w.statistic {
				errs = append(errs, fmt.Errorf("%s.Statistic: got %v, want %s", id, p["Statistic"], w.statistic))
			}
			if err := wantParameter(c, p["Threshold"], w.param); err != nil {
				errs = append(errs, fmt.Errorf("%s.Threshold: %w", id, err))
			} else if lo, ok := number(c.Parameters[w.param].MinValue); !ok || lo < 1 {
				errs = append(errs, fmt.Errorf("parameter %s: got MinValue %v, want at least 1 (at 0 the alarm always fires)", w.param, c.Parameters[w.param].MinValue))
			}
			if tm, _ := p["TreatMissingData"].(string); !slices.Contains(w.missing, tm) {
				errs = append(errs, fmt.Errorf("%s.TreatMissingData: got %v, want one of %v", id, p["TreatMissingData"], w.missing))
			}
		}
	}
	for i, w := range wantAlarms {
		if !found[i] {
			errs = append(errs, fmt.Errorf("no alarm on %s %s", w.namespace, w.metric))
		}
	}
	return errors.Join(errs...)
}

// dashboardMetric is one line of a dashboard widget: namespace, metric and
// dimensions.
type dashboardMetric struct {
	namespace, name string
	dims            map[string]string
}

// checkDashboard: the dashboard shows every metric of package metrics, of
// this stack's user pool and region, no metric package metrics does not
// write, and the SMS spend.
func checkDashboard(c *cfnTemplate) error {
	poolID, _, err := c.only("AWS::Cognito::UserPool")
	if err != nil {
		return err
	}
	id, dash, err := c.only("AWS::CloudWatch::Dashboard")
	if err != nil {
		return err
	}
	body, ok := sub(dash.Properties["DashboardBody"])
	if !ok {
		return fmt.Errorf("%s.DashboardBody: got %v, want an Fn::Sub of JSON", id, dash.Properties["DashboardBody"])
	}
	const fakeRegion, fakePool = "eu-west-2", "eu-west-2_AbCdEf123"
	var errs []error
	filled := subVars.ReplaceAllStringFunc(body, func(m string) string {
		switch m {
		case "${AWS::Region}":
			return fakeRegion
		case "${" + poolID + "}":
			return fakePool
		}
		errs = append(errs, fmt.Errorf("%s.DashboardBody: unexpected %s", id, m))
		return m
	})
	var doc struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Region  string  `json:"region"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(filled), &doc); err != nil {
		return errors.Join(append(errs, fmt.Errorf("%s.DashboardBody is not JSON: %w", id, err))...)
	}
	var shown []dashboardMetric
	for _, w := range doc.Widgets {
		if w.Type != "metric" {
			continue
		}
		if w.Properties.Region != fakeRegion {
			errs = append(errs, fmt.Errorf("%s: a widget of region %q, want the stack's", id, w.Properties.Region))
		}
		for _, line := range w.Properties.Metrics {
			m := dashboardMetric{dims: map[string]string{}}
			var strs []string
			for _, e := range line {
				if s, ok := e.(string); ok {
					strs = append(strs, s)
				}
			}
			if len(strs) < 2 || len(strs)%2 != 0 || slices.Contains(strs, ".") {
				errs = append(errs, fmt.Errorf("%s: metric line %v, want namespace, name and dimension pairs in full", id, line))
				continue
			}
			m.namespace, m.name = strs[0], strs[1]
			for i := 2; i < len(strs); i += 2 {
				m.dims[strs[i]] = strs[i+1]
			}
			shown = append(shown, m)
		}
	}
	ours := map[string]string{metrics.DimensionUserPool: fakePool}
	for _, m := range shown {
		switch {
		case m.namespace == "AWS/SNS" && m.name == "SMSMonthToDateSpentUSD" && len(m.dims) == 0:
		case m.namespace != metrics.Namespace:
			errs = append(errs, fmt.Errorf("%s: metric %s %s is neither phonepass's nor the SMS spend", id, m.namespace, m.name))
		case !slices.ContainsFunc(metrics.All(), func(x metrics.Metric) bool { return x.Name == m.name }):
			errs = append(errs, fmt.Errorf("%s: metric %s is not one package metrics writes", id, m.name))
		case !maps.Equal(m.dims, ours):
			errs = append(errs, fmt.Errorf("%s: metric %s with dimensions %v, want %v", id, m.name, m.dims, ours))
		}
	}
	want := []dashboardMetric{{namespace: "AWS/SNS", name: "SMSMonthToDateSpentUSD", dims: map[string]string{}}}
	for _, m := range metrics.All() {
		want = append(want, dashboardMetric{namespace: metrics.Namespace, name: m.Name, dims: ours})
	}
	for _, w := range want {
		if !slices.ContainsFunc(shown, func(m dashboardMetric) bool {
			return m.namespace == w.namespace && m.name == w.name && maps.Equal(m.dims, w.dims)
		}) {
			errs = append(errs, fmt.Errorf("%s: does not show %s %s", id, w.namespace, w.name))
		}
	}
	return errors.Join(errs...)
}
