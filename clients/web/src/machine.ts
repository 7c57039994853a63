// The sign-in as a state machine with no user interface: start(phone) signs
// a number in (signing it up first when phonepass has no account for it),
// answer(code) and resend() work the code step, cancel() goes back; state
// says what to show. Amplify v6's auth functions do the talking (inject
// others for tests); a clock can be injected too.

import * as amplifyAuth from 'aws-amplify/auth';
import { readChallenge, secondsUntil, type Challenge } from './challenge.js';
import { classifyError, ERROR_RULES, type Classified, type ErrorCode } from './errors.js';
import { ENGLISH, format, loadMessages, pickLanguage, type Language, type Messages } from './i18n/index.js';
import { signUpAttributes } from './locale.js';
import { isE164 } from './phone.js';

/** RESEND_METADATA is the client metadata that asks phonepass for a new code. */
export const RESEND_METADATA = { phonepass_action: 'resend' } as const;

/** The Amplify step of a code challenge. */
export const CUSTOM_CHALLENGE = 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE';

/** AuthApi is the part of aws-amplify/auth the machine calls. */
export interface AuthApi {
  signIn: typeof amplifyAuth.signIn;
  signUp: typeof amplifyAuth.signUp;
  confirmSignIn: typeof amplifyAuth.confirmSignIn;
}

/** SignInOptions configure a PhoneSignIn. */
export interface SignInOptions {
  /** The auth functions; default aws-amplify/auth's (configure Amplify first). */
  auth?: AuthApi;
  /** The clock, in ms; default Date.now. Deadlines and seconds derive from it. */
  now?: () => number;
  /**
   * When to sign a number up: 'when-not-found' (default: after phonepass
   * answers user_not_found), 'first' (always try signUp first, for a pool in
   * hidden mode that takes sign-ups) or 'never'.
   */
  signUp?: 'when-not-found' | 'first' | 'never';
  /** Makes the throw-away sign-up password; default throwAwayPassword. */
  password?: () => string;
}

/** ErrorInfo is an error as the user should see it. */
export interface ErrorInfo {
  /** The stable code (errors.ts). */
  code: ErrorCode;
  /** A sentence in the user's language. */
  message: string;
  /** True when the user must start again from the phone number. */
  restart: boolean;
  /** What was thrown, if anything. */
  cause?: unknown;
}

/** CodeView is the code step as it stands now. */
export interface CodeView {
  /** The masked number the code went to. */
  phone: string;
  codeLength: number;
  attemptsLeft: number;
  /** Seconds the code stays valid, from now. */
  expiresInSeconds: number;
  /** Seconds until a new code may be asked for, from now (0 when it may, or never will). */
  resendInSeconds: number;
  /** True while a new code may still be asked for in this sign-in. */
  resendAvailable: boolean;
  /** True when a new code may be asked for right now. */
  canResend: boolean;
  /** True when the code's lifetime is over. */
  expired: boolean;
  /** True when the SMS went out without an answer from SNS: it may not arrive. */
  deliveryUncertain: boolean;
  /** What the last answer or resend did: a wrong code, a new code, a resend refused (counted wrong), a code past its lifetime. */
  last?: 'wrong' | 'resent' | 'resend_refused' | 'expired';
}

/** SignInState says what to show. */
export type SignInState =
  | { step: 'phone'; busy: boolean; lang: Language }
  | ({ step: 'code'; busy: boolean; lang: Language } & CodeView)
  | { step: 'signed-in'; busy: false; lang: Language; result?: unknown }
  | { step: 'error'; busy: boolean; lang: Language; error: ErrorInfo; code?: CodeView };

/** StartOptions are start()'s options. */
export interface StartOptions {
  /** The user's language (BCP 47), for the texts and the SMS; default navigator.language. */
  locale?: string;
}

/**
 * throwAwayPassword returns a password nobody will ever type (24 random
 * bytes, base64url, plus one character of each class Cognito's default
 * policy asks for): phonepass users sign in by code only.
 */
export function throwAwayPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + 'Aa1!';
}

/**
 * describeError explains an error in messages' language: its code, the
 * sentence (with when to try again, where phonepass said), and whether to
 * start again.
 */
