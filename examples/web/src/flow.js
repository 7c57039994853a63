// The parts of the sign-in flow that do not touch the page: reading
// phonepass's challenge parameters, telling errors apart, and making the
// throw-away password that Cognito's sign-up demands. None of it imports
// Amplify, so it is easy to read and to test.

import { ERROR_TEXTS, errorCode, waitOf } from './errors.js';

/** RESEND_METADATA is the client metadata that asks phonepass for a new code. */
export const RESEND_METADATA = { phonepass_action: 'resend' };

/**
 * readChallenge turns the public challenge parameters of phonepass
 * (Amplify v6: nextStep.additionalInfo) into numbers and booleans.
 */
export function readChallenge(params = {}) {
  const int = (v, def) => {
    const n = Number.parseInt(v, 10);
    return Number.isFinite(n) && n >= 0 ? n : def;
  };
  return {
    phone: params.phone || 'your phone',
    codeLength: int(params.codeLength, 6),
    attemptsLeft: int(params.attemptsLeft, 0),
    resendAvailable: params.resendAvailable === 'true',
    resendInSeconds: int(params.resendInSeconds, 0),
    expiresInSeconds: int(params.expiresInSeconds, 0),
  };
}

/**
 * throwAwayPassword returns a password nobody will ever type: 24 random bytes
 * from crypto.getRandomValues, base64url-encoded, plus one character of each
 * class that Cognito's default password policy asks for. phonepass users
 * sign in by code only (CUSTOM_WITHOUT_SRP), so the password is never used.
 */
export function throwAwayPassword() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  const b64url = btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return b64url + 'Aa1!';
}

/**
 * isUserNotFound reports whether err says the number has no account yet:
 * Cognito's UserNotFoundException, or phonepass's user_not_found error.
 */
export function isUserNotFound(err) {
  if (!err) return false;
  return err.name === 'UserNotFoundException' || errorCode(err.message) === 'user_not_found';
}

/**
 * describeError returns the sentence to show for err, and whether the user
 * must start again from the phone number (restart): phonepass's errors by
 * their code (errors.js), Cognito's own by their name and message.
 */
export function describeError(err) {
  const name = err?.name || '';
  const msg = err?.message || String(err);
  const known = ERROR_TEXTS[errorCode(msg)];
  if (known) {
    const when = known.wait && waitOf(msg);
    return { text: when ? `${known.text} Try again ${when}.` : known.text, restart: known.restart };
  }
  if (name === 'UserNotFoundException') {
    return ERROR_TEXTS.user_not_found;
  }
  if (name === 'NotAuthorizedException') {
    if (/session/i.test(msg)) {
      return { text: 'This sign-in took too long and has expired. Enter your number again to get a new code.', restart: true };
    }
    if (/disabled/i.test(msg)) {
      return { text: 'This account is disabled. Contact support.', restart: true };
    }
    if (/sign ?up is not permitted/i.test(msg)) {
      return { text: 'There is no account for this number, and this app does not take new sign-ups.', restart: true };
    }
    if (/Incorrect username or password/i.test(msg)) {
      return { text: 'Too many wrong codes. Enter your number again to get a new code.', restart: true };
    }
  }
  if (name === 'SignInException' || name === 'ExpiredCodeException') {
    return { text: 'This sign-in has expired. Enter your number again to get a new code.', restart: true };
  }
  if (name === 'LimitExceededException' || name === 'TooManyRequestsException' || name === 'TooManyFailedAttemptsException') {
    return { text: 'Too many tries. Wait a minute, then try again.', restart: true };
  }
  if (name === 'NetworkError' || err instanceof TypeError) {
    return { text: 'Could not reach the sign-in service. Check your connection and try again.', restart: false };
  }
  return { text: `Something went wrong: ${msg}`, restart: true };
}

/** plural returns "1 attempt" or "2 attempts". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * codeFromMessage picks the code out of an SMS text: the WebOTP line's
 * "#123456" if there is one, else the first run of length digits.
 */
export function codeFromMessage(text, length = 6) {
  const webotp = /#(\d{4,10})\b/.exec(text);
  if (webotp) return webotp[1];
  const m = new RegExp(`(?<!\\d)(\\d{${length}})(?!\\d)`).exec(text);
  return m ? m[1] : '';
}
