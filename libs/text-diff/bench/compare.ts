/**
 * One diff in a fresh process, for bench:dry-run's before/after figures:
 * `--impl old` is the implementation before issue 22 (the test oracle),
 * `--impl new` the library's. Prints one JSON line: milliseconds, peak RSS
 * (MiB) of this process, and a hash of the output (to compare implementations).
 *
 *   node -r ./tools/register.js libs/text-diff/bench/compare.ts --impl old --from A --to B [--lines N]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { unifiedDiff } from '../src/diff';
import { referenceUnifiedDiff } from '../src/testing/reference-myers';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const lines = Number(arg('lines') ?? Infinity);
const read = (f: string | undefined) => (f ? readFileSync(f, 'utf8') : '');
const cut = (t: string) => (Number.isFinite(lines) ? t.split('\n').slice(0, lines).join('\n') + '\n' : t);
const from = cut(read(arg('from')));
const to = cut(read(arg('to')));
const impl = arg('impl') === 'old' ? referenceUnifiedDiff : unifiedDiff;
const opts = { ignoreWhitespace: true, fromLabel: '/etc/network/interfaces.d/sdn', toLabel: 'pending' };
const t0 = performance.now();
const out = impl(from, to, opts);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), outputBytes: out?.length ?? 0, sha: createHash('sha256').update(out ?? '').digest('hex').slice(0, 16), lines: { from: from.split('\n').length - 1, to: to.split('\n').length - 1 } }));
