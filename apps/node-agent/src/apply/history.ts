import { link, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from './atomic-write';

/**
 * Keeps the last N bundles the agent wrote (files plus metadata) under
 * `<stateDir>/history/<version>-<hash>`, so an operator can diff or restore
 * by hand. The rollback of a failed apply does not need it: it restores the
 * files read just before the write. `written` names the files as just
 * written: they are hard-linked rather than copied (a multi-MB write and
 * fsync less per apply); every later write replaces them by rename, so the
 * link keeps this version. Copied when a link is impossible.
 */
export async function archiveBundle(
  stateDir: string,
  version: number,
  hash: string,
  files: { interfaces: string | Uint8Array; frr?: string | Uint8Array },
  keep: number,
  written: { interfaces: string; frr?: string },
): Promise<void> {
  const dir = join(stateDir, 'history', `${String(version).padStart(10, '0')}-${hash.slice(0, 12)}`);
  // A new directory has nothing to replace (the usual case: a new version).
  const fresh = (await mkdir(dir, { recursive: true })) !== undefined;
  const put = async (name: string, from: string, text: string | Uint8Array) => {
    const to = join(dir, name);
    if (!fresh) await rm(to, { force: true });
    await link(from, to).catch(() => writeAtomic(to, text));
  };
  await put('sdn', written.interfaces, files.interfaces);
  if (files.frr !== undefined && written.frr !== undefined) await put('frr.conf', written.frr, files.frr);
  const all = (await readdir(join(stateDir, 'history'), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Names sort by version; ties (same version re-rendered) by mtime do not matter for pruning.
  for (const old of all.slice(0, Math.max(0, all.length - keep))) {
    if (old.isDirectory()) await rm(join(stateDir, 'history', old.name), { recursive: true, force: true });
  }
}
