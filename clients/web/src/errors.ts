// The errors a phonepass sign-in can meet, each under one stable code:
// phonepass's own (the Lambda puts its code in brackets at the start of every
// error: "CreateAuthChallenge failed with error [rate_limited] ..."; Go:
// triggers.ErrorCodes), Cognito's own answers (by name and message), and the
// few this package finds before asking (a number or code that cannot be
// right). Each code says whether the user must start again from the phone
// number and which sentence of a language's Messages explains it.

import { ENGLISH } from './i18n/index.js';
import type { MessageKey } from './i18n/messages.js';

/** PHONEPASS_CODES are the Lambda's error codes (Go: triggers.ErrorCodes), in its order. */
export const PHONEPASS_CODES = [
  'user_not_found', 'phone_required', 'phone_format', 'country_not_accepted', 'number_invalid',
  'cannot_text', 'no_phone', 'send_failed', 'rate_limited', 'pool_limited', 'range_limited',
  'country_limited', 'cooling_off', 'locked', 'check_failed', 'invalid_session',
  'unsupported_challenge', 'bad_event', 'unsupported_trigger', 'no_limiter', 'internal',
] as const;

/** CLIENT_CODES name Cognito's own answers and what the package refuses before asking. */
export const CLIENT_CODES = [
  'too_many_attempts', // NotAuthorizedException "Incorrect username or password." after the last wrong code
  'session_expired', // NotAuthorizedException "Invalid session ...", the auth session's few minutes are over
  'user_disabled', // NotAuthorizedException "User is disabled."
  'sign_up_disabled', // NotAuthorizedException "SignUp is not permitted ..." (admin-created users only)
  'throttled', // LimitExceeded, TooManyRequests or TooManyFailedAttempts
  'network', // the service could not be reached
  'code_expired', // the code's lifetime is over (found from expiresInSeconds, before sending)
  'code_format', // the answer is not codeLength digits
  'no_challenge', // answer() or resend() with no code step open
  'resend_not_yet', // resend() before resendInSeconds, or after the last one (phonepass would count it wrong)
  'choose_country', // a national number without a country
  'phone_chars', // letters or other characters in the number
  'phone_country_zero', // a country code starting with 0
  'phone_too_short', // fewer than 7 digits
  'phone_too_long', // more than 15 digits
  'unknown', // anything else; the cause is kept
] as const;

/** PhonepassCode is one of the Lambda's error codes. */
export type PhonepassCode = (typeof PHONEPASS_CODES)[number];
/** ClientCode is one of Cognito's answers or the package's own refusals. */
export type ClientCode = (typeof CLIENT_CODES)[number];
/** ErrorCode is every code an error state can carry. */
export type ErrorCode = PhonepassCode | ClientCode;

/** ErrorRule says how to explain a code: the sentence and whether to start again. */
export interface ErrorRule {
  /** The key of the sentence in a language's Messages. */
  key: MessageKey;
  /** True when the user must start again from the phone number. */
  restart: boolean;
  /** True when phonepass's message says when to try again ("try again in 14 minutes"). */
  wait?: boolean;
}

const r = (key: MessageKey, restart = true, wait = false): ErrorRule => (wait ? { key, restart, wait } : { key, restart });

/** ERROR_RULES holds the rule of every error code. */
export const ERROR_RULES: Record<ErrorCode, ErrorRule> = {
  user_not_found: r('user_not_found'),
  phone_required: r('phone_required'),
  phone_format: r('phone_format'),
  country_not_accepted: r('country_not_accepted'),
  number_invalid: r('number_invalid'),
  cannot_text: r('cannot_text'),
  no_phone: r('no_phone'),
  send_failed: r('send_failed'),
  rate_limited: r('rate_limited', true, true),
  pool_limited: r('pool_limited', true, true),
  range_limited: r('range_limited', true, true),
  country_limited: r('country_limited', true, true),
  cooling_off: r('cooling_off', true, true),
  locked: r('locked'),
  check_failed: r('check_failed', false),
  invalid_session: r('went_wrong'),
  unsupported_challenge: r('went_wrong'),
  bad_event: r('went_wrong'),
  unsupported_trigger: r('went_wrong'),
  no_limiter: r('our_side'),
  internal: r('our_side'),
  too_many_attempts: r('too_many_attempts'),
  session_expired: r('session_expired'),
  user_disabled: r('user_disabled'),
  sign_up_disabled: r('sign_up_disabled'),
  throttled: r('throttled'),
  network: r('network', false),
  code_expired: r('code_expired', false),
  code_format: r('code_format', false),
  no_challenge: r('went_wrong'),
  resend_not_yet: r('resend_not_yet', false),
  choose_country: r('choose_country'),
  phone_chars: r('phone_chars'),
  phone_country_zero: r('phone_country_zero'),
  phone_too_short: r('phone_too_short'),
  phone_too_long: r('phone_too_long'),
  unknown: r('unknown'),
};

