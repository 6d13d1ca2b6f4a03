import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const TOKEN_FORMAT = /^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*=\S+$/;

/**
 * The root API token for a local installation: SDN_BOOTSTRAP_TOKEN (`fromEnv`, checked by @sdn/config) when set,
 * else the one persisted in `file` (so restarts keep working credentials),
 * else a new `root@pam!bootstrap=<uuid>` (the reference's secret format) written there (mode 0600).
 */
export function bootstrapToken(fromEnv: string | undefined, file: string): { token: string; source: 'env' | 'file' | 'generated' } {
  if (fromEnv) return { token: fromEnv, source: 'env' };
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (TOKEN_FORMAT.test(token)) return { token, source: 'file' };
  }
  const token = `root@pam!bootstrap=${randomUUID()}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, source: 'generated' };
}
