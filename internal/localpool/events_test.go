package localpool

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/phonepass/phonepass/internal/cognitoevent"
	"github.com/phonepass/phonepass/triggers"
)

// recorded is what the events test reads of each event the pool built.
type recorded = cognitoevent.Event[map[string]json.RawMessage, json.RawMessage]

func TestEventsAreBuiltAsCognitoBuildsThem(t *testing.T) {
	var mu sync.Mutex
	var events []recorded
	p := startPool(t, poolSetup{invoker: func(h Invoker) Invoker {
		return invokerFunc(func(ctx context.Context, payload []byte) ([]byte, error) {
			var ev recorded
			if err := json.Unmarshal(payload, &ev); err != nil {
				t.Errorf("event is not JSON: %v", err)
			}
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
			return h.Invoke(ctx, payload)
		})
	}})
	const phone = "+447700900210"
	sub := p.signUp(t, phone)
	first := p.initiate(t, phone)
	code := p.code(t, phone)
	second, err := p.respond(first, first.Session, wrongCode(code), map[string]string{"app": "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.respond(first, second.Session, code, nil); err != nil {
		t.Fatal(err)
	}

	wantSources := []string{
		triggers.SourcePreSignUp,
		triggers.SourceDefineAuthChallenge, triggers.SourceCreateAuthChallenge,
		triggers.SourceVerifyChallengeAnswer, triggers.SourceDefineAuthChallenge, triggers.SourceCreateAuthChallenge,
		triggers.SourceVerifyChallengeAnswer, triggers.SourceDefineAuthChallenge,
	}
	if len(events) != len(wantSources) {
		t.Fatalf("got %d events, want %d", len(events), len(wantSources))
	}
	for i, ev := range events {
		if ev.TriggerSource != wantSources[i] {
			t.Errorf("event %d: got triggerSource %s, want %s", i, ev.TriggerSource, wantSources[i])
		}
		if ev.Version != "1" || ev.Region != "us-east-1" || ev.UserPoolID != DefaultPoolID || ev.UserName != sub ||
			ev.CallerContext.ClientID != DefaultClientID || ev.CallerContext.AWSSDKVersion == "" {
			t.Errorf("event %d: got header %+v, want version 1, region us-east-1, pool %s, userName %s, clientId %s", i, ev, DefaultPoolID, sub, DefaultClientID)
		}
	}

	attrs := func(i int) map[string]string {
		var m map[string]string
		if err := json.Unmarshal(events[i].Request["userAttributes"], &m); err != nil {
			t.Fatalf("event %d: userAttributes: %v", i, err)
		}
		return m
	}
	if a := attrs(0); a["phone_number"] != phone || a["sub"] != "" {
		t.Errorf("PreSignUp userAttributes: got %v, want phone_number and no sub", a)
	}
	if a := attrs(1); a["sub"] != sub || a["phone_number"] != phone || a["phone_number_verified"] != "true" || a["cognito:user_status"] != StatusConfirmed {
		t.Errorf("Define userAttributes: got %v, want sub, phone_number, phone_number_verified true, cognito:user_status CONFIRMED", a)
	}

	session := func(i int) []cognitoevent.SessionEntry {
		var s []cognitoevent.SessionEntry
		if err := json.Unmarshal(events[i].Request["session"], &s); err != nil {
			t.Fatalf("event %d: session: %v", i, err)
		}
		return s
	}
	if s := session(1); len(s) != 0 {
		t.Errorf("first Define: got session %v, want empty", s)
	}
	if s := session(4); len(s) != 1 || s[0].ChallengeName != "CUSTOM_CHALLENGE" || s[0].ChallengeResult || s[0].ChallengeMetadata == nil || *s[0].ChallengeMetadata == "" {
		t.Errorf("second Define: got session %+v, want one failed CUSTOM_CHALLENGE with metadata", s)
	}
	if s := session(7); len(s) != 2 || !s[1].ChallengeResult {
		t.Errorf("last Define: got session %+v, want two rounds, the last right", s)
	}

	// ClientMetadata of InitiateAuth reaches no trigger; that of
	// RespondToAuthChallenge reaches Verify, Define and Create.
	for i, want := range map[int]bool{1: false, 2: false, 3: true, 4: true, 5: true} {
		_, got := events[i].Request["clientMetadata"]
		if got != want {
			t.Errorf("event %d (%s): got clientMetadata %v, want %v", i, events[i].TriggerSource, got, want)
		}
	}
	for i := 1; i < len(events); i++ {
		if string(events[i].Request["userNotFound"]) != "false" {
			t.Errorf("event %d: got userNotFound %s, want false", i, events[i].Request["userNotFound"])
		}
	}
	if string(events[3].Request["challengeAnswer"]) != `"`+wrongCode(code)+`"` {
		t.Errorf("Verify: got challengeAnswer %s, want the answer as a JSON string", events[3].Request["challengeAnswer"])
	}
	var private map[string]string
	if err := json.Unmarshal(events[3].Request["privateChallengeParameters"], &private); err != nil || len(private) == 0 {
		t.Errorf("Verify: got privateChallengeParameters %s, want those Create returned", events[3].Request["privateChallengeParameters"])
	}
}
