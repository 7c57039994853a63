// Phone numbers as people type them, turned into E.164 (+ country code and
// number, 7 to 15 digits), which is what Cognito and phonepass accept. The
// rule is the Lambda's (Go package phone): both run the test vectors in
// phone/testdata/vectors.json.

/** MIN_DIGITS and MAX_DIGITS bound an E.164 number's digits (phone.MinDigits, phone.MaxDigits). */
export const MIN_DIGITS = 7;
export const MAX_DIGITS = 15;

/** isE164 reports whether number is strict E.164, as the Lambda's phone.Valid. */
export function isE164(number) {
  return typeof number === 'string' && new RegExp(`^\\+[1-9][0-9]{${MIN_DIGITS - 1},${MAX_DIGITS - 1}}$`).test(number);
}

/**
 * Countries offered in the picker: ISO code, name, calling code, and the
 * national trunk prefix that people type before a number at home (the "0" in
 * "07700 900123"), which E.164 leaves out. Add the countries your app serves.
 */
export const COUNTRIES = [
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

/** findCountry returns the country with ISO code iso, or undefined. */
export function findCountry(iso) {
  return COUNTRIES.find((c) => c.iso === String(iso).toUpperCase());
}

/**
 * guessCountry picks a country from browser language tags such as "en-GB",
 * falling back to the first country in the list.
 */
export function guessCountry(languages = []) {
  for (const tag of languages) {
    const region = String(tag).split('-')[1];
    const c = region && findCountry(region);
    if (c) return c;
  }
  return COUNTRIES[0];
}

/**
 * toE164 turns what someone typed into an E.164 number.
 * It accepts spaces, dashes, dots, slashes and brackets; a number starting
 * with + or 00 is taken as international and the country is ignored; anything
 * else is a national number of country, whose trunk prefix (such as a
 * leading 0) is dropped. It returns { phone } or { error } with a sentence
 * to show.
 */
export function toE164(input, country) {
  const raw = String(input ?? '').trim();
  if (raw === '') return { error: 'Enter your phone number.' };
  const compact = raw.replace(/[\s\-.()/\u00a0]/g, '');
  let digits;
  if (compact.startsWith('+')) {
    digits = compact.slice(1);
  } else if (compact.startsWith('00')) {
    digits = compact.slice(2);
  } else {
    if (!country) return { error: 'Choose your country.' };
    let national = compact;
    if (country.trunk && national.startsWith(country.trunk) && /^\d+$/.test(national)) {
      national = national.slice(country.trunk.length);
    }
    digits = country.dial + national;
  }
  if (!/^\d+$/.test(digits)) {
    return { error: 'Use only digits, spaces and dashes in the phone number.' };
  }
  if (digits.startsWith('0')) {
    return { error: 'A country code never starts with 0: check the number.' };
  }
  if (digits.length < MIN_DIGITS) return { error: 'That phone number is too short.' };
  if (digits.length > MAX_DIGITS) return { error: 'That phone number is too long.' };
  return { phone: '+' + digits };
}
