package triggers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// peekTriggerSource returns the string value of the first "triggerSource"
// key in payload without decoding it; ok is false when there is none or the
// value is not a plain string. It is only a guess, which the typed decode
// confirms.
func peekTriggerSource(payload []byte) (src string, ok bool) {
	const key = `"triggerSource"`
	i := bytes.Index(payload, []byte(key))
	if i < 0 {
		return "", false
	}
	rest := skipSpace(payload[i+len(key):])
	if len(rest) == 0 || rest[0] != ':' {
		return "", false
	}
	rest = skipSpace(rest[1:])
	if len(rest) == 0 || rest[0] != '"' {
		return "", false
	}
	rest = rest[1:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return "", false
	}
	return string(rest[:end]), true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// describeJSONError says what was wrong with an event without echoing it.
func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return "it is a JSON " + te.Value + ", not an object"
		}
		return fmt.Sprintf("field %s is a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return "invalid JSON"
}

// truncate shortens text from an event to 64 bytes for a message.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
