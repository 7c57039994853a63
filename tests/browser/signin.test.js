// End-to-end test of examples/web in Debian's chromium, driven by
// playwright-core, against a running local pool that serves the built page.
//
// run.sh builds the page, starts the pool (in memory, resend interval 0s)
// and sets PHONEPASS_URL; `make test-web` calls run.sh. Screenshots of every
// step go to test-artifacts/browser/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BASE = process.env.PHONEPASS_URL;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser');
const DIST = join(ROOT, 'examples', 'web', 'dist');
const IN_CI = process.env.CI === 'true';

// The flags that let chromium run as root on this closed network.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** missing fails in CI and skips elsewhere, saying what is missing. */
function missing() {
  if (!BASE) return 'PHONEPASS_URL is not set: run tests/browser/run.sh (or make test-web)';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install chromium (or make setup)`;
  return '';
}

const why = missing();
if (why && IN_CI) {
  test('browser test prerequisites', () => assert.fail(why));
}

describe('example sign-in page in chromium', { skip: why || false }, () => {
  let context;
  let profile;
  let shot = 0;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), 'phonepass-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1100, height: 820 },
      locale: 'en-GB',
      timeout: 30_000,
    });
    context.setDefaultTimeout(10_000);
  });

  after(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  /** openPage opens the page signed out, and records uncaught page errors. */
  async function openPage() {
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (err) => page.errors.push(err.message));
    await fetch(BASE + '/_local/outbox', { method: 'DELETE' });
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator('#step-phone').waitFor();
    return page;
  }

  async function screenshot(page, name) {
    shot++;
    const file = join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
  }

  /** enterPhone picks the country, types the number and presses Enter. */
  async function enterPhone(page, iso, typed) {
    await page.selectOption('#country', iso);
    await page.fill('#phone', typed);
    await page.press('#phone', 'Enter');
  }

  /** newestSMS waits for an outbox message to phone newer than afterId and returns it. */
  async function newestSMS(page, phone, afterId = 0) {
    const item = page.locator(`#outbox-list li.sms[data-phone="${phone}"]`).first();
    await item.waitFor();
    const deadline = Date.now() + 10_000;
    while (Number(await item.getAttribute('data-id')) <= afterId) {
      assert.ok(Date.now() < deadline, `no new SMS to ${phone} after id ${afterId} within 10s`);
      await page.waitForTimeout(200);
    }
    const sms = {
      id: Number(await item.getAttribute('data-id')),
      code: await item.getAttribute('data-code'),
      item,
    };
    assert.match(sms.code, /^\d{6}$/, `got code ${JSON.stringify(sms.code)} from the outbox panel, want 6 digits`);
    // The panel shows what the pool's outbox endpoint holds for phone.
    const res = await fetch(`${BASE}/_local/outbox?phone=${encodeURIComponent(phone)}&limit=1`);
    const { messages } = await res.json();
    const last = messages.at(-1);
    assert.equal(last?.phone, phone, `the outbox's ?phone= filter answered ${JSON.stringify(messages)}`);
    assert.ok(last?.message.includes(sms.code), `got last message ${JSON.stringify(last)}, want one holding ${sms.code}`);
    return sms;
  }

  async function enterCode(page, code) {
    await page.fill('#code', code);
    await page.press('#code', 'Enter');
  }

  async function expectSignedIn(page, phone) {
    await page.locator('#step-done').waitFor();
    assert.equal(await page.textContent('#done-phone'), phone);
    const exp = Date.parse(await page.getAttribute('#done-expiry', 'datetime'));
    assert.ok(exp > Date.now(), `got token expiry ${new Date(exp).toISOString()}, want a time in the future`);
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'done-heading'), 'focus is not on the signed-in heading');
  }

  /** idClaims returns the claims of the ID token that Amplify keeps in localStorage. */
  async function idClaims(page) {
    const token = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith('.idToken'))?.[1]);
    assert.ok(token, 'no ID token in localStorage');
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  }

  async function signOut(page) {
    await page.click('#sign-out');
    await page.locator('#step-phone').waitFor();
    await page.locator('#status', { hasText: 'You are signed out.' }).waitFor();
  }

  const wrongCode = (code) => (code === '000000' ? '111111' : '000000');

  test('a new number signs up, signs in with the code from the outbox, and signs out', async () => {
    const page = await openPage();
    const phone = '+447700900123';
    assert.ok(await page.isVisible('#outbox'), 'the local-only outbox panel is not shown');
    assert.match(await page.textContent('#outbox-heading'), /Local pool only/);
    await screenshot(page, 'start');

    // A number that cannot be one is refused on the page, before any request.
    await enterPhone(page, 'GB', '0770');
    await page.locator('#error', { hasText: 'too short' }).waitFor();

    await page.selectOption('#country', 'GB');
    await page.fill('#phone', '07700 900-123');
    await screenshot(page, 'phone-entered');
    await page.press('#phone', 'Enter');

    await page.locator('#step-code').waitFor();
    assert.match(await page.textContent('#masked-phone'), /\*+0123$/);
    assert.equal(await page.textContent('#attempts-left'), 'Attempts left: 3.');
    assert.equal(await page.getAttribute('#code', 'autocomplete'), 'one-time-code');
    assert.equal(await page.getAttribute('#code', 'inputmode'), 'numeric');
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'code'), 'focus is not on the code field');

    const sms = await newestSMS(page, phone);
    await sms.item.getByRole('button', { name: `Use code ${sms.code}` }).click();
    assert.equal(await page.inputValue('#code'), sms.code);
    await screenshot(page, 'code-from-outbox');
    await page.press('#code', 'Enter');
    await expectSignedIn(page, phone);
    await screenshot(page, 'signed-in');
    // The sign-up set locale from the browser's language (the context's en-GB).
    assert.equal((await idClaims(page)).locale, 'en-GB', 'the locale attribute set at sign-up');

    // Tokens survive a reload.
    await page.reload();
    await expectSignedIn(page, phone);

    await signOut(page);
    await screenshot(page, 'signed-out');

    // The number now has an account: signing in again needs no sign-up.
    const before = sms.id;
    await enterPhone(page, 'GB', '+44 7700 900123');
    await page.locator('#step-code').waitFor();
    const again = await newestSMS(page, phone, before);
    await enterCode(page, again.code);
    await expectSignedIn(page, phone);
    await signOut(page);
    assert.deepEqual(page.errors, [], 'uncaught errors on the page');
    await page.close();
  });

  test('the phone field formats as typed, follows a + number, and says early what the Lambda would refuse', async () => {
    const page = await openPage();
    const posts = []; // requests to the pool's Cognito API
    page.on('request', (req) => {
      if (req.method() === 'POST' && !new URL(req.url()).pathname.startsWith('/_local/')) posts.push(req.url());
    });
    const typeKeys = async (iso, keys) => {
      if (iso) await page.selectOption('#country', iso);
      await page.fill('#phone', '');
      await page.locator('#phone').pressSequentially(keys);
    };

    // A national number, formatted key by key as the country writes it.
    await typeKeys('US', '2065550100');
    assert.equal(await page.inputValue('#phone'), '(206) 555-0100');
    await typeKeys('GB', '07700900123');
    assert.equal(await page.inputValue('#phone'), '07700 900123');
    // A deletion is left as it is.
    await page.press('#phone', 'Backspace');
    assert.equal(await page.inputValue('#phone'), '07700 90012');

    // A + number moves the picker to its country, one not in the list too.
    await typeKeys('US', '+447700900123');
    assert.equal(await page.inputValue('#phone'), '+44 7700 900123');
    assert.equal(await page.inputValue('#country'), 'GB');
    await typeKeys(null, '+447624123456');
    assert.equal(await page.inputValue('#phone'), '+44 7624 123456');
    assert.equal(await page.inputValue('#country'), 'IM');
    assert.equal(await page.locator('#country option:checked').textContent(), 'Isle of Man (+44)');
    await typeKeys(null, '00 1 416 555 0123');
    assert.equal(await page.inputValue('#phone'), '00 1 416 555 0123');
    assert.equal(await page.inputValue('#country'), 'CA');
    await screenshot(page, 'formatted-as-typed');

    // What the page knows the Lambda refuses, it says before sending, in
    // the words it shows for the Lambda's own answer.
    await enterPhone(page, 'GB', '020 7946 0000');
    await page.locator('#error', { hasText: 'This number cannot receive text messages. Use a mobile number.' }).waitFor();
    await enterPhone(page, 'GB', '01632 960961');
    await page.locator('#error', { hasText: 'That is not a valid phone number for its country. Check the country and the number.' }).waitFor();
    await screenshot(page, 'refused-before-sending');
    assert.deepEqual(posts, [], 'the page sent a number it knew the Lambda refuses');

    // An Irish landline: the min metadata has no Irish line types, so the
    // page sends it, and the Lambda's answer reads the same.
    await enterPhone(page, 'IE', '061 234 567');
    await page.locator('#error', { hasText: 'This number cannot receive text messages. Use a mobile number.' }).waitFor();
    assert.ok(posts.length > 0, 'the Irish landline was not sent');
    assert.ok(await page.isVisible('#step-phone'), 'the phone step is gone after the Lambda refused the number');
    await screenshot(page, 'refused-by-the-lambda');
    assert.deepEqual(page.errors, [], 'uncaught errors on the page');
    await page.close();
  });

  test('a wrong code says so and shows the attempts left', async () => {
    const page = await openPage();
    const phone = '+447700900124';
    await enterPhone(page, 'GB', '07700 900124');
    await page.locator('#step-code').waitFor();
    const sms = await newestSMS(page, phone);

    await enterCode(page, wrongCode(sms.code));
    await page.locator('#error', { hasText: 'That code is not right. Attempts left: 2.' }).waitFor();
    assert.equal(await page.textContent('#attempts-left'), 'Attempts left: 2.');
    assert.ok(await page.isVisible('#step-code'), 'the code step is gone after one wrong code');
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'code'), 'focus is not back on the code field');
    await screenshot(page, 'wrong-code');

    await enterCode(page, sms.code);
    await expectSignedIn(page, phone);
    await signOut(page);
    assert.deepEqual(page.errors, [], 'uncaught errors on the page');
    await page.close();
  });

  test('a resend delivers a new code that replaces the old one', async () => {
    const page = await openPage();
    const phone = '+447700900125';
    await enterPhone(page, 'GB', '07700900125');
    await page.locator('#step-code').waitFor();
    const first = await newestSMS(page, phone);

    // PHONEPASS_RESEND_INTERVAL=0s: no countdown to wait for.
    await page.locator('#resend:not([disabled])', { hasText: 'Send a new code' }).waitFor();
    await page.click('#resend');
    const second = await newestSMS(page, phone, first.id);
    await page.locator('#status', { hasText: 'We sent a new code' }).waitFor();
    assert.equal(await page.textContent('#attempts-left'), 'Attempts left: 3.', 'a granted resend used up an attempt');
    await screenshot(page, 'resent');

    if (second.code !== first.code) {
      await enterCode(page, first.code);
      await page.locator('#error', { hasText: 'Attempts left: 2' }).waitFor();
    }

    // The second and last resend allowed by default; then the button says so.
    await page.locator('#resend:not([disabled])').waitFor();
    await page.click('#resend');
    const third = await newestSMS(page, phone, second.id);
    await page.locator('#resend[disabled]', { hasText: 'No more new codes' }).waitFor();
    await screenshot(page, 'no-more-resends');

    await enterCode(page, third.code);
    await expectSignedIn(page, phone);
    await signOut(page);
    assert.deepEqual(page.errors, [], 'uncaught errors on the page');
    await page.close();
  });

  test('three wrong codes end the sign-in', async () => {
    const page = await openPage();
    const phone = '+447700900126';
    await enterPhone(page, 'GB', '07700 900 126');
    await page.locator('#step-code').waitFor();
    const sms = await newestSMS(page, phone);
    const wrong = wrongCode(sms.code);

    await enterCode(page, wrong);
    await page.locator('#error', { hasText: 'Attempts left: 2' }).waitFor();
    await enterCode(page, wrong);
    await page.locator('#error', { hasText: 'Attempts left: 1' }).waitFor();
    await enterCode(page, wrong);
    await page.locator('#error', { hasText: 'Too many wrong codes' }).waitFor();
    await page.locator('#step-phone').waitFor();
    assert.ok(await page.isHidden('#step-code'), 'the code step is still shown after three wrong codes');
    await screenshot(page, 'too-many-wrong-codes');

    // The right code cannot rescue that sign-in; a new one starts afresh.
    await page.press('#phone', 'Enter');
    await page.locator('#step-code').waitFor();
    assert.equal(await page.textContent('#attempts-left'), 'Attempts left: 3.');
    const fresh = await newestSMS(page, phone, sms.id);
    await enterCode(page, fresh.code);
    await expectSignedIn(page, phone);
    await signOut(page);
    assert.deepEqual(page.errors, [], 'uncaught errors on the page');
    await page.close();
  });

  test('served by anything but the local pool, the page shows no outbox', async () => {
    // A plain static server, as a deployed site would be: no /_local/ paths.
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    const server = createServer(async (req, res) => {
      const path = normalize(new URL(req.url, 'http://x').pathname); // absolute: no way above DIST
      let file = join(DIST, path === '/' ? 'index.html' : path);
      let body;
      try {
        body = await readFile(file);
      } catch {
        file = join(DIST, 'index.html'); // the usual single-page fallback
        body = await readFile(file);
      }
      res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
      res.end(body);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.locator('#error', { hasText: 'No user pool configured' }).waitFor();
      assert.ok(await page.isHidden('#outbox'), 'the outbox panel is shown on a page not served by the local pool');
      await screenshot(page, 'not-local-pool');
      await page.close();
    } finally {
      server.close();
    }
  });
});
