import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventStoreService } from '../core/database';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { upsertToken } from '@sdn/event-store';
import { parseTokenString, secretMatches, type TokenCredentials } from './tokens';

interface TokenRow {
  id: string;
  salt: string;
  hash: string;
}

/** How long a token row is trusted from memory; bounds how late a revocation takes effect. */
const CACHE_MS = 5000;

@Injectable()
export class TokenService implements OnModuleInit {
  private readonly log = new Logger('auth');
  private cache = new Map<string, { row: TokenRow | null; at: number }>();

  constructor(
    private readonly store: EventStoreService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.bootstrapToken) return;
    const cred = parseTokenString(this.config.bootstrapToken);
    if (!cred) throw new Error('SDN_BOOTSTRAP_TOKEN must look like USER@REALM!TOKENID=SECRET');
    // Configuration, not an account: the access state treats this id as the superuser (AccessStateService.principal).
    await upsertToken(this.store.ds, cred, 'bootstrap (SDN_BOOTSTRAP_TOKEN)');
    this.cache.delete(cred.id);
    this.log.log(`bootstrap token ${cred.id} installed`);
  }

  /** Forgets a cached credential row (after a token was rotated or revoked here). */
  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /** The token id when the credentials are valid, else null. */
  async verify(cred: TokenCredentials): Promise<string | null> {
    const now = Date.now();
    let hit = this.cache.get(cred.id);
    if (!hit || now - hit.at > CACHE_MS) {
      const rows: TokenRow[] = await this.store.ds.query('SELECT id, salt, hash FROM api_tokens WHERE id = $1', [cred.id]);
      hit = { row: rows[0] ?? null, at: now };
      this.cache.set(cred.id, hit);
    }
    return hit.row && secretMatches(hit.row.salt, hit.row.hash, cred.secret) ? cred.id : null;
  }
}

export { upsertToken } from '@sdn/event-store';
