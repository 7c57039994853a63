// <phonepass-sign-in>: the whole phone sign-in as a custom element over
// PhoneSignIn. Importing this module defines it. It works in any page or
// framework with no wrapper: attributes (lang, country, sign-up), properties
// (auth, machine, state) and standard CustomEvents (signed-in, error,
// statechange) that bubble out of the shadow root.
//
// Styling: CSS custom properties (--phonepass-accent, --phonepass-accent-ink,
// --phonepass-ink, --phonepass-muted, --phonepass-bg, --phonepass-border,
// --phonepass-error, --phonepass-radius, --phonepass-font) and ::part()
// (container, title, status, error, form, label, field, input, select, hint,
// button, primary, secondary, link, sent-to, notice, signed-in).

import { clock } from './challenge.js';
import { ERROR_RULES } from './errors.js';
import { format, isRTL, loadMessages, messagesNow, pickLanguage, type Messages } from './i18n/index.js';
import { PhoneSignIn, type AuthApi, type SignInOptions, type SignInState } from './machine.js';
import { countryOf, formatTyped, numberProblem } from './numbers.js';
import { COUNTRIES, guessCountry, toE164 } from './phone.js';
import { listenForCode } from './webotp.js';

const STYLE = `
:host { display: block; font-family: var(--phonepass-font, inherit); color: var(--phonepass-ink, #1d2433); max-width: 100%; }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
.box { background: var(--phonepass-bg, #fff); border: 1px solid var(--phonepass-border, #c3c9d4); border-radius: var(--phonepass-radius, 12px); padding: 20px; }
h2 { margin: 0 0 12px; font-size: 1.2em; }
h2:focus, [tabindex="-1"]:focus { outline: none; }
.field { margin-bottom: 14px; }
label { display: block; font-weight: 600; margin-bottom: 4px; }
input, select { display: block; width: 100%; font: inherit; padding: 10px 12px; border: 1px solid var(--phonepass-border, #8a93a5); border-radius: calc(var(--phonepass-radius, 12px) / 2); background: #fff; color: inherit; }
input:focus-visible, select:focus-visible, button:focus-visible { outline: 3px solid var(--phonepass-accent, #2251d1); outline-offset: 2px; }
.hint { margin: 4px 0 0; color: var(--phonepass-muted, #4f586b); font-size: 0.9em; }
.hint span { display: block; }
.error { color: var(--phonepass-error, #b3261e); font-weight: 600; margin: 0 0 12px; }
.error:empty, .status:empty { display: none; }
.status, .notice { margin: 0 0 12px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
button { font: inherit; border-radius: calc(var(--phonepass-radius, 12px) / 2); padding: 10px 16px; cursor: pointer; border: 1px solid var(--phonepass-accent, #2251d1); max-width: 100%; }
.primary { background: var(--phonepass-accent, #2251d1); color: var(--phonepass-accent-ink, #fff); width: 100%; }
.secondary { background: transparent; color: var(--phonepass-accent, #2251d1); }
.link { background: transparent; border-color: transparent; color: var(--phonepass-accent, #2251d1); text-decoration: underline; padding-inline: 4px; }
button:disabled { opacity: 0.75; cursor: default; }
.secondary:disabled { color: var(--phonepass-muted, #4f586b); border-color: var(--phonepass-muted, #4f586b); }
.phone { direction: ltr; unicode-bidi: isolate; }
`;

const TEMPLATE = `
<div class="box" part="container">
  <h2 id="title" part="title" tabindex="-1"></h2>
  <p id="status" class="status" part="status" role="status" aria-live="polite"></p>
  <p id="error" class="error" part="error" role="alert" aria-live="assertive"></p>
  <form id="phone-form" part="form phone-form" novalidate>
    <div class="field" part="field">
      <label for="country" part="label" id="country-label"></label>
      <select id="country" name="country" autocomplete="country" part="select"></select>
    </div>
    <div class="field" part="field">
      <label for="phone" part="label" id="phone-label"></label>
      <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" dir="ltr" aria-describedby="phone-hint" part="input" required>
      <p id="phone-hint" class="hint" part="hint"></p>
    </div>
    <button id="send" type="submit" class="primary" part="button primary"></button>
  </form>
  <form id="code-form" part="form code-form" novalidate hidden>
    <p id="sent-to" part="sent-to"></p>
    <div class="field" part="field">
      <label for="code" part="label" id="code-label"></label>
      <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" dir="ltr" maxlength="20" aria-describedby="code-info" part="input" required>
      <p id="code-info" class="hint" part="hint"><span id="attempts"></span><span id="expires"></span></p>
    </div>
    <p id="uncertain" class="notice hint" part="notice" hidden></p>
    <button id="submit-code" type="submit" class="primary" part="button primary"></button>
    <div class="row">
      <button id="resend" type="button" class="secondary" part="button secondary"></button>
      <button id="change" type="button" class="link" part="button link"></button>
    </div>
  </form>
  <p id="signed-in" part="signed-in" tabindex="-1" hidden></p>
</div>`;

