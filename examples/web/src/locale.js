// The language phonepass texts a user in comes from Cognito's standard
// `locale` attribute (Go: sms.Language, which falls back to the number's
// country and then English). The page sets it once, at sign-up, from the
// browser's language.

/** MAX_LOCALE_LENGTH bounds the tag sent: real language tags are far shorter. */
export const MAX_LOCALE_LENGTH = 35;

/**
 * signUpLocale returns the BCP 47 tag to store as `locale` for a browser
 * language such as navigator.language ("pt-BR"), in its canonical form
 * ("pt-br" becomes "pt-BR"); undefined when there is none, it is not a
 * well-formed tag, it is "und" (undetermined), or it is longer than
 * MAX_LOCALE_LENGTH characters. The user is then signed up without one.
 */
export function signUpLocale(language) {
  if (typeof language !== 'string') return undefined;
  const tag = language.trim();
  if (tag === '' || tag.length > MAX_LOCALE_LENGTH) return undefined;
  let canonical;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined; // RangeError: not a well-formed language tag
  }
  if (!canonical || canonical === 'und' || canonical.length > MAX_LOCALE_LENGTH) return undefined;
  return canonical;
}

/**
 * signUpAttributes returns the user attributes the page sends with signUp
 * for a browser language: { locale } if signUpLocale finds one, else {}.
 * (The phone number is the username; the app client may not write it.)
 */
export function signUpAttributes(language) {
  const locale = signUpLocale(language);
  return locale ? { locale } : {};
}
