// The example sign-in page: phone number, code, signed in. Everything that
// talks to Cognito is an aws-amplify v6 call; everything else is plain DOM.
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import { COUNTRIES, guessCountry, toE164 } from './phone.js';
import { countryOf, formatTyped, numberProblem } from './numbers.js';
import { signUpAttributes } from './locale.js';
import { RESEND_METADATA, codeFromMessage, describeError, isUserNotFound, plural, readChallenge, throwAwayPassword } from './flow.js';
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

const CUSTOM_CHALLENGE = 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE';

let challenge = null; // the current code challenge, from readChallenge
let challengeAt = 0; // when it arrived, in ms
let ticker = 0; // the countdown's interval
let webOTP = null; // AbortController of a pending WebOTP request

const OUTBOX_SHOWN = 10; // newest messages listed in the outbox panel

// ---- Sign in or sign up, in one step -------------------------------------

/** startSignIn asks Cognito for a code challenge for phone. */
function startSignIn(phone) {
  return signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
}

/**
 * signInOrSignUp signs phone in; a number with no account is first signed
 * up with a throw-away password (phonepass confirms it and marks the phone
 * verified), then signed in.
 */
async function signInOrSignUp(phone) {
  try {
    return await startSignIn(phone);
  } catch (err) {
    if (!isUserNotFound(err)) throw err;
  }
  setStatus('New number: creating your account…');
  try {
    // The username sets phone_number; the app client may not write it
    // (WriteAttributes in template.yaml), so it is not sent as an attribute.
    // locale, from the browser's language, is the language of the texts.
    await signUp({
      username: phone,
      password: throwAwayPassword(),
      options: { userAttributes: signUpAttributes(navigator.language) },
    });
  } catch (err) {
    if (err.name !== 'UsernameExistsException') throw err; // signed up a moment ago
  }
  return startSignIn(phone);
}

// ---- Steps -----------------------------------------------------------------

function show(step, focus) {
  for (const [name, el] of Object.entries(ui.steps)) el.hidden = name !== step;
  if (step !== 'code') stopCodeStep();
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
  if (!on) tick();
}

/**
 * run calls fn with the page busy and shows what goes wrong. fn may return
 * the element to focus afterwards (fields cannot take focus while disabled).
 */
async function run(fn) {
  busy(true);
  let target;
  try {
    target = await fn();
  } catch (err) {
    console.error(err);
    const { text, restart } = describeError(err);
    if (restart) show('phone');
    setStatus('');
    setError(text);
  } finally {
    busy(false);
  }
  if (!target || target.closest('[hidden]')) {
    if (ui.main.contains(document.activeElement)) return;
    const step = Object.values(ui.steps).find((el) => !el.hidden);
    target = step?.querySelector('input, button');
  }
  target?.focus();
  if (target instanceof HTMLInputElement) target.select();
}

/** handleResult moves to the step that an Amplify sign-in result asks for. */
async function handleResult(result) {
  if (result.isSignedIn || result.nextStep.signInStep === 'DONE') {
    await showSignedIn();
    return;
  }
  if (result.nextStep.signInStep !== CUSTOM_CHALLENGE) {
    throw new Error(`unexpected sign-in step ${result.nextStep.signInStep}`);
  }
  challenge = readChallenge(result.nextStep.additionalInfo);
  challengeAt = Date.now();
  ui.maskedPhone.textContent = challenge.phone;
  if (ui.steps.code.hidden) {
    show('code');
    listenForWebOTP();
  }
  clearInterval(ticker);
  ticker = setInterval(tick, 1000);
  tick();
}

/** tick updates the attempts, the expiry and the resend countdown. */
function tick() {
  if (!challenge) return;
  const elapsed = (Date.now() - challengeAt) / 1000;
  const wait = Math.max(0, Math.ceil(challenge.resendInSeconds - elapsed));
  const left = Math.max(0, Math.floor(challenge.expiresInSeconds - elapsed));
  ui.attemptsLeft.textContent = `${plural(challenge.attemptsLeft, 'attempt')} left.`;
  ui.expires.textContent =
    left > 0
      ? `The code expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}.`
      : 'The code has expired: ask for a new one.';
  const isBusy = ui.main.getAttribute('aria-busy') === 'true';
  if (!challenge.resendAvailable) {
    ui.resend.textContent = 'No more new codes';
    ui.resend.disabled = true;
  } else if (wait > 0) {
    ui.resend.textContent = `Send a new code in ${wait} s`;
    ui.resend.disabled = true;
  } else {
    ui.resend.textContent = 'Send a new code';
    ui.resend.disabled = isBusy;
  }
}

function stopCodeStep() {
  clearInterval(ticker);
  challenge = null;
  webOTP?.abort();
  webOTP = null;
  ui.code.value = '';
}

/**
 * listenForWebOTP lets a browser that supports WebOTP (Chrome on Android)
 * read the code from the text message and sign in by itself. The message
 * needs the last line "@<your domain> #<code>": set PHONEPASS_WEBOTP_DOMAIN.
 */
