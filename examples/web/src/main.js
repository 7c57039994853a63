// The example sign-in page: phone number, code, signed in. The sign-in is
// @phonepass/web's PhoneSignIn (aws-amplify v6 underneath); this file only
// draws its state into the page's own markup, plus the signed-in facts and
// the local pool's outbox panel. (For a drop-in form, see the package's
// <phonepass-sign-in> element.)
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, fetchUserAttributes, getCurrentUser, signOut } from 'aws-amplify/auth';
import { ENGLISH as T, PhoneSignIn, clock, format, listenForCode } from '@phonepass/web';
import { COUNTRIES, guessCountry, toE164 } from './phone.js';
import { countryOf, formatTyped, numberProblem } from './numbers.js';
import { codeFromMessage } from './flow.js';
import { fetchLocal, loadConfig } from './config.js';
import { OUTBOX_PATH, OutboxFeed } from './outbox.js';

const $ = (id) => document.getElementById(id);
const ui = {
  main: document.querySelector('main'),
  status: $('status'),
  error: $('error'),
  steps: { phone: $('step-phone'), code: $('step-code'), done: $('step-done') },
  phoneForm: $('phone-form'),
  country: $('country'),
  phone: $('phone'),
  codeForm: $('code-form'),
  code: $('code'),
  maskedPhone: $('masked-phone'),
  attemptsLeft: $('attempts-left'),
  expires: $('expires'),
  resend: $('resend'),
  changeNumber: $('change-number'),
  doneHeading: $('done-heading'),
  donePhone: $('done-phone'),
  doneExpiry: $('done-expiry'),
  signOut: $('sign-out'),
  outbox: $('outbox'),
  outboxList: $('outbox-list'),
  outboxEmpty: $('outbox-empty'),
  outboxClear: $('outbox-clear'),
};

const OUTBOX_SHOWN = 10; // newest messages listed in the outbox panel
const signIn = new PhoneSignIn();
let ticker = 0; // redraws the seconds, which the machine works out from its deadlines
let webOTP = null; // AbortController of a pending WebOTP request
let shown = ''; // the step on the page

// ---- Steps -----------------------------------------------------------------

function show(step, focus) {
  for (const [name, el] of Object.entries(ui.steps)) el.hidden = name !== step;
  if (step !== 'code') stopCodeStep();
  shown = step;
  focus?.focus();
}

function setStatus(text) {
  ui.status.textContent = text;
}

