// What the page knows of a phone number from libphonenumber-js and its min
// metadata (the package's default import, about 80 kB): the number formatted
// as it is typed, the country of a number typed with + or 00, and, before the
// number is sent, whether it is valid and, where the metadata can tell,
// whether it can receive a text.
//
// The Lambda checks every number with the full metadata of Google's
// libphonenumber (Go package phone, generated from nyaruka/phonenumbers), of
// which libphonenumber-js's min metadata is a cut-down copy (maybe of
// another release), and the Lambda's answer is the one that counts. The page only
// says early what the Lambda would say, in the same words (errors.js), and
// is meant never to refuse a number the Lambda would take:
//
//  - validity: for regions whose min metadata holds line-type patterns
//    (AU BL CA CC CX EH GB GG GP IT JE MF RE US YT, and the non-geographic
//    codes such as +800) it is as strict as the Lambda's; elsewhere only the
//    length and the region's general pattern are checked, which lets
//    through some numbers the Lambda refuses (it then answers
//    number_invalid);
//  - line type: known only for those same regions. Elsewhere the page cannot
//    tell a mobile from a landline and leaves it to the Lambda (cannot_text);
//  - fictional numbers (phone.Fictional) are never judged: the local pool
//    takes them, a deployed pool refuses them, and the page cannot know which
//    one it talks to.
//
// The shared test vectors (phone/testdata/vectors.json, "numbers") hold the
// page's verdicts where they differ from the Lambda's: page_valid, page_text
// and page_why.

import { AsYouType, Metadata, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { ERROR_TEXTS } from './errors.js';
import { findCountry } from './phone.js';

/**
 * TEXT_TYPES are the line types that may receive codes: the Lambda's
 * default, phone.DefaultAccepted (PHONEPASS_ACCEPTED_LINE_TYPES). Change
 * both together if your deployment accepts other types.
 */
export const TEXT_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP', 'PERSONAL_NUMBER']);

/**
 * isFictional reports whether an E.164 number is in a range kept for fiction,
 * as the Lambda's phone.Fictional: the United Kingdom's drama range
 * +44 7700 900000 to 900999, and North America's 555-0100 to 555-0199 under
 * any area code.
 */
export function isFictional(number) {
  return /^\+447700900\d{3}$/.test(number) || /^\+1[2-9]\d{2}55501\d{2}$/.test(number);
}

/**
 * judgeNumber says what the min metadata tells of an E.164 number, in the
 * terms of the shared vectors: region (ISO code, undefined if unknown),
 * valid, type (such as "mobile"; undefined where the min metadata has no
 * line types for the region), text (true or false, or null when the page
 * cannot tell) and fictional. A fictional number is not judged: valid and
 * text are null.
 */
export function judgeNumber(number) {
  if (isFictional(number)) return { region: undefined, valid: null, type: undefined, text: null, fictional: true };
  const parsed = parsePhoneNumberFromString(String(number ?? ''));
  if (!parsed?.isValid()) {
    return { region: parsed?.country, valid: false, type: undefined, text: false, fictional: false };
  }
  // getType() is undefined where the min metadata has no type patterns.
  const type = parsed.getType();
  return {
    region: parsed.country,
    valid: true,
    type: type?.toLowerCase(),
    text: type === undefined ? null : TEXT_TYPES.has(type),
    fictional: false,
  };
}

/**
 * numberProblem returns what the Lambda would refuse an E.164 number for,
 * as far as the page can tell, as { code, text } with the Lambda's error
 * code and the page's sentence for it (errors.js); undefined if the page
 * sees nothing wrong, and always for a fictional number.
 */
export function numberProblem(number) {
  const { valid, text } = judgeNumber(number);
  if (valid === false) return { code: 'number_invalid', text: ERROR_TEXTS.number_invalid.text };
  if (text === false) return { code: 'cannot_text', text: ERROR_TEXTS.cannot_text.text };
  return undefined;
}

// Only these characters are formatted as typed; anything else (a letter, say)
// is left as it is for toE164 to explain, never dropped without a word.
const FORMATTABLE = /^\s*(?:\+|00)?[\d\s\-.()/\u00a0]*$/;

const metadata = new Metadata();

/**
 * formatTyped formats what has been typed so far, as libphonenumber-js's
 * AsYouType does: a national number as country iso writes it ("07700 900123",
 * "(206) 555-0100"), a number starting with + or 00 in the international
 * form ("+44 7700 900123", "00 44 7700 900123"). It returns { text, country }:
 * country is, for an international number, the ISO code of the country it
 * belongs to as far as the digits tell (the number's region, else
 * selected if it has the number's calling code, else that code's main
 * country); undefined for a national number or before the calling code is
 * complete. Text with anything but digits and separators comes back as it is.
 */
export function formatTyped(typed, selected) {
  const raw = String(typed ?? '');
  if (!FORMATTABLE.test(raw)) return { text: raw, country: undefined };
  const compact = raw.replace(/[^\d+]/g, '');
  if (compact.startsWith('+') || compact.startsWith('00')) {
    const idd = !compact.startsWith('+');
    const formatter = new AsYouType();
    let text = formatter.input('+' + compact.slice(idd ? 2 : 1));
    if (idd) text = text.length > 1 ? '00 ' + text.slice(1) : '00';
    return { text, country: countryOfCallingCode(formatter.getCountry(), formatter.getCallingCode(), selected) };
  }
  if (compact === '') return { text: raw, country: undefined };
  const iso = String(selected ?? '').toUpperCase();
  const formatter = new AsYouType(isSupportedCountry(iso) ? iso : undefined);
  return { text: formatter.input(compact), country: undefined };
}

function countryOfCallingCode(region, callingCode, selected) {
  if (region) return region;
  if (!callingCode) return undefined;
  const sel = String(selected ?? '').toUpperCase();
  if (isSupportedCountry(sel) && getCountryCallingCode(sel) === callingCode) return sel;
  return metadata.getCountryCodesForCallingCode(callingCode)?.[0]; // undefined for +800 and the like
}

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

/**
 * countryOf returns the picker's entry for ISO code iso (as phone.js's
 * COUNTRIES), or, for a country that is not in the list, one made from the
 * metadata (calling code, national prefix) and the browser's name for it.
 * It returns undefined for a code the metadata does not know.
 */
export function countryOf(iso) {
  const listed = findCountry(iso);
  if (listed) return listed;
  const code = String(iso ?? '').toUpperCase();
  if (!isSupportedCountry(code)) return undefined;
  let name = code;
  try {
    name = regionNames?.of(code) || code;
  } catch {
    // an engine without the name: the ISO code will do
  }
  metadata.selectNumberingPlan(code);
  return { iso: code, name, dial: getCountryCallingCode(code), trunk: metadata.numberingPlan.nationalPrefix() || '' };
}
