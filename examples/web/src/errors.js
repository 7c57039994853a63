// What the page says for each of phonepass's errors: the table lives in
// @phonepass/web (clients/web/src/errors.ts), keyed by the stable code in
// brackets of every phonepass error; a Go test holds it to
// triggers.ErrorCodes through this module.
export { ERROR_TEXTS, errorCode } from '@phonepass/web';
