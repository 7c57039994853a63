// A consumer of @phonepass/web, type-checked with tsc --noEmit (test/package.test.mjs).
import { PhoneSignIn, toE164, findCountry, describeError, type SignInState, type ErrorCode } from '@phonepass/web';
import { PhonepassSignIn } from '@phonepass/web/element';

const machine = new PhoneSignIn({ now: () => Date.now(), signUp: 'when-not-found' });

function view(s: SignInState): string {
  switch (s.step) {
    case 'phone':
      return 'enter your number';
    case 'code':
      return `${s.phone}: ${s.codeLength} digits, ${s.attemptsLeft} left, ${s.expiresInSeconds}s, resend in ${s.resendInSeconds}s${s.deliveryUncertain ? ' (may not arrive)' : ''}`;
    case 'signed-in':
      return 'welcome';
    case 'error': {
      const code: ErrorCode = s.error.code;
      return `${code}: ${s.error.message}${s.error.restart ? ' (start again)' : ''}`;
    }
  }
}

export async function run(typed: string): Promise<string> {
  const got = toE164(typed, findCountry('GB'));
  if (got.error !== undefined) return `${got.code}: ${got.error}`;
  const unsubscribe = machine.subscribe((s) => console.log(view(s)));
  await machine.start(got.phone, { locale: 'en-GB' });
  const s = await machine.answer('123456');
  unsubscribe();
  return view(s) + describeError(new Error('x')).message;
}

const el: PhonepassSignIn = document.createElement('phonepass-sign-in');
el.setAttribute('lang', 'ar');
el.addEventListener('signed-in', () => machine.cancel());
export const state: SignInState = el.state;
