// phonepass's public challenge parameters (Amplify v6:
// nextStep.additionalInfo), read once into numbers and deadlines: the
// seconds shown later are always worked out from the deadlines and a clock,
// never counted down by hand.

/** Challenge is one code challenge as phonepass described it when it arrived. */
export interface Challenge {
  /** The masked number the code went to, such as "+********4455". */
  phone: string;
  codeLength: number;
  attemptsLeft: number;
  /** True while a new code may still be asked for in this sign-in. */
  resendAvailable: boolean;
  /** True when the SMS went out but SNS gave no answer: it may or may not arrive. */
  deliveryUncertain: boolean;
  /** When the code stops working, in ms of the clock (Date.now by default). */
  expiresAt: number;
  /** When a new code may be asked for, in ms of the clock. */
  resendAt: number;
}

const int = (v: unknown, def: number): number => {
  const n = Number.parseInt(String(v), 10);
  return Number.isFinite(n) && n >= 0 ? n : def;
};

/**
 * readChallenge reads the parameters received at time now (ms). A missing
 * deliveryUncertain (a phonepass before it) is "false".
 */
export function readChallenge(params: Record<string, string | undefined> = {}, now = Date.now()): Challenge {
  return {
    phone: params.phone || '',
    codeLength: int(params.codeLength, 6),
    attemptsLeft: int(params.attemptsLeft, 0),
    resendAvailable: params.resendAvailable === 'true',
    deliveryUncertain: params.deliveryUncertain === 'true',
    expiresAt: now + int(params.expiresInSeconds, 0) * 1000,
    resendAt: now + int(params.resendInSeconds, 0) * 1000,
  };
}

/** secondsUntil returns the whole seconds from now to deadline, rounded up, never below 0. */
export function secondsUntil(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** clock formats seconds as m:ss. */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