export function describeError(err: unknown, messages: Messages = ENGLISH, lang = 'en'): ErrorInfo {
  const c = classifyError(err);
  return explain(c, messages, lang);
}

function explain(c: Classified, messages: Messages, lang: string, values: Record<string, number> = {}): ErrorInfo {
  let message = format(messages[ERROR_RULES[c.code].key], values);
  if (c.wait) {
    let when = `in ${c.wait.value} ${c.wait.unit}s`;
    try {
      when = new Intl.RelativeTimeFormat(lang, { numeric: 'always' }).format(c.wait.value, c.wait.unit);
    } catch {
      // no RelativeTimeFormat: the English words will do
    }
    message += ' ' + format(messages.try_again, { when });
  }
  return { code: c.code, message, restart: c.restart, ...(c.cause !== undefined ? { cause: c.cause } : {}) };
}

type Listener = (state: SignInState) => void;

/**
 * PhoneSignIn runs one user's phone sign-in. Read state for what to show,
 * subscribe() to hear of every change (timers are not changes: read state
 * again, say every second, for the seconds).
 */
export class PhoneSignIn {
  readonly #auth: AuthApi;
  readonly #now: () => number;
  readonly #signUp: NonNullable<SignInOptions['signUp']>;
  readonly #password: () => string;
  #listeners = new Set<Listener>();
  #step: 'phone' | 'code' | 'signed-in' | 'error' = 'phone';
  #busy = false;
  #challenge: Challenge | undefined;
  #last: CodeView['last'];
  #error: ErrorInfo | undefined;
  #result: unknown;
  #lang: Language = 'en';
  #messages: Messages = ENGLISH;
  #run = 0; // bumped by cancel(), so that an answer arriving later is dropped

  constructor(options: SignInOptions = {}) {
    this.#auth = options.auth ?? amplifyAuth;
    this.#now = options.now ?? Date.now;
    this.#signUp = options.signUp ?? 'when-not-found';
    this.#password = options.password ?? throwAwayPassword;
  }

