import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from './atomic-write';

/**
 * Keeps the last N bundles the agent wrote (files plus metadata) under
 * `<stateDir>/history/<version>-<hash>`, so an operator can diff or restore
 * by hand. The rollback of a failed apply does not need it: it restores the
 * files read just before the write.
 */
export async function archiveBundle(stateDir: string, version: number, hash: string, files: { interfaces: string; frr?: string }, keep: number): Promise<void> {
  const dir = join(stateDir, 'history', `${String(version).padStart(10, '0')}-${hash.slice(0, 12)}`);
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'sdn'), files.interfaces);
  if (files.frr !== undefined) await writeAtomic(join(dir, 'frr.conf'), files.frr);
  const all = (await readdir(join(stateDir, 'history'))).sort();
  // Names sort by version; ties (same version re-rendered) by mtime do not matter for pruning.
  for (const old of all.slice(0, Math.max(0, all.length - keep))) {
    if ((await stat(join(stateDir, 'history', old))).isDirectory()) await rm(join(stateDir, 'history', old), { recursive: true, force: true });
  }
}
