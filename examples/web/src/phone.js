// Phone numbers as people type them, to E.164: @phonepass/web's helpers
// (the Lambda's rule; both run phone/testdata/vectors.json).
export { COUNTRIES, MAX_DIGITS, MIN_DIGITS, findCountry, guessCountry, isE164, toE164 } from '@phonepass/web';
