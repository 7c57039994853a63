// The `locale` sent at sign-up, from the browser's language: @phonepass/web's.
export { MAX_LOCALE_LENGTH, signUpAttributes, signUpLocale } from '@phonepass/web';
