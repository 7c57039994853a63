// The page's view of @phonepass/web's sign-in: the pieces it re-exports, and
// describeError in the page's { text, restart } form.
import { describeError as describe } from '@phonepass/web';

export { RESEND_METADATA, codeFromMessage, isUserNotFound, throwAwayPassword } from '@phonepass/web';

/** describeError returns the English sentence for err and whether to start again. */
export function describeError(err) {
  const { message, restart } = describe(err);
  return { text: message, restart };
}
