// @phonepass/web: phonepass's phone sign-in for apps over aws-amplify v6.
// This entry has no DOM code; the <phonepass-sign-in> element is
// '@phonepass/web/element'.

export { PhoneSignIn, describeError, throwAwayPassword, RESEND_METADATA, CUSTOM_CHALLENGE } from './machine.js';
export type { AuthApi, SignInOptions, SignInState, StartOptions, ErrorInfo, CodeView } from './machine.js';
export { readChallenge, secondsUntil, clock } from './challenge.js';
export type { Challenge } from './challenge.js';
export {
  PHONEPASS_CODES, CLIENT_CODES, ERROR_RULES, ERROR_TEXTS, classifyError, errorCode, isUserNotFound, waitOf,
} from './errors.js';
export type { ErrorCode, PhonepassCode, ClientCode, ErrorRule, ErrorText, Classified, Wait } from './errors.js';
export { COUNTRIES, MIN_DIGITS, MAX_DIGITS, findCountry, guessCountry, isE164, toE164 } from './phone.js';
export type { Country, E164Result } from './phone.js';
export { TEXT_TYPES, countryOf, formatTyped, isFictional, judgeNumber, numberProblem } from './numbers.js';
export type { Judgement, Typed } from './numbers.js';
export { MAX_LOCALE_LENGTH, signUpAttributes, signUpLocale } from './locale.js';
export { codeFromMessage, hasWebOTP, listenForCode } from './webotp.js';
export { ENGLISH, LANGUAGES, RTL_LANGUAGES, format, isRTL, loadMessages, messagesNow, pickLanguage } from './i18n/index.js';
export type { Language, Messages, MessageKey } from './i18n/index.js';
