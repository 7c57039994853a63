// aws-amplify v6 -> the local pool -> the phonepass function in its
// container under `sam local start-lambda` -> the dry-run SMS: the whole
// stack as it is deployed, with the pool calling each trigger through
// Lambda's Invoke API. Run by deploy's TestSAMLocalStartLambda, which starts
// sam local start-lambda, the pool with --lambda-endpoint, and a small
// server (PHONEPASS_OUTBOX_URL) that lists the SMS the function printed.
// Not a *.test.mjs file: the plain `node --test` run of this directory,
// against a pool whose triggers run in-process, leaves it out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { signUp, signIn, confirmSignIn, fetchUserAttributes, fetchAuthSession, signOut } from 'aws-amplify/auth';
import { url, poolId, clientId, uniquePhone, lastCode, countSMS, wrong, verify } from './pool.mjs';

Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: url, loginWith: { phone: true } } } });

test('through Lambda: sign up, a wrong code, the right code, verified tokens', async () => {
  const phone = uniquePhone();
  const up = await signUp({ username: phone });
  assert.equal(up.isSignUpComplete, true, 'PreSignUp in the function confirms the user');

  const first = await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  assert.equal(first.nextStep.additionalInfo.attemptsLeft, '3');
  assert.equal(first.nextStep.additionalInfo.phone, `+********${phone.slice(-4)}`);
  assert.equal(await countSMS(phone), 1, 'the function printed one SMS');

  const code = await lastCode(phone);
  const again = await confirmSignIn({ challengeResponse: wrong(code) });
  assert.equal(again.isSignedIn, false);
  assert.equal(again.nextStep.additionalInfo.attemptsLeft, '2');
  assert.equal(await countSMS(phone), 1, 'a wrong code sends no new SMS');

  const done = await confirmSignIn({ challengeResponse: code });
  assert.equal(done.isSignedIn, true, `got ${JSON.stringify(done.nextStep)}, want signed in`);
  const attrs = await fetchUserAttributes();
  assert.equal(attrs.phone_number, phone);
  assert.equal(attrs.phone_number_verified, 'true');
  const { tokens } = await fetchAuthSession();
  const id = await verify(tokens.idToken.toString(), 'id');
  assert.equal(id.phone_number, phone);
  await signOut();
});

test('through Lambda: the local pool sent nothing itself', async () => {
  const res = await fetch(`${url}/_local/outbox`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.messages, [], 'with --lambda-endpoint the function sends the SMS, not the pool');
});
