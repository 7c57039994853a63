// Package cognitoevent declares, once, the envelope of the events that an
// Amazon Cognito user pool sends to its Lambda triggers: the header every
// trigger event carries (version, triggerSource, region, userPoolId,
// userName, callerContext), its request and response, in Cognito's field
// order, and the entry of request.session that the custom-authentication
// triggers read.
//
// The local user pool (internal/localpool) builds its events with it, the
// sample events (internal/sampleevents) are written with it, and tests read
// events back with it. What goes inside request and response is each
// trigger's own and is left to the caller, as the type parameters of Event.
package cognitoevent
