import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwAwayPassword, isUserNotFound, describeError, codeFromMessage } from '../src/flow.js';

function awsError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

test('throwAwayPassword', async (t) => {
  const a = throwAwayPassword();
  const b = throwAwayPassword();
  await t.test('differs each time', () => assert.notEqual(a, b));
  await t.test('meets the default Cognito policy', () => {
    assert.ok(a.length >= 32, `got length ${a.length}, want at least 32`);
    for (const re of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/]) assert.match(a, re);
  });
});

test('isUserNotFound', async (t) => {
  const cases = [
    { name: 'Cognito', err: awsError('UserNotFoundException', 'User does not exist.'), want: true },
    { name: 'phonepass trigger', err: awsError('UserLambdaValidationException', 'DefineAuthChallenge failed with error [user_not_found] user not found.'), want: true },
    { name: 'other trigger error', err: awsError('UserLambdaValidationException', 'CreateAuthChallenge failed with error [send_failed] could not send the code.'), want: false },
    { name: 'wrong code', err: awsError('NotAuthorizedException', 'Incorrect username or password.'), want: false },
    { name: 'nothing', err: undefined, want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isUserNotFound(c.err), c.want));
});

test('describeError', async (t) => {
  const cases = [
    { name: 'too many attempts', err: awsError('NotAuthorizedException', 'Incorrect username or password.'), want: /Too many wrong codes/ },
    { name: 'expired session', err: awsError('NotAuthorizedException', 'Invalid session for the user, session is expired.'), want: /took too long/ },
    { name: 'sms failed', err: awsError('UserLambdaValidationException', 'CreateAuthChallenge failed with error [send_failed] could not send the code.'), want: /could not send a text/ },
    { name: 'unknown number', err: awsError('UserLambdaValidationException', 'DefineAuthChallenge failed with error [user_not_found] user not found.'), want: /no account/ },
    { name: 'country refused', err: awsError('UserLambdaValidationException', 'PreSignUp failed with error [country_not_accepted] phone numbers from this country are not accepted.'), want: /this country/ },
    { name: 'bad number', err: awsError('UserLambdaValidationException', 'PreSignUp failed with error [phone_format] phone_number must be in E.164 form.'), want: /valid phone number/ },
    { name: 'throttled', err: awsError('TooManyRequestsException', 'Rate exceeded'), want: /Too many tries/ },
    { name: 'disabled user is not told about wrong codes', err: awsError('NotAuthorizedException', 'User is disabled.'), want: /account is disabled/ },
    { name: 'cool-off says when', err: awsError('UserLambdaValidationException', 'CreateAuthChallenge failed with error [cooling_off] too many wrong codes for this phone number; try again in 14 minutes.'), want: /Too many wrong codes for this number\. Try again in 14 minutes\./ },
    { name: 'pool ceiling says when', err: awsError('UserLambdaValidationException', 'CreateAuthChallenge failed with error [pool_limited] sign-in codes are temporarily unavailable; try again in 20 seconds.'), want: /busy right now\. Try again in 20 seconds/ },
    { name: 'lock', err: awsError('UserLambdaValidationException', 'VerifyAuthChallengeResponse failed with error [locked] too many wrong codes for this phone number: it is locked until support unlocks it.'), want: /locked/ },
    { name: 'code, not prose: new wording, same code', err: awsError('UserLambdaValidationException', 'CreateAuthChallenge failed with error [send_failed] SMS provider down.'), want: /could not send a text/ },
    { name: 'network', err: new TypeError('Failed to fetch'), want: /Could not reach/ },
    { name: 'anything else', err: awsError('InternalErrorException', 'boom'), want: /^Something went wrong\. Try again\.$/ },
  ];
  for (const c of cases) await t.test(c.name, () => assert.match(describeError(c.err).text, c.want));
});

test('codeFromMessage', async (t) => {
  const cases = [
    { name: 'plain', text: 'Your code is 123456. It expires in 5 minutes.', want: '123456' },
    { name: 'webotp line wins', text: 'MyApp: your code is 123456\n\n@example.com #123456', want: '123456' },
    { name: 'length matters', text: 'Code 4321, valid 10 minutes', len: 4, want: '4321' },
    { name: 'no code', text: 'hello', want: '' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(codeFromMessage(c.text, c.len), c.want));
});

