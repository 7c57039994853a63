// An unknown number in hidden mode (PHONEPASS_HIDE_UNKNOWN_USERS=true):
// the machine shows the same code step as for a known number, no SMS goes
// out, no sign-up is tried, and the wrong answers end it as for anyone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { PhoneSignIn } from '../dist/index.js';
import { CLIENT_ID, POOL_ID, counting, skipOrFail, startPool, uniquePhone } from './localpool.mjs';

const skip = skipOrFail();
let pool;
before(async () => {
  if (skip) return;
  pool = await startPool({ PHONEPASS_HIDE_UNKNOWN_USERS: 'true' });
  Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: pool.url } } });
});
after(() => pool?.stop());

const shape = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v]));

test('an unknown number in hidden mode', { skip }, async () => {
  // A known number, signed up by 'first' (hidden mode gives no user_not_found).
  const known = uniquePhone();
  const k = new PhoneSignIn({ signUp: 'first' });
  const ks = await k.start(known);
  assert.equal(ks.step, 'code');
  assert.equal((await pool.outbox(known)).length, 1);
  k.cancel();

  const unknown = uniquePhone();
  const c = counting(auth);
  const m = new PhoneSignIn({ auth: c.auth });
  const s = await m.start(unknown);
  assert.equal(s.step, 'code', JSON.stringify(s));
  assert.equal(c.calls.signUp, 0, 'no sign-up: phonepass did not say user_not_found');
  assert.deepEqual(shape(s), shape(ks), 'the same state as for a known number');
  assert.equal(s.phone, `+********${unknown.slice(-4)}`);
  assert.equal(s.attemptsLeft, ks.attemptsLeft);
  assert.equal(s.codeLength, ks.codeLength);
  assert.deepEqual(await pool.outbox(unknown), [], 'an SMS went to an unknown number');

  assert.equal((await m.answer('123456')).attemptsLeft, 2);
  assert.equal((await m.answer('123456')).attemptsLeft, 1);
  const end = await m.answer('123456');
  assert.equal(end.error.code, 'too_many_attempts');
  assert.equal(end.error.restart, true);
});
