// The state machine against the local pool with the real aws-amplify v6:
// sign-up on first use, sign-in, a wrong code, resend after its wait, three
// wrong codes, another language. The pool runs with a 2 s resend wait.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { PhoneSignIn } from '../dist/index.js';
import { CLIENT_ID, POOL_ID, counting, skipOrFail, startPool, uniquePhone, wrong } from './localpool.mjs';

const skip = skipOrFail();

describe('PhoneSignIn against the local pool', { skip }, () => {
  let pool;
  before(async () => {
    pool = await startPool({ PHONEPASS_RESEND_INTERVAL: '2s' });
    Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: pool.url } } });
  });
  after(async () => {
    await auth.signOut().catch(() => {});
    pool?.stop();
  });

  test('a new number is signed up, then signed in; the second time no sign-up', async () => {
    const phone = uniquePhone();
    const c = counting(auth);
    const m = new PhoneSignIn({ auth: c.auth });
    const seen = [];
    m.subscribe((s) => seen.push(s.step + (s.busy ? ':busy' : '')));
    const s = await m.start(phone, { locale: 'en-GB' });
    assert.equal(s.step, 'code', JSON.stringify(s));
    assert.equal(c.calls.signUp, 1, 'signUp once for a new number');
    assert.equal(c.calls.signIn, 2, 'signIn, user_not_found, signUp, signIn');
    assert.equal(s.phone, `+********${phone.slice(-4)}`);
    assert.equal(s.codeLength, 6);
    assert.equal(s.attemptsLeft, 3);
    assert.equal(s.resendAvailable, true);
    assert.equal(s.deliveryUncertain, false, 'a missing or "false" deliveryUncertain is false');
    assert.ok(s.resendInSeconds >= 1 && s.resendInSeconds <= 2, `resendInSeconds ${s.resendInSeconds}`);
    assert.ok(s.expiresInSeconds > 250 && s.expiresInSeconds <= 300, `expiresInSeconds ${s.expiresInSeconds}`);
    assert.equal(s.canResend, false);
    assert.deepEqual(seen, ['phone:busy', 'code']);

    const done = await m.answer(await pool.lastCode(phone));
    assert.equal(done.step, 'signed-in');
    assert.equal((await auth.fetchUserAttributes()).locale, 'en-GB', 'signUp set locale');
    await auth.signOut();

    const again = counting(auth);
    const m2 = new PhoneSignIn({ auth: again.auth });
    assert.equal((await m2.start(phone)).step, 'code');
    assert.equal(again.calls.signUp, 0, 'no sign-up for a known number');
    assert.equal((await m2.answer(await pool.lastCode(phone))).step, 'signed-in');
    await auth.signOut();
  });

  test('a wrong code keeps the code step with one attempt fewer; a badly formed one is refused unsent', async () => {
    const phone = uniquePhone();
    const c = counting(auth);
    const m = new PhoneSignIn({ auth: c.auth });
    await m.start(phone);
    const code = await pool.lastCode(phone);
    const sent = c.calls.confirmSignIn;
    const bad = await m.answer('12a');
    assert.equal(bad.step, 'error');
    assert.equal(bad.error.code, 'code_format');
    assert.equal(bad.error.message, 'Enter the 6-digit code from the text message.');
    assert.equal(bad.error.restart, false);
    assert.equal(bad.code.attemptsLeft, 3, 'the code step is kept');
    assert.equal(c.calls.confirmSignIn, sent, 'a badly formed code was sent');

    const w = await m.answer(wrong(code));
    assert.equal(w.step, 'code');
    assert.equal(w.last, 'wrong');
    assert.equal(w.attemptsLeft, 2);
    assert.equal((await m.answer(` ${code.slice(0, 3)} ${code.slice(3)} `)).step, 'signed-in', 'spaces in the code are dropped');
    await auth.signOut();
  });

  test('resend: refused unsent before its wait, granted after it, the new code works', async () => {
    const phone = uniquePhone();
    const c = counting(auth);
    const m = new PhoneSignIn({ auth: c.auth });
    await m.start(phone);
    const first = await pool.lastCode(phone);
    const early = await m.resend();
    assert.equal(early.step, 'error');
    assert.equal(early.error.code, 'resend_not_yet');
    assert.equal(early.error.restart, false);
    assert.equal(c.calls.confirmSignIn, 0, 'an early resend was sent (phonepass would count it wrong)');
    assert.equal((await pool.outbox(phone)).length, 1);

    while (!m.state.code?.canResend && !m.state.canResend) await new Promise((r) => setTimeout(r, 200));
    const s = await m.resend();
    assert.equal(s.step, 'code');
    assert.equal(s.last, 'resent');
    assert.equal(s.attemptsLeft, 3, 'a granted resend is not a wrong answer');
    assert.equal((await pool.outbox(phone)).length, 2, 'one more SMS');
    const second = await pool.lastCode(phone);
    if (second !== first) {
      const old = await m.answer(first);
      assert.equal(old.last, 'wrong', 'the old code no longer works');
    }
    assert.equal((await m.answer(second)).step, 'signed-in');
    await auth.signOut();
  });

  test('three wrong codes end the sign-in: too_many_attempts, start again', async () => {
    const phone = uniquePhone();
    const m = new PhoneSignIn();
    await m.start(phone);
    const bad = wrong(await pool.lastCode(phone));
    assert.equal((await m.answer(bad)).attemptsLeft, 2);
    assert.equal((await m.answer(bad)).attemptsLeft, 1);
    const s = await m.answer(bad);
    assert.equal(s.step, 'error');
    assert.equal(s.error.code, 'too_many_attempts');
    assert.equal(s.error.restart, true);
    assert.equal(s.error.message, 'Too many wrong codes. Enter your number again to get a new code.');
    assert.equal(s.code, undefined, 'the code step is gone');
    assert.equal((await m.answer('123456')).error.code, 'no_challenge');
    assert.equal(m.cancel().step, 'phone');
  });

  test('in German: the SMS, the sentences; a number the Lambda refuses comes back under its code', async () => {
    const phone = uniquePhone();
    const m = new PhoneSignIn();
    const s = await m.start(phone, { locale: 'de-DE' });
    assert.equal(s.lang, 'de');
    assert.match((await pool.outbox(phone)).at(-1).message, /Anmeldecode/);
    const bad = await m.answer('1');
    assert.equal(bad.error.message, 'Geben Sie den 6-stelligen Code aus der SMS ein.');
    m.cancel();
    // An Irish landline: PreSignUp's [cannot_text].
    const refused = await m.start('+35361234567', { locale: 'fr' });
    assert.equal(refused.step, 'error');
    assert.equal(refused.error.code, 'cannot_text');
    assert.equal(refused.error.restart, true);
    assert.equal(refused.error.message, 'Ce numéro ne peut pas recevoir de SMS. Utilisez un numéro de mobile.');
    assert.equal(refused.error.cause.name, 'UserLambdaValidationException');
  });
});
