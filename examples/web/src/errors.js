// What the page says for each of phonepass's errors. phonepass puts a stable
// code in brackets at the start of every error it returns, such as
// "CreateAuthChallenge failed with error [rate_limited] too many codes ...":
// the page maps the code, never the prose. The codes are the Lambda's
// (Go: triggers.ErrorCodes); a test holds the two tables together.

/**
 * ERROR_TEXTS maps each code to the sentence to show and whether the user
 * must start again from the phone number (restart).
 */
export const ERROR_TEXTS = {
  user_not_found: { text: 'There is no account for this number.', restart: true },
  phone_required: { text: 'Enter your phone number.', restart: true },
  phone_format: { text: 'That does not look like a valid phone number. Check the country and the number.', restart: true },
  country_not_accepted: { text: 'Phone numbers from this country cannot sign in here.', restart: true },
  number_invalid: { text: 'That is not a valid phone number for its country. Check the country and the number.', restart: true },
  cannot_text: { text: 'This number cannot receive text messages. Use a mobile number.', restart: true },
  no_phone: { text: 'This account has no phone number. Contact support.', restart: true },
  send_failed: { text: 'We could not send a text message to this number. Check the number and try again.', restart: true },
  rate_limited: { text: 'Too many codes were sent to this number.', restart: true, wait: true },
  pool_limited: { text: 'Sign-in codes are busy right now.', restart: true, wait: true },
  range_limited: { text: 'Sign-in codes for numbers like yours are paused for a while.', restart: true, wait: true },
  country_limited: { text: 'Sign-in codes for your country are paused for a while.', restart: true, wait: true },
  cooling_off: { text: 'Too many wrong codes for this number.', restart: true, wait: true },
  locked: { text: 'Too many wrong codes: this number is locked. Contact support to unlock it.', restart: true },
  check_failed: { text: 'We could not check the code. Try it again.', restart: false },
  invalid_session: { text: 'This sign-in went wrong. Enter your number again.', restart: true },
  unsupported_challenge: { text: 'This sign-in went wrong. Enter your number again.', restart: true },
  bad_event: { text: 'This sign-in went wrong. Enter your number again.', restart: true },
  unsupported_trigger: { text: 'This sign-in went wrong. Enter your number again.', restart: true },
  no_limiter: { text: 'Something went wrong on our side. Try again later.', restart: true },
  internal: { text: 'Something went wrong on our side. Try again later.', restart: true },
};

/** errorCode returns the code of a phonepass error message, or undefined. */
export function errorCode(message) {
  const m = /\[([a-z_]+)\]/.exec(String(message ?? ''));
  return m ? m[1] : undefined;
}

/** waitOf returns "in 13 minutes" from a message that says when to try again, or ''. */
export function waitOf(message) {
  const m = /try again in (\d+ (?:minutes?|seconds?))/.exec(String(message ?? ''));
  return m ? `in ${m[1]}` : '';
}
