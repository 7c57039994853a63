// Shared helpers of the client tests: where the local pool is (set by the Go
// test that starts it, cmd/localpool's TestNodeClients), its SMS outbox, and
// token verification with aws-jwt-verify against the pool's JWKS.
import assert from 'node:assert/strict';
import { JwtVerifier } from 'aws-jwt-verify';

function env(name) {
  const v = process.env[name];
  assert.ok(v, `${name} is not set: run these tests through \`go test ./cmd/localpool -run TestNodeClients\` or \`make test-clients\`, which start the local pool`);
  return v;
}

export const url = env('LOCALPOOL_URL');
export const poolId = env('LOCALPOOL_POOL_ID');
export const clientId = env('LOCALPOOL_CLIENT_ID');
export const issuer = `${url}/${poolId}`;

/**
 * outboxUrl is where the SMS sent are listed: the local pool's outbox, or,
 * when the triggers run in a Lambda function that prints them
 * (through-lambda.mjs), PHONEPASS_OUTBOX_URL, which serves what the
 * function printed in the same form.
 */
export const outboxUrl = process.env.PHONEPASS_OUTBOX_URL || `${url}/_local/outbox`;

/**
 * uniquePhone returns a number of the UK's drama range (+44 7700 900000 to
 * 900999, which no subscriber has and the triggers accept) not used before
 * in this process, from a random start, so that runs against a long-lived
 * pool rarely collide.
 */
let seq = Math.floor(Math.random() * 1000);
export function uniquePhone() {
  seq = (seq + 1) % 1000;
  return `+447700900${String(seq).padStart(3, '0')}`;
}

/** outbox returns the SMS sent, oldest first (see outboxUrl). */
export async function outbox() {
  const res = await fetch(outboxUrl);
  assert.equal(res.status, 200, `GET ${outboxUrl}: got ${res.status}, want 200`);
  const body = await res.json();
  assert.ok(Array.isArray(body.messages), 'outbox has no messages array');
  return body.messages;
}

/** lastCode returns the code in the newest SMS to phone. */
export async function lastCode(phone) {
  const msgs = (await outbox()).filter((m) => m.phone === phone);
  assert.ok(msgs.length > 0, `no SMS to ${phone} in the outbox`);
  const m = msgs[msgs.length - 1].message.match(/\b(\d{4,10})\b/);
  assert.ok(m, `no code in SMS ${JSON.stringify(msgs[msgs.length - 1].message)}`);
  return m[1];
}

/** countSMS returns the number of SMS to phone in the outbox. */
export async function countSMS(phone) {
  return (await outbox()).filter((m) => m.phone === phone).length;
}

/** wrong returns a code of the same length that is not code. */
export function wrong(code) {
  return code.split('').map((d) => String((Number(d) + 1) % 10)).join('');
}

let jwks;
async function loadJwks() {
  if (!jwks) {
    const res = await fetch(`${issuer}/.well-known/jwks.json`);
    assert.equal(res.status, 200, `GET jwks.json: got ${res.status}`);
    jwks = await res.json();
  }
  return jwks;
}

/**
 * verify checks token's signature, issuer, expiry and use against the local
 * pool's JWKS with aws-jwt-verify and returns its payload. aws-jwt-verify
 * fetches JWKS over https only, so the key set is fetched here and cached
 * into the verifier (its cacheJwks API).
 */
export async function verify(token, tokenUse) {
  const verifier = JwtVerifier.create({
    issuer,
    audience: tokenUse === 'id' ? clientId : null,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== tokenUse) throw new Error(`token_use is ${payload.token_use}, want ${tokenUse}`);
      if (tokenUse === 'access' && payload.client_id !== clientId) throw new Error(`client_id is ${payload.client_id}, want ${clientId}`);
    },
  });
  verifier.cacheJwks(await loadJwks());
  return verifier.verify(token);
}

/** cognito calls the local pool's Cognito API directly, as the SDKs do. */
export async function cognito(action, body) {
  const res = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
