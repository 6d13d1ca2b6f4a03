import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateSecretKey, parseSecretKey } from '@sdn/secrets';

/**
 * The key that seals IPAM tokens and DNS keys (SDN_SECRET_KEY) for a local
 * installation: the environment's when set, else the one kept in `file`
 * (so restarts can still open what was sealed), else a new one written
 * there (mode 0600). A development convenience: in production the key comes
 * from the environment, kept apart from the database it protects.
 */
export function devSecretKey(fromEnv: string | undefined, file: string): { key: string; source: 'env' | 'file' | 'generated' } {
  if (fromEnv) {
    parseSecretKey(fromEnv);
    return { key: fromEnv, source: 'env' };
  }
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    parseSecretKey(key);
    return { key, source: 'file' };
  }
  const key = generateSecretKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return { key, source: 'generated' };
}