function listenForWebOTP() {
  if (!('OTPCredential' in window)) return;
  webOTP = new AbortController();
  navigator.credentials
    .get({ otp: { transport: ['sms'] }, signal: webOTP.signal })
    .then((otp) => {
      if (otp?.code && !ui.steps.code.hidden) {
        ui.code.value = otp.code;
        ui.codeForm.requestSubmit();
      }
    })
    .catch(() => {}); // aborted, refused or unsupported: the user types the code
}

async function showSignedIn() {
  const [attrs, session] = await Promise.all([fetchUserAttributes(), fetchAuthSession()]);
  const token = session.tokens?.idToken ?? session.tokens?.accessToken;
  const exp = new Date((token?.payload.exp ?? 0) * 1000);
  ui.donePhone.textContent = attrs.phone_number ?? '(no phone number)';
  ui.doneExpiry.dateTime = exp.toISOString();
  const minutes = Math.max(0, Math.round((exp - Date.now()) / 60000));
  ui.doneExpiry.textContent = `${exp.toLocaleTimeString()} (in ${plural(minutes, 'minute')})`;
  setStatus('');
  show('done', ui.doneHeading);
}

// ---- Events ----------------------------------------------------------------

/**
 * selectCountry shows country iso in the picker, adding it first if it is
 * not in the list (a number typed with + from a country the list lacks).
 */
function selectCountry(iso) {
  if (![...ui.country.options].some((o) => o.value === iso)) {
    const c = countryOf(iso);
    if (!c) return;
    ui.country.add(new Option(`${c.name} (+${c.dial})`, c.iso));
  }
  ui.country.value = iso;
}

/**
 * formatPhone formats the number as typed; with follow, a number typed with
 * + or 00 moves the picker to its country.
 */
function formatPhone(follow) {
  const { text, country } = formatTyped(ui.phone.value, ui.country.value);
  if (text !== ui.phone.value) ui.phone.value = text; // the caret was at the end, and stays there
  if (follow && country && country !== ui.country.value) selectCountry(country);
}

ui.phone.addEventListener('input', (ev) => {
  // A deletion is left as it is: formatting again would put back a space or
  // bracket just deleted. An edit in the middle is left alone too, so that
  // the caret does not jump to the end; both are formatted on the next
  // character typed at the end.
  if (ev.inputType?.startsWith('delete')) return;
  if (ui.phone.selectionEnd !== ui.phone.value.length) return;
  formatPhone(true);
});

// A national number is written differently in another country. The picker
// stays where the user put it, even next to a + number (whose own country
// code counts when it is sent).
ui.country.addEventListener('change', () => formatPhone(false));

ui.phoneForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearMessages();
  const { phone, error } = toE164(ui.phone.value, countryOf(ui.country.value));
  // What the Lambda would refuse the number for, where the page can tell
  // (numbers.js); the Lambda's own answer covers the rest.
  const problem = error ? undefined : numberProblem(phone);
  if (error || problem) {
    setError(error || problem.text);
    ui.phone.focus();
    return;
  }
  run(async () => {
    setStatus(`Sending a code to ${phone}…`);
    await handleResult(await signInOrSignUp(phone));
    if (ui.steps.code.hidden) return ui.doneHeading;
    setStatus('Code sent. A text message can take a few seconds to arrive.');
    return ui.code;
  });
});

ui.codeForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearMessages();
  const code = ui.code.value.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${challenge.codeLength}}$`).test(code)) {
    setError(`Enter the ${challenge.codeLength}-digit code from the text message.`);
    ui.code.focus();
    return;
  }
  run(async () => {
    setStatus('Checking the code…');
    await handleResult(await confirmSignIn({ challengeResponse: code }));
    if (!ui.steps.code.hidden) {
      // Still here: phonepass asks again after a wrong code.
      setStatus('');
      setError(
        challenge.expiresInSeconds === 0
          ? 'That code has expired. Ask for a new code.'
          : `That code is not right. ${plural(challenge.attemptsLeft, 'attempt')} left.`,
      );
      return ui.code;
    }
    return ui.doneHeading;
  });
});

ui.resend.addEventListener('click', () => {
  clearMessages();
  const before = challenge.attemptsLeft;
  run(async () => {
    setStatus('Sending a new code…');
    await handleResult(await confirmSignIn({ challengeResponse: 'resend', options: { clientMetadata: RESEND_METADATA } }));
    if (challenge.attemptsLeft < before) {
      setStatus('');
      setError(`A new code could not be sent yet. ${plural(challenge.attemptsLeft, 'attempt')} left.`);
    } else {
      setStatus(`We sent a new code to ${challenge.phone}.`);
    }
    ui.code.value = '';
    return ui.code;
  });
});

ui.changeNumber.addEventListener('click', () => {
  clearMessages();
  show('phone', ui.phone);
});

ui.signOut.addEventListener('click', () => {
  clearMessages();
  run(async () => {
    await signOut();
    show('phone');
    setStatus('You are signed out.');
    return ui.phone;
  });
});

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
  const code = codeFromMessage(m.message, challenge?.codeLength ?? 6);
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
  await run(async () => {
    await showSignedIn();
    return ui.doneHeading;
  });
}

start();