function setError(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

function clearMessages() {
  setStatus('');
  setError('');
}

/** busy disables every button and field while a request is out. */
function busy(on) {
  ui.main.setAttribute('aria-busy', String(on));
  for (const el of ui.main.querySelectorAll('button, input, select')) el.disabled = on;
}

/** codeView returns the code step of state s, if it has one. */
const codeView = (s) => (s.step === 'code' ? s : s.step === 'error' ? s.code : undefined);

/** draw shows state s: the step, its numbers, and what went wrong. */
async function draw(s) {
  busy(s.busy);
  if (s.busy) return;
  if (s.step === 'signed-in') {
    await showSignedIn();
    return;
  }
  const code = codeView(s);
  if (code) {
    ui.maskedPhone.textContent = code.phone;
    if (shown !== 'code') {
      show('code');
      listenForWebOTP();
      clearInterval(ticker);
      ticker = setInterval(tick, 1000);
    }
    tick();
    setStatus('');
    if (s.step === 'error') setError(s.error.message);
    else if (code.last === 'wrong') setError(`${T.wrong_code} ${format(T.attempts, { n: code.attemptsLeft })}`);
    else if (code.last === 'expired') setError(T.code_expired);
    else if (code.last === 'resend_refused') setError(`${T.resend_not_yet} ${format(T.attempts, { n: code.attemptsLeft })}`);
    else if (code.last === 'resent') setStatus(format(T.sent_to, { phone: code.phone }).replace(/^We sent a code/, 'We sent a new code'));
    else setStatus('Code sent. A text message can take a few seconds to arrive.');
    if (code.deliveryUncertain) setStatus(T.uncertain);
    ui.code.focus();
    ui.code.select();
    return;
  }
  if (shown !== 'phone') show('phone');
  if (s.step === 'error') {
    setStatus('');
    setError(s.error.message);
  }
  ui.phone.focus();
}

/** tick shows the attempts, the expiry and the resend countdown, as the machine works them out. */
function tick() {
  const code = codeView(signIn.state);
  if (!code) return;
  ui.attemptsLeft.textContent = format(T.attempts, { n: code.attemptsLeft });
  ui.expires.textContent = code.expired ? T.expired : format(T.expires, { time: clock(code.expiresInSeconds) });
  ui.resend.textContent = !code.resendAvailable ? T.no_resend : code.canResend ? T.resend : format(T.resend_in, { s: code.resendInSeconds });
  ui.resend.disabled = signIn.state.busy || !code.canResend;
}

function stopCodeStep() {
  clearInterval(ticker);
  webOTP?.abort();
  webOTP = null;
  ui.code.value = '';
}

/** listenForWebOTP lets a browser with WebOTP fill in the code and sign in by itself. */
function listenForWebOTP() {
  webOTP = new AbortController();
  const { signal } = webOTP;
  listenForCode(signal).then((code) => {
    if (code && !signal.aborted) {
      ui.code.value = code;
      signIn.answer(code);
    }
  });
}

async function showSignedIn() {
  const [attrs, session] = await Promise.all([fetchUserAttributes(), fetchAuthSession()]);
  const token = session.tokens?.idToken ?? session.tokens?.accessToken;
  const exp = new Date((token?.payload.exp ?? 0) * 1000);
  ui.donePhone.textContent = attrs.phone_number ?? '(no phone number)';
  ui.doneExpiry.dateTime = exp.toISOString();
  const minutes = Math.max(0, Math.round((exp - Date.now()) / 60000));
  ui.doneExpiry.textContent = `${exp.toLocaleTimeString()} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
  clearMessages();
  show('done', ui.doneHeading);
}

// ---- Events ----------------------------------------------------------------

/** selectCountry shows country iso in the picker, adding it if the list lacks it. */
function selectCountry(iso) {
  if (![...ui.country.options].some((o) => o.value === iso)) {
    const c = countryOf(iso);
    if (!c) return;
    ui.country.add(new Option(`${c.name} (+${c.dial})`, c.iso));
  }
  ui.country.value = iso;
}

/** formatPhone formats the number as typed; with follow, a + number moves the picker to its country. */
function formatPhone(follow) {
  const { text, country } = formatTyped(ui.phone.value, ui.country.value);
  if (text !== ui.phone.value) ui.phone.value = text;
  if (follow && country && country !== ui.country.value) selectCountry(country);
}

ui.phone.addEventListener('input', (ev) => {
  // A deletion, or an edit in the middle, is left as it is (the caret stays).
  if (ev.inputType?.startsWith('delete')) return;
  if (ui.phone.selectionEnd !== ui.phone.value.length) return;
  formatPhone(true);
});
ui.country.addEventListener('change', () => formatPhone(false));

ui.phoneForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearMessages();
  const { phone, error } = toE164(ui.phone.value, countryOf(ui.country.value));
  const problem = error ? undefined : numberProblem(phone);
  if (error || problem) {
    setError(error || problem.text);
    ui.phone.focus();
    return;
  }
  setStatus(`Sending a code to ${phone}…`);
  signIn.start(phone, { locale: navigator.language });
});

ui.codeForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearMessages();
  setStatus('Checking the code…');
  signIn.answer(ui.code.value);
});

ui.resend.addEventListener('click', () => {
  clearMessages();
  setStatus('Sending a new code…');
  ui.code.value = '';
  signIn.resend();
});

ui.changeNumber.addEventListener('click', () => {
  clearMessages();
  signIn.cancel();
});

ui.signOut.addEventListener('click', async () => {
  clearMessages();
  busy(true);
  await signOut();
  busy(false);
  signIn.cancel();
  setStatus('You are signed out.');
});

signIn.subscribe((s) => draw(s).catch((err) => setError(String(err))));

// ---- Local pool's SMS outbox ------------------------------------------------

/**
 * startOutbox shows the SMS outbox panel if, and only if, the local pool
 * answers at base: a deployed page finds no /_local/outbox and shows nothing.
 * It then asks every second only for the messages after the newest it shows.
 */
async function startOutbox(base) {
  const feed = new OutboxFeed(OUTBOX_SHOWN);
  const first = await fetchLocal(feed.path(), base);
  if (!Array.isArray(first?.messages)) return;
  ui.outbox.hidden = false;
  const add = (messages) => {
    // Add only what is new at the top, so that screen readers announce
    // just the new text and focus in the list stays where it is.
    for (const m of feed.take(messages)) ui.outboxList.prepend(outboxItem(m));
    while (ui.outboxList.children.length > OUTBOX_SHOWN) ui.outboxList.lastElementChild.remove();
    ui.outboxEmpty.hidden = ui.outboxList.children.length > 0;
  };
  add(first.messages);
  ui.outboxClear.addEventListener('click', async () => {
    await fetchLocal(OUTBOX_PATH, base, { method: 'DELETE' });
    ui.outboxList.replaceChildren(); // IDs go on after a clear: the feed needs no reset
    add([]);
  });
  setInterval(async () => {
    const data = await fetchLocal(feed.path(), base);
    if (Array.isArray(data?.messages)) add(data.messages);
  }, 1000);
}

function outboxItem(m) {
  const li = document.createElement('li');
  li.className = 'sms';
  const code = codeFromMessage(m.message, codeView(signIn.state)?.codeLength ?? 6);
  li.dataset.id = m.id;
  li.dataset.phone = m.phone;
  li.dataset.code = code;
  const head = document.createElement('p');
  head.className = 'sms-head';
  const at = m.sentAt ? new Date(m.sentAt).toLocaleTimeString() : '';
  head.textContent = `To ${m.phone}${at ? ' at ' + at : ''}`;
  const text = document.createElement('p');
  text.className = 'sms-text';
  text.textContent = m.message;
  li.append(head, text);
  if (code) {
    const use = document.createElement('button');
    use.type = 'button';
    use.className = 'secondary small';
    use.textContent = `Use code ${code}`;
    use.addEventListener('click', () => {
      if (ui.steps.code.hidden) return;
      ui.code.value = code;
      ui.code.focus();
    });
    li.append(use);
  }
  return li;
}

// ---- Start -----------------------------------------------------------------

async function start() {
  const guess = guessCountry(navigator.languages);
  ui.country.replaceChildren(
    ...COUNTRIES.map((c) => new Option(`${c.name} (+${c.dial})`, c.iso, false, c === guess)),
  );
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    setError(err.message);
    return;
  }
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        ...(config.endpoint ? { userPoolEndpoint: config.endpoint } : {}),
      },
    },
  });
  startOutbox(config.endpoint || document.baseURI);
  try {
    await getCurrentUser();
  } catch {
    show('phone', ui.phone);
    return;
  }
  await showSignedIn();
}

start();
