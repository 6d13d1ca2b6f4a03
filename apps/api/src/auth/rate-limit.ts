export interface AuthRateLimitOptions {
  /** Failures a key may have before it is blocked at all. */
  threshold: number;
  /** First block; each further failure doubles it. */
  baseMs: number;
  /** Longest block. */
  maxMs: number;
  /** A key without failures for this long starts over. */
  forgetMs: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimitOptions = { threshold: 10, baseMs: 1000, maxMs: 5 * 60_000, forgetMs: 15 * 60_000 };

interface Entry {
  failures: number;
  last: number;
  blockedUntil: number;
}

/** Bound on remembered keys: an attacker cycling token ids must not grow memory without limit. */
const MAX_KEYS = 50_000;

/**
 * Exponential backoff on authentication failures, keyed by source address
 * and by claimed token id (so neither many guesses from one place nor a
 * distributed guess at one token gets far). While a key is blocked its
 * requests are refused with 429 before any credential is checked.
 */
export class AuthRateLimiter {
  private readonly entries = new Map<string, Entry>();
  readonly options: AuthRateLimitOptions;

  constructor(
    options: Partial<AuthRateLimitOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_AUTH_RATE_LIMIT, ...options };
  }

  /** Milliseconds until the first of `keys` is unblocked; 0 when none is blocked. */
  blockedFor(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e && e.blockedUntil > t) wait = Math.max(wait, e.blockedUntil - t);
    }
    return wait;
  }

  fail(keys: string[]): void {
    const t = this.now();
    if (this.entries.size > MAX_KEYS) this.sweep(t);
    for (const k of keys) {
      let e = this.entries.get(k);
      if (!e || t - e.last > this.options.forgetMs) e = { failures: 0, last: t, blockedUntil: 0 };
      e.failures++;
      e.last = t;
      const over = e.failures - this.options.threshold;
      if (over > 0) e.blockedUntil = t + Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(over - 1, 30));
      this.entries.set(k, e);
    }
  }

  private sweep(t: number): void {
    for (const [k, e] of this.entries) if (t - e.last > this.options.forgetMs && e.blockedUntil <= t) this.entries.delete(k);
    // Still full of fresh keys: drop the oldest half rather than grow.
    if (this.entries.size > MAX_KEYS) {
      const drop = [...this.entries].sort((a, b) => a[1].last - b[1].last).slice(0, this.entries.size / 2);
      for (const [k] of drop) this.entries.delete(k);
    }
  }
}
