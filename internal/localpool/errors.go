package localpool

import (
	"fmt"
	"net/http"
)

// APIError is an error in Cognito's shape: HTTP status, the error type that
// clients map to an exception name (__type) and a message.
type APIError struct {
	Status  int
	Type    string
	Message string
}

// Error returns "<Type>: <Message>".
func (e *APIError) Error() string { return e.Type + ": " + e.Message }

// Error types used by the local pool; they are Cognito's, except the two AWS
// protocol errors SerializationException and UnknownOperationException.
const (
	TypeInvalidParameter      = "InvalidParameterException"
	TypeNotAuthorized         = "NotAuthorizedException"
	TypeUserNotFound          = "UserNotFoundException"
	TypeUsernameExists        = "UsernameExistsException"
	TypeAliasExists           = "AliasExistsException"
	TypeUserNotConfirmed      = "UserNotConfirmedException"
	TypeResourceNotFound      = "ResourceNotFoundException"
	TypeUserLambdaValidation  = "UserLambdaValidationException"
	TypeInvalidLambdaResponse = "InvalidLambdaResponseException"
	TypeUnexpectedLambda      = "UnexpectedLambdaException"
	TypeTooManyRequests       = "TooManyRequestsException"
	TypeInternalError         = "InternalErrorException"
	TypeSerialization         = "SerializationException"
	TypeUnknownOperation      = "UnknownOperationException"
	TypeUnsupportedTokenType  = "UnsupportedTokenTypeException"
)

// Messages that clients and tests compare with Cognito's.
const (
	MsgIncorrect      = "Incorrect username or password."
	MsgSessionExpired = "Invalid session for the user, session is expired."
	MsgUserNotExist   = "User does not exist."
	// MsgUnauthorizedAttribute answers a client that writes an attribute
	// outside its app client's WriteAttributes.
	MsgUnauthorizedAttribute = "A client attempted to write unauthorized attribute"
	// MsgUserDisabled answers a call for a user an administrator disabled.
	MsgUserDisabled = "User is disabled."
	// MsgAccessRevoked answers an access token whose sign-in was revoked.
	MsgAccessRevoked = "Access Token has been revoked"
)

func apiErr(typ, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Type: typ, Message: fmt.Sprintf(format, args...)}
}

func invalidParam(format string, args ...any) *APIError {
	return apiErr(TypeInvalidParameter, format, args...)
}

func notAuthorized(msg string) *APIError { return apiErr(TypeNotAuthorized, "%s", msg) }

// missing is Cognito's answer to a required member that is absent.
func missing(member string) *APIError {
	return invalidParam("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", member)
}

func internalErr() *APIError {
	return &APIError{Status: http.StatusInternalServerError, Type: TypeInternalError, Message: "internal error in the local user pool; see its terminal"}
}
