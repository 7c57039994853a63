// An expired code against the local pool (PHONEPASS_CODE_TTL=30s, the
// least it takes): the machine refuses to send a code its own clock says is
// past its lifetime; sent anyway (a clock behind), phonepass answers with
// the same challenge at 0 seconds, and a new code signs in.
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
  pool = await startPool({ PHONEPASS_CODE_TTL: '30s', PHONEPASS_RESEND_INTERVAL: '0s' });
  Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: pool.url } } });
});
after(() => pool?.stop());

test('an expired code', { skip, timeout: 60_000 }, async () => {
  const phone = uniquePhone();
  let offset = 0; // the machine's clock runs this far ahead of the real one
  const c = counting(auth);
  const m = new PhoneSignIn({ auth: c.auth, now: () => Date.now() + offset });
  const s = await m.start(phone);
  assert.ok(s.expiresInSeconds > 25 && s.expiresInSeconds <= 30, `expiresInSeconds ${s.expiresInSeconds}`);
  const code = await pool.lastCode(phone);

  // The deadline, not a countdown: 31 s later on the clock the code is expired.
  offset = 31_000;
  assert.equal(m.state.expired, true);
  assert.equal(m.state.expiresInSeconds, 0);
  const refused = await m.answer(code);
  assert.equal(refused.error.code, 'code_expired');
  assert.equal(refused.error.restart, false, 'a resend is still available');
  assert.equal(c.calls.confirmSignIn, 0, 'an expired code was sent');

  // Really expired, but the clock says not: phonepass refuses it as wrong, with 0 seconds left.
  offset = -60_000;
  await new Promise((r) => setTimeout(r, Math.max(0, s.expiresInSeconds * 1000 + 1500)));
  const late = await m.answer(code);
  assert.equal(late.step, 'code');
  assert.equal(late.last, 'expired');
  assert.equal(late.attemptsLeft, 2);

  assert.equal(late.expired, true, 'expiresInSeconds 0 puts the deadline at its arrival');
  assert.equal(late.expiresInSeconds, 0);
  offset = 0;
  const fresh = await m.resend();
  assert.equal(fresh.last, 'resent');
  assert.ok(fresh.expiresInSeconds > 25);
  assert.equal((await m.answer(await pool.lastCode(phone))).step, 'signed-in');
  await auth.signOut();
});
