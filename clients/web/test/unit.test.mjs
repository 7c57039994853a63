// The parts that need no pool: every error code's state and sentence in
// every language, the languages and their choice, the challenge's deadlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CLIENT_CODES, ENGLISH, ERROR_RULES, ERROR_TEXTS, LANGUAGES, PHONEPASS_CODES, PhoneSignIn, classifyError, clock,
  describeError, isRTL, loadMessages, pickLanguage, readChallenge, secondsUntil,
} from '../dist/index.js';

const errorsGo = readFileSync(new URL('../../../triggers/errors.go', import.meta.url), 'utf8');
const GO_CODES = [...errorsGo.matchAll(/^\s+Code\w+\s+ErrorCode = "([a-z_]+)"/gm)].map((m) => m[1]);

function awsError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}
const lambda = (code, rest = 'something.') => awsError('UserLambdaValidationException', `CreateAuthChallenge failed with error [${code}] ${rest}`);

test('the codes are triggers/errors.go\'s', () => {
  assert.ok(GO_CODES.length >= 20, `read ${GO_CODES.length} codes from errors.go`);
  assert.deepEqual([...PHONEPASS_CODES].sort(), [...GO_CODES].sort());
  assert.deepEqual(Object.keys(ERROR_TEXTS).sort(), [...GO_CODES].sort());
});

test('every phonepass code has its state, in every language', async (t) => {
  for (const lang of LANGUAGES) {
    const messages = await loadMessages(lang);
    for (const code of PHONEPASS_CODES) {
      await t.test(`${lang} ${code}`, () => {
        const got = describeError(lambda(code), messages, lang);
        assert.equal(got.code, code);
        assert.equal(got.restart, ERROR_RULES[code].restart);
        assert.equal(got.message, messages[ERROR_RULES[code].key]);
        assert.ok(got.message.length > 5);
      });
    }
  }
});

test('Cognito\'s answers and the client\'s own refusals', async (t) => {
  const cases = [
    [awsError('NotAuthorizedException', 'Incorrect username or password.'), 'too_many_attempts', true],
    [awsError('NotAuthorizedException', 'Invalid session for the user, session is expired.'), 'session_expired', true],
    [awsError('NotAuthorizedException', 'User is disabled.'), 'user_disabled', true],
    [awsError('NotAuthorizedException', 'SignUp is not permitted for this user pool'), 'sign_up_disabled', true],
    [awsError('UserNotFoundException', 'User does not exist.'), 'user_not_found', true],
    [awsError('SignInException', 'expired'), 'session_expired', true],
    [awsError('TooManyRequestsException', 'Rate exceeded'), 'throttled', true],
    [awsError('LimitExceededException', 'x'), 'throttled', true],
    [new TypeError('Failed to fetch'), 'network', false],
    [awsError('InternalErrorException', 'boom'), 'unknown', true],
    [lambda('check_failed'), 'check_failed', false],
    [awsError('UserLambdaValidationException', 'PreSignUp failed with error [no_such_code] hm.'), 'unknown', true],
  ];
  for (const [err, code, restart] of cases) {
    await t.test(`${err.name} ${err.message}`, () => {
      const c = classifyError(err);
      assert.equal(c.code, code);
      assert.equal(c.restart, restart);
      assert.equal(c.cause, err);
    });
  }
  await t.test('every client code has a sentence in every language', async () => {
    for (const lang of LANGUAGES) {
      const m = await loadMessages(lang);
      for (const code of CLIENT_CODES) assert.ok(m[ERROR_RULES[code].key]?.length > 3, `${lang} ${code}`);
    }
  });
});

test('a limit says when to try again, in the user\'s words', () => {
  const err = lambda('cooling_off', 'too many wrong codes for this phone number; try again in 14 minutes.');
  assert.equal(describeError(err).message, 'Too many wrong codes for this number. Try again in 14 minutes.');
  assert.equal(classifyError(err).wait.value, 14);
  const pool = lambda('pool_limited', 'sign-in codes are temporarily unavailable; try again in 20 seconds.');
  assert.equal(describeError(pool).message, 'Sign-in codes are busy right now. Try again in 20 seconds.');
});

