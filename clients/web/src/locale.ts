// The `locale` attribute set at sign-up, which picks the language phonepass
// texts the user in (Go: sms.Language).

/** MAX_LOCALE_LENGTH bounds the tag sent: real language tags are far shorter. */
export const MAX_LOCALE_LENGTH = 35;

/**
 * signUpLocale returns the canonical BCP 47 tag for a language such as
 * navigator.language ("pt-br" gives "pt-BR"); undefined when there is none,
 * it is not well-formed, it is "und", or it is longer than MAX_LOCALE_LENGTH.
 */
export function signUpLocale(language: unknown): string | undefined {
  if (typeof language !== 'string') return undefined;
  const tag = language.trim();
  if (tag === '' || tag.length > MAX_LOCALE_LENGTH) return undefined;
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined; // RangeError: not a well-formed language tag
  }
  if (!canonical || canonical === 'und' || canonical.length > MAX_LOCALE_LENGTH) return undefined;
  return canonical;
}

/** signUpAttributes returns { locale } for signUp, or {} (the number is the username, never an attribute). */
export function signUpAttributes(language: unknown): { locale?: string } {
  const locale = signUpLocale(language);
  return locale ? { locale } : {};
}