/** errorCode returns the code in brackets of a phonepass error message, or undefined. */
export function errorCode(message: unknown): PhonepassCode | undefined {
  const m = /\[([a-z_]+)\]/.exec(String(message ?? ''));
  const code = m?.[1] as PhonepassCode | undefined;
  return code && (PHONEPASS_CODES as readonly string[]).includes(code) ? code : undefined;
}

/** Wait is how long phonepass asks the user to wait: a number of units. */
export interface Wait {
  value: number;
  unit: 'second' | 'minute' | 'hour';
}

/** waitOf reads "try again in 14 minutes" (Go: triggers' humanWait) from a phonepass message. */
export function waitOf(message: unknown): Wait | undefined {
  const m = /try again in (\d+) (second|minute|hour)s?\b/.exec(String(message ?? ''));
  return m ? { value: Number(m[1]), unit: m[2] as Wait['unit'] } : undefined;
}

/** Classified is an error under its code, with the wait phonepass gave and the error itself. */
export interface Classified {
  code: ErrorCode;
  restart: boolean;
  wait?: Wait;
  cause?: unknown;
}

/**
 * classifyError gives an error thrown by Amplify (or fetch) its code:
 * phonepass's by the code in brackets, Cognito's by name and message.
 */
export function classifyError(err: unknown): Classified {
  const e = (err ?? {}) as { name?: string; message?: string };
  const name = e.name || '';
  const msg = e.message || String(err);
  const pp = errorCode(msg);
  let code: ErrorCode = 'unknown';
  if (pp) code = pp;
  else if (name === 'UserNotFoundException') code = 'user_not_found';
  else if (name === 'NotAuthorizedException') {
    if (/session/i.test(msg)) code = 'session_expired';
    else if (/disabled/i.test(msg)) code = 'user_disabled';
    else if (/sign ?up is not permitted/i.test(msg)) code = 'sign_up_disabled';
    else if (/Incorrect username or password/i.test(msg)) code = 'too_many_attempts';
  } else if (name === 'SignInException' || name === 'ExpiredCodeException') code = 'session_expired';
  else if (/^(LimitExceeded|TooManyRequests|TooManyFailedAttempts)Exception$/.test(name)) code = 'throttled';
  else if (name === 'NetworkError' || err instanceof TypeError) code = 'network';
  const rule = ERROR_RULES[code];
  const wait = rule.wait ? waitOf(msg) : undefined;
  return { code, restart: rule.restart, ...(wait ? { wait } : {}), cause: err };
}

/** isUserNotFound reports whether err says the number has no account yet. */
export function isUserNotFound(err: unknown): boolean {
  return err != null && classifyError(err).code === 'user_not_found';
}

/** ErrorText is an English sentence with its rule, as the example page shows it. */
export interface ErrorText {
  text: string;
  restart: boolean;
  wait?: boolean;
}

/**
 * ERROR_TEXTS maps each of phonepass's codes (exactly triggers.ErrorCodes;
 * a Go test holds the two together) to its English sentence and rule.
 */
export const ERROR_TEXTS = Object.fromEntries(
  PHONEPASS_CODES.map((c) => {
    const { key, ...rule } = ERROR_RULES[c];
    return [c, { text: ENGLISH[key], ...rule }];
  }),
) as Record<PhonepassCode, ErrorText>;
