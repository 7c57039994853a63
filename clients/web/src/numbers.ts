// What libphonenumber-js (a peer dependency, with its min metadata) tells of
// a number: formatted as typed, the country of a number typed with + or 00,
// and, before sending, whether the Lambda would refuse it, in the Lambda's
// words (its number_invalid and cannot_text). The Lambda checks with the
// full metadata and its answer is the one that counts; this never refuses
// a number the Lambda takes (the shared vectors, phone/testdata/vectors.json,
// hold the differences in page_valid, page_text and page_why):
//  - validity is as strict as the Lambda's where the min metadata has
//    line-type patterns (AU BL CA CC CX EH GB GG GP IT JE MF RE US YT and
//    the non-geographic codes), elsewhere length and general pattern only;
//  - the line type is known only for those regions;
//  - fictional numbers (phone.Fictional) are never judged.

import { AsYouType, Metadata, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import { findCountry, type Country } from './phone.js';

/** TEXT_TYPES are the line types that may receive codes: the Lambda's default (PHONEPASS_ACCEPTED_LINE_TYPES). */
export const TEXT_TYPES: ReadonlySet<string> = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP', 'PERSONAL_NUMBER']);

/** isFictional reports whether an E.164 number is kept for fiction (Go: phone.Fictional). */
export function isFictional(number: string): boolean {
  return /^\+447700900\d{3}$/.test(number) || /^\+1[2-9]\d{2}55501\d{2}$/.test(number);
}

/** Judgement is what the min metadata says of a number, in the terms of the shared vectors. */
export interface Judgement {
  region: string | undefined;
  /** null: a fictional number, not judged. */
  valid: boolean | null;
  /** Such as "mobile"; undefined where the metadata has no line types. */
  type: string | undefined;
  /** Can it take a text; null when it cannot be told. */
  text: boolean | null;
  fictional: boolean;
}

/** judgeNumber says what the min metadata tells of an E.164 number. */
export function judgeNumber(number: string): Judgement {
  if (isFictional(number)) return { region: undefined, valid: null, type: undefined, text: null, fictional: true };
  const parsed = parsePhoneNumberFromString(String(number ?? ''));
  if (!parsed?.isValid()) return { region: parsed?.country, valid: false, type: undefined, text: false, fictional: false };
  const type = parsed.getType();
  return { region: parsed.country, valid: true, type: type?.toLowerCase(), text: type === undefined ? null : TEXT_TYPES.has(type), fictional: false };
}

/** numberProblem returns the Lambda's code for refusing number, as far as can be told here, or undefined. */
export function numberProblem(number: string): 'number_invalid' | 'cannot_text' | undefined {
  const { valid, text } = judgeNumber(number);
  if (valid === false) return 'number_invalid';
  if (text === false) return 'cannot_text';
  return undefined;
}

const FORMATTABLE = /^\s*(?:\+|00)?[\d\s\-.()/\u00a0]*$/;
// Metadata methods the page has always used that libphonenumber-js's types leave out.
interface MetadataInternals {
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  selectNumberingPlan(country: string): void;
  numberingPlan?: { nationalPrefix(): string | undefined };
}
let metadata: MetadataInternals | undefined;
const meta = () => (metadata ??= new Metadata() as unknown as MetadataInternals);

/** Typed is a number as formatted so far and, for an international one, its country. */
export interface Typed {
  text: string;
  country: string | undefined;
}

/**
 * formatTyped formats what has been typed so far, as AsYouType does: a
 * national number as country selected writes it, a + or 00 number in the
 * international form, with its country (its region, else selected if it
 * has the calling code, else the code's main country). Text with anything
 * but digits and separators comes back as it is.
 */
export function formatTyped(typed: unknown, selected?: string): Typed {
  const raw = String(typed ?? '');
  if (!FORMATTABLE.test(raw)) return { text: raw, country: undefined };
  const compact = raw.replace(/[^\d+]/g, '');
  const sel = String(selected ?? '').toUpperCase();
  if (compact.startsWith('+') || compact.startsWith('00')) {
    const idd = !compact.startsWith('+');
    const f = new AsYouType();
    let text = f.input('+' + compact.slice(idd ? 2 : 1));
    if (idd) text = text.length > 1 ? '00 ' + text.slice(1) : '00';
    const cc = f.getCallingCode();
    let country: string | undefined = f.getCountry();
    if (!country && cc) {
      country = isSupportedCountry(sel) && getCountryCallingCode(sel as CountryCode) === cc ? sel : meta().getCountryCodesForCallingCode(cc)?.[0];
    }
    return { text, country };
  }
  if (compact === '') return { text: raw, country: undefined };
  const f = new AsYouType(isSupportedCountry(sel) ? (sel as CountryCode) : undefined);
  return { text: f.input(compact), country: undefined };
}

/**
 * countryOf returns the picker's entry for iso: a listed one, else one made
 * from the metadata and Intl.DisplayNames in locale; undefined for an
 * unknown code.
 */
export function countryOf(iso: unknown, locale = 'en'): Country | undefined {
  const listed = findCountry(iso);
  if (listed && locale === 'en') return listed;
  const code = String(iso ?? '').toUpperCase();
  if (!isSupportedCountry(code)) return undefined;
  let name = listed?.name ?? code;
  try {
    name = new Intl.DisplayNames([locale, 'en'], { type: 'region' }).of(code) || name;
  } catch {
    // an engine without the names: the ISO code will do
  }
  if (listed) return { ...listed, name };
  const m = meta();
  m.selectNumberingPlan(code);
  return { iso: code, name, dial: getCountryCallingCode(code as CountryCode), trunk: m.numberingPlan?.nationalPrefix() || '' };
}
