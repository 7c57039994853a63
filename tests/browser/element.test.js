// <phonepass-sign-in> (clients/web) in Debian's chromium, driven by
// playwright-core, on examples/web's element.html served by the local pool
// (run.sh starts it and sets PHONEPASS_URL): a sign-in by keyboard alone,
// the controls' accessible names, errors in the live region, Arabic right to
// left, a 390-pixel viewport and an axe-core audit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BASE = process.env.PHONEPASS_URL;
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts', 'browser');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const why = !BASE ? 'PHONEPASS_URL is not set: run tests/browser/run.sh (or make test-web)' : !existsSync(CHROMIUM) ? `${CHROMIUM} is missing` : '';
if (why && process.env.CI === 'true') test('element test prerequisites', () => assert.fail(why));

describe('<phonepass-sign-in> in chromium', { skip: why || false }, () => {
  let context;
  let profile;
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), 'phonepass-element-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 390, height: 844 }, locale: 'en-GB', timeout: 30_000,
    });
    context.setDefaultTimeout(10_000);
  });
  after(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function open(lang) {
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (err) => page.errors.push(err.message));
    await page.goto(`${BASE}/element.html${lang ? `?lang=${lang}` : ''}`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole('button', { name: lang ? /./ : 'Text me a code' }).first().waitFor();
    return page;
  }

  /** audit runs axe-core in the page and fails on any violation. */
  async function audit(page, what) {
    await page.addScriptTag({ path: AXE });
    const { violations } = await page.evaluate(() => window.axe.run(document));
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${what}`);
  }

  /** noOverflow checks that nothing is wider than the 390-pixel viewport. */
  async function noOverflow(page, what) {
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `${what}: the page scrolls sideways (${scroll} > ${client})`);
    const box = await page.locator('phonepass-sign-in').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${what}: the element is outside the viewport (${JSON.stringify(box)})`);
  }

  async function lastCode(phone, afterId = 0) {
    for (let i = 0; i < 50; i++) {
      const { messages } = await (await fetch(`${BASE}/_local/outbox?phone=${encodeURIComponent(phone)}&limit=1`)).json();
      const m = messages.at(-1);
      if (m && Number(m.id) > afterId) return { id: Number(m.id), code: /\b(\d{6})\b/.exec(m.message)[1] };
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`no SMS to ${phone}`);
  }

  const focusedId = (page) => page.evaluate(() => document.querySelector('phonepass-sign-in').shadowRoot.activeElement?.id);

  test('a sign-in by keyboard alone, with every control named, errors announced, no overflow and no axe violation', async () => {
    const page = await open();
    const phone = '+447700900201';
    // The names a screen reader reads.
    const country = page.getByRole('combobox', { name: 'Country' });
    const phoneBox = page.getByRole('textbox', { name: 'Phone number' });
    const send = page.getByRole('button', { name: 'Text me a code' });
    for (const c of [country, phoneBox, send]) assert.equal(await c.count(), 1);
    assert.equal(await country.inputValue(), 'GB', 'the country attribute');
    assert.match(await phoneBox.getAttribute('aria-describedby'), /phone-hint/);
    await noOverflow(page, 'phone step');
    await audit(page, 'the phone step');
    await page.screenshot({ path: join(ARTIFACTS, 'element-1-phone.png'), fullPage: true });

    // Keyboard only: Tab to the country, Tab to the number, type, Enter.
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'country');
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'phone');
    await page.keyboard.type('0770');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'That phone number is too short.' }).waitFor();
    assert.equal(await alert.getAttribute('aria-live'), 'assertive');
    assert.equal(await focusedId(page), 'phone', 'focus stays on the number');
    await page.keyboard.type('0900201');
    assert.equal(await phoneBox.inputValue(), '07700 900201', 'formatted as typed');
    await page.keyboard.press('Enter');

    const code = page.getByRole('textbox', { name: 'Code from the text message' });
    await code.waitFor();
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await code.getAttribute('inputmode'), 'numeric');
    await page.waitForFunction(() => document.querySelector('phonepass-sign-in').shadowRoot.activeElement?.id === 'code');
    assert.equal(await page.locator('phonepass-sign-in').locator('#error').textContent(), '', 'the error is cleared');
    for (const name of ['Sign in', /^Send a new code/, 'Use a different number']) assert.equal(await page.getByRole('button', { name }).count(), 1, String(name));
    const shadowText = await page.locator('phonepass-sign-in').evaluate((el) => el.shadowRoot.textContent);
    assert.match(shadowText, /We sent a code to \+\*+0201\./);
    assert.match(shadowText, /Attempts left: 3\./);
    assert.match(shadowText, /The code expires in [45]:\d\d\./);
    await noOverflow(page, 'code step');
    await audit(page, 'the code step');

    // A wrong code: said in the polite live region, one attempt fewer, focus back on the field.
    const sms = await lastCode(phone);
    await page.keyboard.type(sms.code === '000000' ? '111111' : '000000');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'That code is not right.' }).waitFor();
    assert.match(await page.locator('phonepass-sign-in').evaluate((el) => el.shadowRoot.textContent), /Attempts left: 2\./);
    await page.waitForFunction(() => document.querySelector('phonepass-sign-in').shadowRoot.activeElement?.id === 'code');
    await page.screenshot({ path: join(ARTIFACTS, 'element-2-wrong-code.png'), fullPage: true });

    await page.keyboard.type(sms.code); // the wrong code is selected: typing replaces it
    await page.keyboard.press('Enter');
    await page.getByText('You are signed in.').waitFor();
    await page.locator('#host-status', { hasText: `Signed in as ${phone}.` }).waitFor();
    const events = await page.evaluate(() => window.phonepassEvents);
    assert.deepEqual(events.map((e) => e.type), ['signed-in'], 'the host heard signed-in once and no error');
    assert.equal(events[0].detail.phone, phone);
    await audit(page, 'signed in');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the Lambda\'s refusal is an error event and an alert; Arabic is right to left', async () => {
    const page = await open();
    await page.getByRole('combobox', { name: 'Country' }).selectOption('IE');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('061 234 567');
    await page.getByRole('textbox', { name: 'Phone number' }).press('Enter');
    await page.getByRole('alert').filter({ hasText: 'This number cannot receive text messages. Use a mobile number.' }).waitFor();
    assert.deepEqual((await page.evaluate(() => window.phonepassEvents)).map((e) => [e.type, e.detail.code]), [['error', 'cannot_text']]);
    await page.close();

    const ar = await open('ar');
    const box = ar.locator('phonepass-sign-in').locator('[part~="container"]');
    await ar.getByRole('button', { name: 'أرسل لي رمزًا' }).waitFor();
    assert.equal(await box.getAttribute('dir'), 'rtl');
    assert.equal(await box.getAttribute('lang'), 'ar');
    assert.equal(await ar.getByRole('textbox', { name: 'رقم الهاتف' }).count(), 1);
    assert.equal(await ar.getByRole('combobox', { name: 'البلد' }).count(), 1);
    assert.equal(await ar.getByRole('textbox', { name: 'رقم الهاتف' }).getAttribute('dir'), 'ltr', 'digits stay left to right');
    await ar.getByRole('textbox', { name: 'رقم الهاتف' }).press('Enter');
    await ar.getByRole('alert').filter({ hasText: 'أدخل رقم هاتفك.' }).waitFor();
    await noOverflow(ar, 'Arabic');
    await audit(ar, 'the Arabic phone step');
    await ar.screenshot({ path: join(ARTIFACTS, 'element-3-arabic.png'), fullPage: true });
    assert.deepEqual(ar.errors, []);
    await ar.close();
  });
});
