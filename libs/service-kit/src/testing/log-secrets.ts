import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The test suite's secret scan: every service a test runs (in-process or as a
 * child process, both read `SDN_LOG_COPY_DIR`) appends its log lines to a file
 * in one directory; the harnesses record the secrets they hand out (tokens,
 * passwords, the secret key, IPAM/DNS keys) next to them; jest's global
 * teardown scans every line for them and fails the run on a hit. A report
 * names the file, the line and the kind of secret, never the value.
 */

/** Where the known secrets are kept (a dot file: not a log, not scanned). */
const SECRETS_FILE = '.secrets.jsonl';
/** Shorter values would match by chance ("x", "pve"). */
const MIN_SECRET_LENGTH = 8;

export interface KnownSecret {
  /** What it is, for the report ("stack API token secret"). */
  name: string;
  value: string;
}

export interface SecretFinding {
  file: string;
  line: number;
  /** The secret's name or the pattern's, never its value. */
  what: string;
}

/**
 * Secrets nobody recorded still have recognisable shapes: an API token with
 * its secret part, a signed login ticket, a value under a secret's name that
 * was not redacted.
 */
const SHAPES: { what: string; re: RegExp }[] = [
  { what: 'API token with its secret (PVEAPIToken=USER!ID=SECRET)', re: /PVEAPIToken[= ][^\s"=!]+![^\s"=]+=[0-9A-Za-z-]{8,}/ },
  { what: 'signed login ticket (PVE:user:time::signature)', re: /PVE:[^:\s"]+:[0-9A-F]{8}::[A-Za-z0-9+/]{43}=/ },
  { what: 'unredacted value of a secret-named field', re: /"(?:password|passwd|new-password|secret|api_?key|authorization|cookie|csrfpreventiontoken)"\s*:\s*"(?!\[redacted\])[^"]+"/i },
];

/** The directory this run copies logs to (`SDN_LOG_COPY_DIR`), if any. */
export function testLogDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.SDN_LOG_COPY_DIR || undefined;
}

/** Records secrets a harness or test hands to the services, for the scan at the end of the run (no-op without a log directory). */
export function recordTestSecrets(secrets: Record<string, string | undefined>, dir = testLogDir()): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const lines = Object.entries(secrets)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= MIN_SECRET_LENGTH)
    .map(([name, value]) => `${JSON.stringify({ name, value })}\n`)
    .join('');
  if (lines) appendFileSync(join(dir, SECRETS_FILE), lines, { mode: 0o600 });
}

export function recordedSecrets(dir: string): KnownSecret[] {
  const f = join(dir, SECRETS_FILE);
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as KnownSecret);
}

function logFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...logFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Scans every file under `dir` (but the secrets file) line by line for the
 * recorded secrets (as written and URL-encoded), `extra` ones and the shapes above.
 */
export function scanLogsForSecrets(dir: string, extra: KnownSecret[] = []): { files: number; lines: number; secrets: number; findings: SecretFinding[] } {
  const byValue = new Map([...recordedSecrets(dir), ...extra].filter((s) => s.value.length >= MIN_SECRET_LENGTH).map((s) => [s.value, s]));
  const known = [...byValue.values()];
  const needles = known.flatMap((s) => [...new Set([s.value, encodeURIComponent(s.value)])].map((v) => ({ what: s.name, v })));
  const findings: SecretFinding[] = [];
  let lines = 0;
  const files = existsSync(dir) ? logFiles(dir) : [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (!text) return;
        lines++;
        const hit = needles.find((n) => text.includes(n.v))?.what ?? SHAPES.find((s) => s.re.test(text))?.what;
        if (hit) findings.push({ file, line: i + 1, what: hit });
      });
  }
  return { files: files.length, lines, secrets: known.length, findings };
}
