// aws-amplify v6 against the local pool through its public API: signUp,
// signIn with CUSTOM_WITHOUT_SRP, confirmSignIn (wrong code, resend, right
// code), fetchUserAttributes, updateUserAttributes, deleteUserAttributes,
// fetchAuthSession (and its refresh, GetTokensFromRefreshToken), signOut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  signUp, signIn, confirmSignIn, fetchUserAttributes, fetchAuthSession, signOut, getCurrentUser,
  updateUserAttributes, deleteUserAttributes,
} from 'aws-amplify/auth';
import {
  url, poolId, clientId, uniquePhone, lastCode, countSMS, wrong, verify, cognito,
} from './pool.mjs';

Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: url, loginWith: { phone: true } } } });

test('amplify: sign up, sign in by code, attributes, verified tokens, sign out', async () => {
  const phone = uniquePhone();
  const up = await signUp({ username: phone });
  assert.equal(up.isSignUpComplete, true, `signUp: got isSignUpComplete ${up.isSignUpComplete}, want true`);
  assert.equal(up.nextStep.signUpStep, 'DONE');

  const first = await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  const info = first.nextStep.additionalInfo;
  assert.equal(info.codeLength, '6');
  assert.equal(info.attemptsLeft, '3');
  assert.equal(info.phone, `+********${phone.slice(-4)}`);

  const code = await lastCode(phone);
  const afterWrong = await confirmSignIn({ challengeResponse: wrong(code) });
  assert.equal(afterWrong.isSignedIn, false);
  assert.equal(afterWrong.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  assert.equal(afterWrong.nextStep.additionalInfo.attemptsLeft, '2');

  // The pool under test runs with PHONEPASS_RESEND_INTERVAL=0s.
  const before = await countSMS(phone);
  const afterResend = await confirmSignIn({ challengeResponse: 'resend', options: { clientMetadata: { phonepass_action: 'resend' } } });
  assert.equal(afterResend.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  assert.equal(await countSMS(phone), before + 1, 'resend: want one more SMS');
  assert.equal(afterResend.nextStep.additionalInfo.attemptsLeft, '2', 'a granted resend is not a wrong answer');

  const done = await confirmSignIn({ challengeResponse: await lastCode(phone) });
  assert.equal(done.isSignedIn, true, `confirmSignIn: got ${JSON.stringify(done.nextStep)}, want signed in`);

  const user = await getCurrentUser();
  const attrs = await fetchUserAttributes();
  assert.equal(attrs.phone_number, phone);
  assert.equal(attrs.phone_number_verified, 'true');
  assert.equal(attrs.sub, user.userId);

  const { tokens } = await fetchAuthSession();
  const id = await verify(tokens.idToken.toString(), 'id');
  assert.equal(id.phone_number, phone);
  assert.equal(id['cognito:username'], user.username);
  const access = await verify(tokens.accessToken.toString(), 'access');
  assert.equal(access.sub, user.userId);
  assert.ok(access.origin_jti, 'access token has no origin_jti');

  await signOut();
  // signOut revoked the refresh token: its access token no longer works.
  const after = await cognito('GetUser', { AccessToken: tokens.accessToken.toString() });
  assert.equal(after.status, 400);
  assert.equal(after.body.__type, 'NotAuthorizedException');
  assert.equal(after.body.message, 'Access Token has been revoked');
});

test('amplify: three wrong codes fail the sign-in', async () => {
  const phone = uniquePhone();
  await signUp({ username: phone });
  await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  const bad = wrong(await lastCode(phone));
  await confirmSignIn({ challengeResponse: bad });
  await confirmSignIn({ challengeResponse: bad });
  await assert.rejects(confirmSignIn({ challengeResponse: bad }), (err) => {
    assert.equal(err.name, 'NotAuthorizedException');
    assert.equal(err.message, 'Incorrect username or password.');
    return true;
  });
});

test('amplify: signing up twice is refused', async () => {
  const phone = uniquePhone();
  await signUp({ username: phone });
  await assert.rejects(signUp({ username: phone }), (err) => {
    assert.equal(err.name, 'UsernameExistsException');
    return true;
  });
});

// The app client may not write phone_number (WriteAttributes in
// template.yaml): the username sets it, and only an administrator changes it.
test('amplify: a client cannot write phone_number', async () => {
  const phone = uniquePhone();
  await assert.rejects(signUp({ username: phone, options: { userAttributes: { phone_number: uniquePhone() } } }), (err) => {
    assert.equal(err.name, 'NotAuthorizedException');
    assert.equal(err.message, 'A client attempted to write unauthorized attribute');
    return true;
  });
});

// The user edits its profile within the app client's WriteAttributes
// (template.yaml): every standard attribute but phone_number and the
// verification flags, and nothing outside the schema.
test('amplify: update and delete attributes, then refresh the tokens', async () => {
  const phone = uniquePhone();
  await signUp({ username: phone });
  await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  const done = await confirmSignIn({ challengeResponse: await lastCode(phone) });
  assert.equal(done.isSignedIn, true);

  const out = await updateUserAttributes({ userAttributes: { name: 'Ada', email: 'ada@example.com' } });
  assert.equal(out.name.isUpdated, true);
  assert.equal(out.email.nextStep.updateAttributeStep, 'DONE', 'the pool sends no verification code');
  let attrs = await fetchUserAttributes();
  assert.equal(attrs.name, 'Ada');
  assert.equal(attrs.email, 'ada@example.com');

  await assert.rejects(updateUserAttributes({ userAttributes: { phone_number: uniquePhone() } }), (err) => {
    assert.equal(err.name, 'NotAuthorizedException');
    assert.equal(err.message, 'A client attempted to write unauthorized attribute');
    return true;
  });
  await assert.rejects(updateUserAttributes({ userAttributes: { token_use: 'access' } }), (err) => {
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, 'user.token_use: Attribute does not exist in the schema.');
    return true;
  });

  await deleteUserAttributes({ userAttributeKeys: ['name'] });
  attrs = await fetchUserAttributes();
  assert.equal(attrs.name, undefined);
  assert.equal(attrs.phone_number, phone);

  // Amplify v6 refreshes with GetTokensFromRefreshToken; the new ID token
  // has the attributes as they are now.
  const before = (await fetchAuthSession()).tokens;
  const after = (await fetchAuthSession({ forceRefresh: true })).tokens;
  assert.notEqual(after.accessToken.toString(), before.accessToken.toString());
  const id = await verify(after.idToken.toString(), 'id');
  assert.equal(id.email, 'ada@example.com');
  assert.equal(id.name, undefined);
  assert.equal(id.token_use, 'id');
  await signOut();
});