test('languages: the 31 of the SMS, each complete', async (t) => {
  const catalogue = readFileSync(new URL('../../../sms/catalogue.go', import.meta.url), 'utf8');
  const smsTags = [...catalogue.matchAll(/^\s+"([A-Za-z-]+)":\s+"/gm)].map((m) => m[1]);
  assert.equal(smsTags.length, 31);
  assert.deepEqual([...LANGUAGES].sort(), [...smsTags].sort());
  const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const lang of LANGUAGES) {
    await t.test(lang, async () => {
      const m = await loadMessages(lang);
      assert.deepEqual(Object.keys(m).sort(), Object.keys(ENGLISH).sort());
      for (const [k, v] of Object.entries(m)) {
        assert.equal(typeof v, 'string');
        assert.deepEqual(holes(v), holes(ENGLISH[k]), `${lang}.${k} placeholders`);
        if (lang !== 'en' && !['country'].includes(k)) assert.notEqual(v, ENGLISH[k], `${lang}.${k} is still English`);
      }
    });
  }
});

test('pickLanguage, as sms.Language', () => {
  const cases = [
    ['pt-BR', 'pt-BR'], ['pt-PT', 'pt'], ['pt', 'pt'], ['zh-TW', 'zh-Hant'], ['zh-CN', 'zh-Hans'], ['zh', 'zh-Hans'],
    ['zh-Hant-HK', 'zh-Hant'], ['no', 'nb'], ['iw', 'he'], ['de_AT.UTF-8', 'de'], ['ar-EG', 'ar'], ['xx', 'en'], ['', 'en'],
  ];
  for (const [tag, want] of cases) assert.equal(pickLanguage(tag), want, tag);
  assert.equal(pickLanguage(null, ['xx', 'fr-CA']), 'fr', 'the first known of several');
  assert.ok(isRTL('ar') && isRTL('he') && !isRTL('en'));
});

test('the challenge: deadlines from the parameters and the clock', () => {
  const ch = readChallenge({ phone: '+********4455', codeLength: '6', attemptsLeft: '2', resendAvailable: 'true', resendInSeconds: '27', expiresInSeconds: '299' }, 1_000_000);
  assert.deepEqual(ch, { phone: '+********4455', codeLength: 6, attemptsLeft: 2, resendAvailable: true, deliveryUncertain: false, expiresAt: 1_299_000, resendAt: 1_027_000 });
  assert.equal(readChallenge({ deliveryUncertain: 'true' }).deliveryUncertain, true);
  assert.equal(secondsUntil(1_027_000, 1_000_001), 27);
  assert.equal(secondsUntil(1_027_000, 1_030_000), 0);
  assert.equal(clock(299), '4:59');
});

test('the state follows an injected clock, with no timer', async () => {
  let now = 5_000;
  const challenge = (extra = {}) => ({
    isSignedIn: false,
    nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', additionalInfo: { phone: '+****0123', codeLength: '6', attemptsLeft: '3', resendAvailable: 'true', resendInSeconds: '30', expiresInSeconds: '300', ...extra } },
  });
  const fake = { signIn: async () => challenge({ deliveryUncertain: 'true' }), signUp: async () => ({}), confirmSignIn: async () => challenge({ resendAvailable: 'false' }) };
  const m = new PhoneSignIn({ auth: fake, now: () => now });
  const s = await m.start('+447700900123', { locale: 'en' });
  assert.equal(s.deliveryUncertain, true);
  assert.equal(s.resendInSeconds, 30);
  now += 10_500;
  assert.equal(m.state.resendInSeconds, 20);
  assert.equal(m.state.expiresInSeconds, 290);
  assert.equal(m.state.canResend, false);
  now += 20_000;
  assert.equal(m.state.canResend, true);
  const r = await m.resend();
  assert.equal(r.resendAvailable, false);
  assert.equal(r.resendInSeconds, 0);
  assert.equal((await m.resend()).error.code, 'resend_not_yet');
  assert.equal((await new PhoneSignIn({ auth: fake }).start('07700 900123')).error.code, 'phone_format');
});