const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;

/** PhonepassSignIn is the <phonepass-sign-in> element. */
export class PhonepassSignIn extends Base {
  static observedAttributes = ['lang', 'country'];

  #root: ShadowRoot;
  #machine: PhoneSignIn | undefined;
  #auth: AuthApi | undefined;
  #messages: Messages = messagesNow('en');
  #ticker: ReturnType<typeof setInterval> | undefined;
  #otp: AbortController | undefined;
  #shownStep = '';
  #phone = '';
  #notice = '';

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.innerHTML = `<style>${STYLE}</style>${TEMPLATE}`;
    this.#wire();
  }

  /** auth replaces aws-amplify/auth's functions (set before the first sign-in). */
  get auth(): AuthApi | undefined {
    return this.#auth;
  }
  set auth(v: AuthApi | undefined) {
    this.#auth = v;
    this.#machine = undefined;
  }

  /** machine is the PhoneSignIn behind the element. */
  get machine(): PhoneSignIn {
    if (!this.#machine) {
      const opts: SignInOptions = {};
      if (this.#auth) opts.auth = this.#auth;
      const su = this.getAttribute('sign-up');
      if (su === 'first' || su === 'never' || su === 'when-not-found') opts.signUp = su;
      this.#machine = new PhoneSignIn(opts);
      this.#machine.subscribe((s) => this.#onState(s));
    }
    return this.#machine;
  }

  /** state is the sign-in's state now. */
  get state(): SignInState {
    return this.machine.state;
  }

  /** language is the tag of the texts shown: the lang attribute's, else the browser's. */
  get language(): string {
    return pickLanguage(this.getAttribute('lang'), typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : []);
  }

  connectedCallback(): void {
    void this.#loadTexts();
    this.#render(this.machine.state);
  }

  disconnectedCallback(): void {
    this.#stopCode();
  }

  attributeChangedCallback(name: string): void {
    if (name === 'lang') void this.#loadTexts();
    if (name === 'country') this.#fillCountries();
  }

  /** reset goes back to the phone step. */
  reset(): void {
    this.machine.cancel();
  }

  #$<T extends HTMLElement>(id: string): T {
    return this.#root.getElementById(id) as T;
  }

  async #loadTexts(): Promise<void> {
    const lang = this.language;
    const m = await loadMessages(lang);
    if (lang !== this.language) return;
    this.#messages = m;
    const box = this.#$('title').parentElement!;
    box.setAttribute('dir', isRTL(lang) ? 'rtl' : 'ltr');
    box.setAttribute('lang', lang);
    this.#fillCountries();
    this.#render(this.machine.state);
  }

  #fillCountries(): void {
    const select = this.#$<HTMLSelectElement>('country');
    const lang = this.language;
    const wanted = (select.value || this.getAttribute('country') || guessCountry(typeof navigator !== 'undefined' ? navigator.languages : []).iso).toUpperCase();
    const isos = COUNTRIES.map((c) => c.iso);
    if (!isos.includes(wanted) && countryOf(wanted)) isos.push(wanted);
    select.replaceChildren(
      ...isos.map((iso) => {
        const c = countryOf(iso, lang)!;
        return new Option(`${c.name} (+${c.dial})`, c.iso, false, c.iso === wanted);
      }),
    );
  }

  #selectCountry(iso: string): void {
    const select = this.#$<HTMLSelectElement>('country');
    if (![...select.options].some((o) => o.value === iso)) {
      const c = countryOf(iso, this.language);
      if (!c) return;
      select.add(new Option(`${c.name} (+${c.dial})`, c.iso));
    }
    select.value = iso;
  }

  #wire(): void {
    const phone = this.#$<HTMLInputElement>('phone');
    const country = this.#$<HTMLSelectElement>('country');
    phone.addEventListener('input', (ev) => {
      if ((ev as InputEvent).inputType?.startsWith('delete') || phone.selectionEnd !== phone.value.length) return;
      const t = formatTyped(phone.value, country.value);
      if (t.text !== phone.value) phone.value = t.text;
      if (t.country && t.country !== country.value) this.#selectCountry(t.country);
    });
    country.addEventListener('change', () => {
      phone.value = formatTyped(phone.value, country.value).text;
    });
    this.#$('phone-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.#notice = '';
      const got = toE164(phone.value, countryOf(country.value));
      const problem = got.phone ? numberProblem(got.phone) : undefined;
      if (!got.phone || problem) {
        this.#showError(this.#messages[ERROR_RULES[problem ?? got.code!].key]);
        phone.focus();
        return;
      }
      this.#phone = got.phone;
      void this.machine.start(got.phone, { locale: this.language });
    });
    this.#$('code-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.#notice = '';
      void this.machine.answer(this.#$<HTMLInputElement>('code').value);
    });
    this.#$('resend').addEventListener('click', () => {
      this.#notice = '';
      void this.machine.resend();
    });
    this.#$('change').addEventListener('click', () => {
      this.#notice = '';
      this.machine.cancel();
    });
  }

  #showError(text: string): void {
    this.#$('error').textContent = text;
  }

  #onState(s: SignInState): void {
    this.#render(s);
    this.dispatchEvent(new CustomEvent('statechange', { detail: s, bubbles: true, composed: true }));
    if (s.step === 'signed-in') {
      this.dispatchEvent(new CustomEvent('signed-in', { detail: { phone: this.#phone, result: s.result }, bubbles: true, composed: true }));
    } else if (s.step === 'error') {
      this.dispatchEvent(new CustomEvent('error', { detail: s.error, bubbles: true, composed: true }));
    }
  }

  #render(s: SignInState): void {
    const m = this.#messages;
    const $ = (id: string) => this.#$(id);
    $('title').textContent = m.title;
    $('country-label').textContent = m.country;
    $('phone-label').textContent = m.phone_label;
    $('phone-hint').textContent = m.phone_hint;
    $('send').textContent = m.send;
    $('code-label').textContent = m.code_label;
    $('submit-code').textContent = m.sign_in;
    $('change').textContent = m.change_number;
    $('signed-in').textContent = m.signed_in;
    $('uncertain').textContent = m.uncertain;

    const code = s.step === 'code' ? s : s.step === 'error' && !s.error.restart ? s.code : undefined;
    const step = s.step === 'signed-in' ? 'done' : code ? 'code' : 'phone';
    $('phone-form').hidden = step !== 'phone';
    $('code-form').hidden = step !== 'code';
    $('signed-in').hidden = step !== 'done';
    this.#showError(s.step === 'error' ? s.error.message : '');
    for (const el of this.#root.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLSelectElement>('input, button, select')) el.disabled = s.busy;
    this.#root.querySelector('.box')!.setAttribute('aria-busy', String(s.busy));

    let status = s.busy ? m.busy : '';
    if (code && !s.busy) {
      if (code.last === 'wrong') status = m.wrong_code;
      else if (code.last === 'expired' || (code.expired && s.step === 'code')) status = m.code_expired;
      else if (code.last === 'resent') status = m.resent;
      else if (code.last === 'resend_refused') status = m.resend_not_yet;
      else status = this.#notice;
    }
    $('status').textContent = status;
    if (code) this.#tick();

    if (step !== this.#shownStep) {
      const from = this.#shownStep;
      this.#shownStep = step;
      if (step === 'code') this.#startCode();
      else this.#stopCode();
      if (step === 'phone' && from === 'code') this.#$<HTMLInputElement>('code').value = '';
      if (step === 'done') $('signed-in').focus();
      else if (from) queueMicrotask(() => this.#$<HTMLInputElement>(step === 'code' ? 'code' : 'phone').focus());
    } else if (!s.busy && (s.step === 'error' || (code && code.last))) {
      const field = this.#$<HTMLInputElement>(step === 'code' ? 'code' : 'phone');
      queueMicrotask(() => {
        field.focus();
        field.select();
      });
    }
  }

  /** #tick shows the seconds, worked out by the machine from its deadlines. */
  #tick(): void {
    const s = this.machine.state;
    const code = s.step === 'code' ? s : s.step === 'error' ? s.code : undefined;
    if (!code) return;
    const m = this.#messages;
    this.#$('sent-to').innerHTML = '';
    const [before, after] = m.sent_to.split('{phone}');
    const num = document.createElement('strong');
    num.className = 'phone';
    num.id = 'masked-phone';
    num.textContent = code.phone;
    this.#$('sent-to').append(before ?? '', num, after ?? '');
    this.#$('attempts').textContent = format(m.attempts, { n: code.attemptsLeft });
    this.#$('expires').textContent = code.expired ? m.expired : format(m.expires, { time: clock(code.expiresInSeconds) });
    this.#$('uncertain').hidden = !code.deliveryUncertain;
    const resend = this.#$<HTMLButtonElement>('resend');
    resend.textContent = !code.resendAvailable ? m.no_resend : code.canResend ? m.resend : format(m.resend_in, { s: code.resendInSeconds });
    resend.disabled = s.busy || !code.canResend;
  }

  #startCode(): void {
    clearInterval(this.#ticker);
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#otp?.abort();
    const otp = (this.#otp = new AbortController());
    void listenForCode(otp.signal).then((c) => {
      if (c && !otp.signal.aborted) {
        this.#$<HTMLInputElement>('code').value = c;
        void this.machine.answer(c);
      }
    });
  }

  #stopCode(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#otp?.abort();
    this.#otp = undefined;
  }
}

/** define registers <phonepass-sign-in> (or name) once. */
export function define(name = 'phonepass-sign-in'): void {
  if (typeof customElements !== 'undefined' && !customElements.get(name)) customElements.define(name, PhonepassSignIn);
}

define();

declare global {
  interface HTMLElementTagNameMap {
    'phonepass-sign-in': PhonepassSignIn;
  }
}
