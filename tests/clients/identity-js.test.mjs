// amazon-cognito-identity-js against the local pool: the custom flow with
// initiateAuth and sendCustomChallengeAnswer, a resend, and refresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoUserPool, CognitoUser, AuthenticationDetails,
} from 'amazon-cognito-identity-js';
import {
  url, poolId, clientId, uniquePhone, lastCode, countSMS, wrong, verify,
} from './pool.mjs';

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url });

function signUp(phone) {
  return new Promise((resolve, reject) => {
    pool.signUp(phone, null, [], [], (err, res) => (err ? reject(err) : resolve(res)));
  });
}

// step wraps one call that ends in customChallenge, onSuccess or onFailure.
function step(start) {
  return new Promise((resolve) => {
    start({
      customChallenge: (params) => resolve({ challenge: params }),
      onSuccess: (session) => resolve({ session }),
      onFailure: (err) => resolve({ err }),
    });
  });
}

test('identity-js: custom auth with a wrong code, a resend and the right code', async () => {
  const phone = uniquePhone();
  const res = await signUp(phone);
  assert.equal(res.userConfirmed, true);

  const user = new CognitoUser({ Username: phone, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const first = await step((cb) => user.initiateAuth(new AuthenticationDetails({ Username: phone }), cb));
  assert.ok(first.challenge, `initiateAuth: got ${JSON.stringify(first)}, want a challenge`);
  assert.equal(first.challenge.USERNAME, res.userSub, 'ChallengeParameters.USERNAME is the generated username (the sub)');
  assert.equal(first.challenge.resendAvailable, 'true');

  const code = await lastCode(phone);
  const second = await step((cb) => user.sendCustomChallengeAnswer(wrong(code), cb));
  assert.equal(second.challenge?.attemptsLeft, '2');

  const before = await countSMS(phone);
  const third = await step((cb) => user.sendCustomChallengeAnswer('resend', cb, { phonepass_action: 'resend' }));
  assert.ok(third.challenge, `resend: got ${JSON.stringify(third)}, want a challenge`);
  assert.equal(await countSMS(phone), before + 1);

  const newCode = await lastCode(phone);
  const done = await step((cb) => user.sendCustomChallengeAnswer(newCode, cb));
  assert.ok(done.session, `right code: got ${done.err}, want a session`);
  assert.equal(done.session.isValid(), true);
  const id = await verify(done.session.getIdToken().getJwtToken(), 'id');
  assert.equal(id.phone_number, phone);

  const refreshed = await new Promise((resolve, reject) => {
    user.refreshSession(done.session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s)));
  });
  const access = await verify(refreshed.getAccessToken().getJwtToken(), 'access');
  assert.equal(access.sub, res.userSub);
});

test('identity-js: a stale session is refused with Cognito\'s message', async () => {
  const phone = uniquePhone();
  await signUp(phone);
  const user = new CognitoUser({ Username: phone, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  await step((cb) => user.initiateAuth(new AuthenticationDetails({ Username: phone }), cb));
  const code = await lastCode(phone);
  user.Session = 'not-a-session';
  const out = await step((cb) => user.sendCustomChallengeAnswer(code, cb));
  assert.ok(out.err, 'want an error');
  assert.equal(out.err.code, 'NotAuthorizedException');
  assert.equal(out.err.message, 'Invalid session for the user, session is expired.');
});
