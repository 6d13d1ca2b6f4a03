import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** API token storage (table `api_tokens`), shared by the API and `sdnctl token`. */
type Q = { query(sql: string, params?: unknown[]): Promise<any> };

/** Random secrets are UUIDs: the form the reference issues and clients (e.g. proxmox-api) insist on. */
export function newSecret(): string {
  return randomUUID();
}

export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * sha256(salt ‖ secret). A slow KDF buys nothing for 122-bit random secrets
 * and would cost milliseconds on every request.
 */
export function hashSecret(salt: string, secret: string): string {
  return hash('sha256', `${salt}\0${secret}`, 'hex');
}

export function secretMatches(salt: string, hash: string, secret: string): boolean {
  const a = Buffer.from(hashSecret(salt, secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Stores (or replaces) a token; only the salted hash is kept. */
export async function upsertToken(q: Q, cred: { id: string; secret: string }, comment = ''): Promise<void> {
  const salt = newSalt();
  await q.query(
    `INSERT INTO api_tokens (id, salt, hash, comment, created_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (id) DO UPDATE SET salt = EXCLUDED.salt, hash = EXCLUDED.hash, comment = EXCLUDED.comment`,
    [cred.id, salt, hashSecret(salt, cred.secret), comment],
  );
}

export async function listTokens(q: Q): Promise<{ id: string; comment: string; created_at: Date }[]> {
  return q.query('SELECT id, comment, created_at FROM api_tokens ORDER BY id');
}

export async function deleteToken(q: Q, id: string): Promise<boolean> {
  const r = await q.query('DELETE FROM api_tokens WHERE id = $1 RETURNING id', [id]);
  // TypeORM answers a DELETE with [rows, affectedCount]; a plain pg client with rows.
  const rows = Array.isArray(r) && Array.isArray(r[0]) ? r[0] : r;
  return Array.isArray(rows) && rows.length > 0;
}
