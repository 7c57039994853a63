// WebOTP: a browser that has it (Chrome on Android) reads the code from the
// SMS when its last line is "@<your domain> #<code>" (PHONEPASS_WEBOTP_DOMAIN).

/** hasWebOTP reports whether this browser offers WebOTP. */
export function hasWebOTP(): boolean {
  return typeof window !== 'undefined' && 'OTPCredential' in window && !!navigator.credentials;
}

/**
 * listenForCode asks the browser for the code of the next SMS; it resolves
 * with the code, or undefined when WebOTP is missing, refused or aborted by
 * signal (abort it when the code step ends).
 */
export async function listenForCode(signal?: AbortSignal): Promise<string | undefined> {
  if (!hasWebOTP()) return undefined;
  try {
    const otp = (await navigator.credentials.get({ otp: { transport: ['sms'] }, signal } as CredentialRequestOptions)) as { code?: string } | null;
    return otp?.code || undefined;
  } catch {
    return undefined;
  }
}

/** codeFromMessage picks the code from an SMS: the WebOTP line's "#123456", else the first run of length digits. */
export function codeFromMessage(text: string, length = 6): string {
  const webotp = /#(\d{4,10})\b/.exec(text);
  if (webotp) return webotp[1]!;
  const m = new RegExp(`(?<!\\d)(\\d{${length}})(?!\\d)`).exec(text);
  return m ? m[1]! : '';
}
