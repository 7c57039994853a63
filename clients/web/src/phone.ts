// Phone numbers as people type them, turned into E.164 (+ country code and
// number, 7 to 15 digits), which is what Cognito and phonepass accept. The
// rule is the Lambda's (Go package phone): both run the test vectors in
// phone/testdata/vectors.json.

import type { ErrorCode } from './errors.js';
import { ENGLISH } from './i18n/index.js';

/** MIN_DIGITS and MAX_DIGITS bound an E.164 number's digits (phone.MinDigits, phone.MaxDigits). */
export const MIN_DIGITS = 7;
export const MAX_DIGITS = 15;

/** isE164 reports whether number is strict E.164, as the Lambda's phone.Valid. */
export function isE164(number: unknown): number is string {
  return typeof number === 'string' && /^\+[1-9][0-9]{6,14}$/.test(number);
}

/** Country is an entry of a country picker. */
export interface Country {
  /** ISO 3166 code, such as "GB". */
  iso: string;
  /** English name. */
  name: string;
  /** Calling code without +, such as "44". */
  dial: string;
  /** The national trunk prefix people type at home (the "0" of "07700 900123"), or "". */
  trunk: string;
}

/**
 * COUNTRIES are offered in a picker before any other; a number typed with +
 * from elsewhere adds its own (numbers.ts's countryOf).
 */
export const COUNTRIES: readonly Country[] = [
  { iso: 'US', name: 'United States', dial: '1', trunk: '1' },
  { iso: 'CA', name: 'Canada', dial: '1', trunk: '1' },
  { iso: 'GB', name: 'United Kingdom', dial: '44', trunk: '0' },
  { iso: 'IE', name: 'Ireland', dial: '353', trunk: '0' },
  { iso: 'DE', name: 'Germany', dial: '49', trunk: '0' },
  { iso: 'FR', name: 'France', dial: '33', trunk: '0' },
  { iso: 'NL', name: 'Netherlands', dial: '31', trunk: '0' },
  { iso: 'ES', name: 'Spain', dial: '34', trunk: '' },
  { iso: 'IT', name: 'Italy', dial: '39', trunk: '' }, // Italian numbers keep their 0
  { iso: 'IN', name: 'India', dial: '91', trunk: '0' },
  { iso: 'AU', name: 'Australia', dial: '61', trunk: '0' },
  { iso: 'BR', name: 'Brazil', dial: '55', trunk: '0' },
  { iso: 'ZA', name: 'South Africa', dial: '27', trunk: '0' },
  { iso: 'JP', name: 'Japan', dial: '81', trunk: '0' },
];

/** findCountry returns the listed country with ISO code iso, or undefined. */
export function findCountry(iso: unknown): Country | undefined {
  return COUNTRIES.find((c) => c.iso === String(iso).toUpperCase());
}

/** guessCountry picks a listed country from language tags such as "en-GB", else the first. */
export function guessCountry(languages: readonly string[] = []): Country {
  for (const tag of languages) {
    const region = String(tag).split('-')[1];
    const c = region && findCountry(region);
    if (c) return c;
  }
  return COUNTRIES[0]!;
}

/** E164Result is a number in E.164, or why there is none: a code and its English sentence. */
export type E164Result = { phone: string; error?: undefined; code?: undefined } | { phone?: undefined; error: string; code: ErrorCode };

function fail(code: ErrorCode & keyof typeof ENGLISH): E164Result {
  return { error: ENGLISH[code], code };
}

/**
 * toE164 turns what someone typed into an E.164 number. It accepts spaces,
 * dashes, dots, slashes and brackets; a number starting with + or 00 is
 * international and the country is ignored; anything else is a national
 * number of country, whose trunk prefix (a leading 0) is dropped.
 */
export function toE164(input: unknown, country?: Country): E164Result {
  const raw = String(input ?? '').trim();
  if (raw === '') return fail('phone_required');
  const compact = raw.replace(/[\s\-.()/\u00a0]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else {
    if (!country) return fail('choose_country');
    let national = compact;
    if (country.trunk && national.startsWith(country.trunk) && /^\d+$/.test(national)) national = national.slice(country.trunk.length);
    digits = country.dial + national;
  }
  if (!/^\d+$/.test(digits)) return fail('phone_chars');
  if (digits.startsWith('0')) return fail('phone_country_zero');
  if (digits.length < MIN_DIGITS) return fail('phone_too_short');
  if (digits.length > MAX_DIGITS) return fail('phone_too_long');
  return { phone: '+' + digits };
}
