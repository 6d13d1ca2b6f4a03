import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';
import { type AuthRateLimitOptions, DEFAULT_AUTH_RATE_LIMIT } from './rate-limit';

/**
 * Failed-login backoff shared by every API replica, in PostgreSQL
 * (`auth_failures`), keyed by source address and by user: with three
 * replicas the limit is the limit, not three times it.
 *
 * Each attempt is counted before the password is checked (`charge`), so many
 * concurrent guesses cannot all slip through while the first is hashed; a
 * successful login takes its count back (`succeeded`). Past the threshold a
 * key is blocked with exponential backoff; when the block ends one attempt
 * is let through, and its failure blocks again, twice as long.
 */
@Injectable()
export class LoginLimiter {
  readonly options: AuthRateLimitOptions;

  constructor(
    private readonly store: EventStoreService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.options = { ...DEFAULT_AUTH_RATE_LIMIT, ...config.authRateLimit };
  }

  /** Counts an attempt on every key; answers the milliseconds to wait when one of them is blocked (0: go ahead). */
  async charge(keys: string[]): Promise<number> {
    const o = this.options;
    return this.store.ds.transaction(async (m) => {
      let wait = 0;
      for (const key of [...keys].sort()) {
        await m.query(`INSERT INTO auth_failures (key, failures, last_at) VALUES ($1, 0, now()) ON CONFLICT (key) DO NOTHING`, [key]);
        const [row]: { failures: number; idle_ms: number; blocked_ms: number | null }[] = await m.query(
          `SELECT failures, extract(epoch FROM clock_timestamp() - last_at) * 1000 AS idle_ms,
                  extract(epoch FROM blocked_until - clock_timestamp()) * 1000 AS blocked_ms
           FROM auth_failures WHERE key = $1 FOR UPDATE`,
          [key],
        );
        const blocked = row.blocked_ms === null ? 0 : Number(row.blocked_ms);
        if (blocked > 0) {
          wait = Math.max(wait, blocked);
          continue;
        }
        const failures = Number(row.idle_ms) > o.forgetMs ? 1 : Number(row.failures) + 1;
        const over = failures - o.threshold;
        // Counted as a failure in advance: the block is in place unless the attempt succeeds.
        const block = over > 0 ? Math.min(o.maxMs, o.baseMs * 2 ** Math.min(over - 1, 30)) : null;
        await m.query(`UPDATE auth_failures SET failures = $2, last_at = clock_timestamp(), blocked_until = clock_timestamp() + $3 * interval '1 millisecond' WHERE key = $1`, [key, failures, block]);
      }
      return Math.ceil(wait);
    });
  }

  /** A successful login: the user starts over; the source address gets this attempt back. */
  async succeeded(userKey: string, otherKeys: string[]): Promise<void> {
    await this.store.ds.query(`DELETE FROM auth_failures WHERE key = $1`, [userKey]);
    await this.store.ds.query(
      `UPDATE auth_failures SET failures = greatest(failures - 1, 0), blocked_until = CASE WHEN failures - 1 > $2 THEN blocked_until END WHERE key = ANY($1::text[])`,
      [otherKeys, this.options.threshold],
    );
  }
}
