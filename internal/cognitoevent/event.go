package cognitoevent

// Version is the event version Cognito sends.
const Version = "1"

// SDKVersion is what Cognito puts in callerContext.awsSdkVersion.
const SDKVersion = "aws-sdk-unknown-unknown"

// Event is a user pool trigger event, its fields in Cognito's order. Req
// and Resp are the types of its request and response.
type Event[Req, Resp any] struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
	Request       Req           `json:"request"`
	Response      Resp          `json:"response"`
}

// CallerContext is the callerContext of an event: the SDK and the app
// client that made the call.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// New returns an event with the header Cognito sets: version 1, the
// trigger source, the pool (its region and ID), the user name and the app
// client. Request and response are left for the caller to fill in.
func New[Req, Resp any](source, region, userPoolID, userName, clientID string) Event[Req, Resp] {
	return Event[Req, Resp]{
		Version:       Version,
		TriggerSource: source,
		Region:        region,
		UserPoolID:    userPoolID,
		UserName:      userName,
		CallerContext: CallerContext{AWSSDKVersion: SDKVersion, ClientID: clientID},
	}
}

// SessionEntry is one answered challenge of a sign-in, as it appears in
// request.session. Cognito sends a null challengeMetadata for challenges
// that have none (SRP_A, PASSWORD_VERIFIER).
type SessionEntry struct {
	ChallengeName     string  `json:"challengeName"`
	ChallengeResult   bool    `json:"challengeResult"`
	ChallengeMetadata *string `json:"challengeMetadata"`
}
