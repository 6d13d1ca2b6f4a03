import { spawnSync } from 'node:child_process';

/** `promtool check metrics` on an exposition text: null when it passes, else its complaints. Undefined without promtool. */
export function promtoolCheck(text: string): string | null | undefined {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  return r.status === 0 ? null : `${r.stdout}${r.stderr}`.trim() || `exit ${r.status}`;
}

/** Why promtool tests skip here (printed), or null when promtool is installed. */
export function promtoolMissing(): string | null {
  return spawnSync('promtool', ['--version']).error ? 'promtool not installed (Debian package prometheus; tools/setup-test-env.sh installs it as root)' : null;
}
