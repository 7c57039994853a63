// Starts phonepass's local pool (cmd/localpool, built once with go build)
// in memory on a free loopback port with the given PHONEPASS_* settings, for
// the tests that sign in against it with the real aws-amplify v6. Without Go
// the tests skip, and fail when CI=true.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN_DIR = join(ROOT, 'clients', 'web', 'node_modules', '.localpool');
export const POOL_ID = 'us-east-1_phonepass';
export const CLIENT_ID = 'phonepasslocalappclient001';

/** missingGo says why the pool cannot be built here, or ''. */
export function missingGo() {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return 'go is not installed: the pool tests need it to build cmd/localpool';
  }
  return existsSync(join(ROOT, 'cmd', 'localpool')) ? '' : 'cmd/localpool is not in this checkout';
}

/** skipOrFail returns the skip option for node:test: false, or why (throws in CI). */
export function skipOrFail() {
  const why = missingGo();
  if (why && process.env.CI === 'true') throw new Error(why);
  return why || false;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * startPool builds the pool (go's cache makes later builds quick) and starts
 * it with env; it returns { url, outbox(phone), lastCode(phone), stop() }.
 */
export async function startPool(env = {}) {
  // LOCALPOOL_BIN: a pool built already (say, from another commit).
  let bin = process.env.LOCALPOOL_BIN;
  if (!bin) {
    mkdirSync(BIN_DIR, { recursive: true });
    bin = join(BIN_DIR, `localpool-${process.pid}`);
    execFileSync('go', ['build', '-o', bin, './cmd/localpool'], { cwd: ROOT, stdio: 'inherit' });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['--addr', `127.0.0.1:${port}`, '--in-memory'], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/_local/outbox`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 100) throw new Error(`the local pool did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const outbox = async (phone) => {
    const res = await fetch(`${url}/_local/outbox?phone=${encodeURIComponent(phone)}`);
    return (await res.json()).messages;
  };
  return {
    url,
    outbox,
    log: () => log,
    /** lastCode returns the code of the newest SMS to phone. */
    async lastCode(phone) {
      const msgs = await outbox(phone);
      const m = msgs.at(-1)?.message.match(/\b(\d{6})\b/);
      if (!m) throw new Error(`no code in the outbox for ${phone}: ${JSON.stringify(msgs)}`);
      return m[1];
    },
    stop: () => {
      child.kill();
      if (!process.env.LOCALPOOL_BIN) rmSync(bin, { force: true });
    },
  };
}

let seq = Math.floor(Math.random() * 900);
/** uniquePhone returns a fresh number of the UK's drama range (+44 7700 900xxx). */
export function uniquePhone() {
  seq = (seq + 1) % 1000;
  return `+447700900${String(seq).padStart(3, '0')}`;
}

/** wrong returns a code of the same length that is not code. */
export function wrong(code) {
  return code.split('').map((d) => String((Number(d) + 1) % 10)).join('');
}

/** counting wraps aws-amplify/auth's functions, counting the calls of each. */
export function counting(auth) {
  const calls = { signIn: 0, signUp: 0, confirmSignIn: 0 };
  const wrap = (name) => (...a) => {
    calls[name]++;
    return auth[name](...a);
  };
  return { calls, auth: { signIn: wrap('signIn'), signUp: wrap('signUp'), confirmSignIn: wrap('confirmSignIn') } };
}
