// The 31 languages of phonepass's SMS (Go: sms's catalogue), how a language
// tag picks one (as sms.Language does with a user's locale), and loading a
// language's texts: English is built in, every other language is its own
// module, fetched by import() only when it is used.

import en from './en.js';
import type { Messages } from './messages.js';

export type { Messages, MessageKey } from './messages.js';
export { format } from './messages.js';

/** LANGUAGES are the tags of the languages the texts exist in, as the SMS catalogue's. */
export const LANGUAGES = [
  'en', 'ar', 'cs', 'da', 'de', 'el', 'es', 'fi', 'fr', 'he', 'hi', 'hu', 'id', 'it', 'ja', 'ko',
  'ms', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sv', 'th', 'tr', 'uk', 'vi', 'zh-Hans', 'zh-Hant',
] as const;

/** Language is one of LANGUAGES. */
export type Language = (typeof LANGUAGES)[number];

/** RTL_LANGUAGES are written right to left. */
export const RTL_LANGUAGES: readonly Language[] = ['ar', 'he'];

/** isRTL reports whether lang is written right to left. */
export function isRTL(lang: string): boolean {
  return (RTL_LANGUAGES as readonly string[]).includes(lang);
}

const ALIASES: Record<string, string> = { iw: 'he', in: 'id', no: 'nb', nn: 'nb' };
const REGION_SCRIPTS: Record<string, string> = {
  'zh-TW': 'Hant', 'zh-HK': 'Hant', 'zh-MO': 'Hant', 'zh-CN': 'Hans', 'zh-SG': 'Hans', 'zh-MY': 'Hans',
};
const DEFAULT_SCRIPTS: Record<string, string> = { zh: 'Hans' };

/**
 * candidates returns the tags to try for a language tag, most specific
 * first (Go: sms's localeCandidates): language-Script, language-REGION, the
 * script a region implies, the language's default script, the language.
 */
function candidates(tag: string): string[] {
  let s = tag.trim();
  const cut = s.search(/[.@]/);
  if (cut >= 0) s = s.slice(0, cut);
  const parts = s.replace(/_/g, '-').split('-');
  let lang = parts[0]!.toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lang)) return [];
  lang = ALIASES[lang] ?? lang;
  let script = '';
  let region = '';
  for (const p of parts.slice(1)) {
    if (/^[A-Za-z]{4}$/.test(p) && !script && !region) script = p[0]!.toUpperCase() + p.slice(1).toLowerCase();
    else if (/^([A-Za-z]{2}|\d{3})$/.test(p) && !region) region = p.toUpperCase();
  }
  const out: string[] = [];
  if (script) out.push(`${lang}-${script}`);
  if (region) {
    out.push(`${lang}-${region}`);
    const implied = REGION_SCRIPTS[`${lang}-${region}`];
    if (implied && !script) out.push(`${lang}-${implied}`);
  }
  const def = DEFAULT_SCRIPTS[lang];
  if (def && !script) out.push(`${lang}-${def}`);
  out.push(lang);
  return out;
}

/**
 * pickLanguage returns the first of tags (such as navigator.languages, or a
 * lang attribute) that one of LANGUAGES serves, as sms.Language picks the
 * language of a text: "pt-BR" is pt-BR, "pt-PT" is pt, "zh-TW" is
 * zh-Hant, "no" is nb. Else English.
 */
export function pickLanguage(...tags: ReadonlyArray<string | null | undefined | readonly string[]>): Language {
  for (const t of tags.flat()) {
    if (typeof t !== 'string') continue;
    for (const c of candidates(t)) {
      if ((LANGUAGES as readonly string[]).includes(c)) return c as Language;
    }
  }
  return 'en';
}

type Loader = () => Promise<{ default: Messages }>;

// One import() with a literal path each, which every bundler can split.
const LOADERS: Record<Exclude<Language, 'en'>, Loader> = {
  ar: () => import('./ar.js'), cs: () => import('./cs.js'), da: () => import('./da.js'), de: () => import('./de.js'),
  el: () => import('./el.js'), es: () => import('./es.js'), fi: () => import('./fi.js'), fr: () => import('./fr.js'),
  he: () => import('./he.js'), hi: () => import('./hi.js'), hu: () => import('./hu.js'), id: () => import('./id.js'),
  it: () => import('./it.js'), ja: () => import('./ja.js'), ko: () => import('./ko.js'), ms: () => import('./ms.js'),
  nb: () => import('./nb.js'), nl: () => import('./nl.js'), pl: () => import('./pl.js'), pt: () => import('./pt.js'),
  'pt-BR': () => import('./pt-BR.js'), ro: () => import('./ro.js'), ru: () => import('./ru.js'), sv: () => import('./sv.js'),
  th: () => import('./th.js'), tr: () => import('./tr.js'), uk: () => import('./uk.js'), vi: () => import('./vi.js'),
  'zh-Hans': () => import('./zh-Hans.js'), 'zh-Hant': () => import('./zh-Hant.js'),
};

const loaded = new Map<Language, Messages>([['en', en]]);

/** ENGLISH is the English texts, always at hand. */
export const ENGLISH: Messages = en;

/**
 * loadMessages returns the texts of lang (a tag pickLanguage resolves),
 * importing its module the first time; English if that fails.
 */
export async function loadMessages(tag: string): Promise<Messages> {
  const lang = pickLanguage(tag);
  const have = loaded.get(lang);
  if (have) return have;
  try {
    const m = (await LOADERS[lang as Exclude<Language, 'en'>]()).default;
    loaded.set(lang, m);
    return m;
  } catch {
    return en;
  }
}

/** messagesNow returns lang's texts if they are loaded already, else English. */
export function messagesNow(tag: string): Messages {
  return loaded.get(pickLanguage(tag)) ?? en;
}