  /** state is what to show now; the seconds are worked out from the deadlines and the clock. */
  get state(): SignInState {
    const base = { busy: this.#busy, lang: this.#lang };
    const code = this.#codeView();
    switch (this.#step) {
      case 'code':
        return { step: 'code', ...base, ...code! };
      case 'signed-in':
        return { step: 'signed-in', busy: false, lang: this.#lang, result: this.#result };
      case 'error':
        return { step: 'error', ...base, error: this.#error!, ...(code ? { code } : {}) };
      default:
        return { step: 'phone', ...base };
    }
  }

  /** messages are the texts of the language of the last start(), English before. */
  get messages(): Messages {
    return this.#messages;
  }

  /** subscribe calls listener with the new state on every change; it returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * start asks for a code for phone (E.164): signIn with CUSTOM_WITHOUT_SRP,
   * and for a number without an account signUp (with locale, a throw-away
   * password) then signIn again.
   */
  async start(phone: string, options: StartOptions = {}): Promise<SignInState> {
    const locale = options.locale ?? (typeof navigator !== 'undefined' ? navigator.language : undefined);
    this.#lang = pickLanguage(locale);
    this.#messages = await loadMessages(this.#lang);
    const run = ++this.#run;
    this.#challenge = undefined;
    this.#last = undefined;
    if (!isE164(phone)) return this.#fail({ code: 'phone_format', restart: true });
    return this.#call(run, async () => {
      const signIn = () => this.#auth.signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
      const signUp = async () => {
        try {
          await this.#auth.signUp({ username: phone, password: this.#password(), options: { userAttributes: signUpAttributes(locale) } });
        } catch (err) {
          if ((err as Error)?.name !== 'UsernameExistsException') throw err;
        }
      };
      if (this.#signUp === 'first') await signUp();
      try {
        return await signIn();
      } catch (err) {
        if (this.#signUp !== 'when-not-found' || classifyError(err).code !== 'user_not_found') throw err;
      }
      await signUp();
      return signIn();
    });
  }

  /** answer sends code; a code of the wrong form, or past its lifetime, is refused without asking. */
  async answer(code: string): Promise<SignInState> {
    const ch = this.#challenge;
    if (!ch || this.#busy) return this.#noChallenge(ch);
    const digits = String(code ?? '').replace(/\s/g, '');
    if (!new RegExp(`^\\d{${ch.codeLength}}$`).test(digits)) return this.#fail({ code: 'code_format', restart: false }, { n: ch.codeLength });
    if (this.#now() >= ch.expiresAt) return this.#fail({ code: 'code_expired', restart: !ch.resendAvailable });
    return this.#call(this.#run, () => this.#auth.confirmSignIn({ challengeResponse: digits }));
  }

  /** resend asks for a new code, only once resendInSeconds has passed and while resendAvailable. */
  async resend(): Promise<SignInState> {
    const ch = this.#challenge;
    if (!ch || this.#busy) return this.#noChallenge(ch);
    if (!ch.resendAvailable || this.#now() < ch.resendAt) return this.#fail({ code: 'resend_not_yet', restart: !ch.resendAvailable && this.#now() >= ch.expiresAt });
    return this.#call(this.#run, () => this.#auth.confirmSignIn({ challengeResponse: 'resend', options: { clientMetadata: RESEND_METADATA } }), true);
  }

  /** cancel drops the sign-in under way and goes back to the phone step. */
  cancel(): SignInState {
    this.#run++;
    this.#busy = false;
    this.#challenge = undefined;
    this.#error = undefined;
    this.#last = undefined;
    this.#step = 'phone';
    return this.#emit();
  }

  #noChallenge(ch: Challenge | undefined): SignInState {
    return this.#busy ? this.state : this.#fail({ code: 'no_challenge', restart: true }, {}, !ch);
  }

  #codeView(): CodeView | undefined {
    const ch = this.#challenge;
    if (!ch) return undefined;
    const now = this.#now();
    const resendInSeconds = ch.resendAvailable ? secondsUntil(ch.resendAt, now) : 0;
    return {
      phone: ch.phone,
      codeLength: ch.codeLength,
      attemptsLeft: ch.attemptsLeft,
      expiresInSeconds: secondsUntil(ch.expiresAt, now),
      resendInSeconds,
      resendAvailable: ch.resendAvailable,
      canResend: ch.resendAvailable && resendInSeconds === 0,
      expired: now >= ch.expiresAt,
      deliveryUncertain: ch.deliveryUncertain,
      ...(this.#last ? { last: this.#last } : {}),
    };
  }

  async #call(run: number, fn: () => Promise<amplifyAuth.SignInOutput>, resend = false): Promise<SignInState> {
    const before = this.#challenge;
    this.#busy = true;
    this.#error = undefined;
    if (this.#step === 'error') this.#step = before ? 'code' : 'phone';
    this.#emit();
    let result: amplifyAuth.SignInOutput;
    try {
      result = await fn();
    } catch (err) {
      if (run !== this.#run) return this.state;
      this.#busy = false;
      if ((err as Error)?.name === 'UserAlreadyAuthenticatedException') return this.#signedIn(undefined);
      return this.#fail(classifyError(err));
    }
    if (run !== this.#run) return this.state;
    this.#busy = false;
    if (result.isSignedIn || result.nextStep.signInStep === 'DONE') return this.#signedIn(result);
    if (result.nextStep.signInStep !== CUSTOM_CHALLENGE) {
      return this.#fail({ code: 'unknown', restart: true, cause: new Error(`unexpected sign-in step ${result.nextStep.signInStep}`) });
    }
    const ch = readChallenge((result.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo, this.#now());
    this.#challenge = ch;
    this.#step = 'code';
    this.#last = undefined;
    if (before) {
      if (resend) this.#last = ch.attemptsLeft < before.attemptsLeft ? 'resend_refused' : 'resent';
      else this.#last = ch.expiresAt <= this.#now() ? 'expired' : 'wrong';
    }
    return this.#emit();
  }

  #signedIn(result: unknown): SignInState {
    this.#step = 'signed-in';
    this.#challenge = undefined;
    this.#result = result;
    return this.#emit();
  }

  #fail(c: Classified, values: Record<string, number> = {}, drop = c.restart): SignInState {
    this.#error = explain(c, this.#messages, this.#lang, values);
    if (drop) this.#challenge = undefined;
    this.#step = 'error';
    this.#last = undefined;
    return this.#emit();
  }

  #emit(): SignInState {
    const s = this.state;
    for (const l of this.#listeners) l(s);
    return s;
  }
}
