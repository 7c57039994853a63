// The local pool's SMS outbox as the page reads it: the first read asks for
// the newest few messages, each later one only for those after the newest
// seen (`?after=<id>`), so that a poll every second costs the pool almost
// nothing. IDs only grow, even when the outbox is cleared. No DOM here.

/** OUTBOX_PATH is the local pool's outbox endpoint, relative to its base URL. */
export const OUTBOX_PATH = '_local/outbox';

/**
 * outboxPath returns the path of a read of the outbox: the messages after
 * the one with ID after (when after > 0), else the newest limit.
 */
export function outboxPath({ after = 0, limit = 0 } = {}) {
  const q = new URLSearchParams();
  if (after > 0) q.set('after', String(after));
  else if (limit > 0) q.set('limit', String(limit));
  const s = q.toString();
  return s ? `${OUTBOX_PATH}?${s}` : OUTBOX_PATH;
}

/**
 * OutboxFeed follows the outbox for a panel that lists the newest `shown`
 * messages: path() is what to read next, take(messages) keeps the newest ID
 * and returns only the messages not taken before, oldest first.
 */
export class OutboxFeed {
  constructor(shown) {
    this.shown = shown;
    this.last = 0; // ID of the newest message taken
  }

  path() {
    return outboxPath(this.last > 0 ? { after: this.last } : { limit: this.shown });
  }

  take(messages) {
    if (!Array.isArray(messages)) return [];
    const fresh = messages.filter((m) => Number(m.id) > this.last).slice(-this.shown);
    for (const m of fresh) this.last = Math.max(this.last, Number(m.id));
    return fresh;
  }
}
