package cognitoevent_test

import (
	"encoding/json"
	"testing"

	"github.com/phonepass/phonepass/internal/cognitoevent"
)

func TestEnvelopeInCognitosOrder(t *testing.T) {
	ev := cognitoevent.New[map[string]any, any]("DefineAuthChallenge_Authentication", "eu-west-2", "eu-west-2_Pool", "user", "client")
	ev.Request = map[string]any{"session": []cognitoevent.SessionEntry{{ChallengeName: "SRP_A", ChallengeResult: true}}}
	got, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"eu-west-2","userPoolId":"eu-west-2_Pool","userName":"user",` +
		`"callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"client"},` +
		`"request":{"session":[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null}]},"response":null}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
