// The texts of the sign-in, one object per language: every error sentence
// and every label of <phonepass-sign-in>. A placeholder in braces ({n},
// {phone}, {time}, {s}, {when}) is filled in by format().

/** Messages are one language's texts; en.ts is the reference. */
export interface Messages {
  /** Errors: one sentence each (see errors.ts's ERROR_RULES for the codes that use them). */
  user_not_found: string;
  phone_required: string;
  phone_format: string;
  country_not_accepted: string;
  number_invalid: string;
  cannot_text: string;
  no_phone: string;
  send_failed: string;
  rate_limited: string;
  pool_limited: string;
  range_limited: string;
  country_limited: string;
  cooling_off: string;
  locked: string;
  check_failed: string;
  went_wrong: string;
  our_side: string;
  too_many_attempts: string;
  session_expired: string;
  user_disabled: string;
  sign_up_disabled: string;
  throttled: string;
  network: string;
  code_expired: string;
  /** {n}: the code's digits. */
  code_format: string;
  resend_not_yet: string;
  choose_country: string;
  phone_chars: string;
  phone_country_zero: string;
  phone_too_short: string;
  phone_too_long: string;
  unknown: string;
  /** {when}: Intl.RelativeTimeFormat's "in 14 minutes", added after a limit's sentence. */
  try_again: string;
  /** Labels of the element. */
  title: string;
  country: string;
  phone_label: string;
  phone_hint: string;
  send: string;
  code_label: string;
  /** {phone}: the masked number. */
  sent_to: string;
  /** {n}: wrong answers left. */
  attempts: string;
  /** {time}: m:ss. */
  expires: string;
  expired: string;
  sign_in: string;
  resend: string;
  /** {s}: seconds. */
  resend_in: string;
  no_resend: string;
  change_number: string;
  signed_in: string;
  busy: string;
  uncertain: string;
  resent: string;
  wrong_code: string;
}

/** MessageKey names one text. */
export type MessageKey = keyof Messages;

/** format fills the {name} placeholders of text from values. */
export function format(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
