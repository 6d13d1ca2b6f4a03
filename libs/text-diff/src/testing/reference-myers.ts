/**
 * The line diff this library shipped before issue 22, kept verbatim as the
 * oracle of the property tests: the new implementation must print the same
 * unified diff byte for byte. Its trace keeps a copy of the whole frontier per
 * edit step (memory ~ edits x length), so tests feed it small inputs only.
 * Not exported from the library.
 */
type Op = { kind: 'equal' | 'delete' | 'insert'; a: number; b: number };

interface DiffOptions {
  /** Compare lines with runs of whitespace collapsed and ends trimmed (`diff -w`-like). */
  ignoreWhitespace?: boolean;
  /** Context lines around each hunk (default 3). */
  context?: number;
  fromLabel?: string;
  toLabel?: string;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Shortest edit script between `a` and `b` as a sequence of per-line operations. */
function diffLines(a: readonly string[], b: readonly string[], eq: (x: string, y: string) => boolean = (x, y) => x === y): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && eq(a[x], b[y])) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace backwards to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: 'equal', a: --x, b: --y });
    if (d > 0) {
      if (x === prevX) ops.push({ kind: 'insert', a: x, b: --y });
      else ops.push({ kind: 'delete', a: --x, b: y });
    }
  }
  while (x > 0 && y > 0) ops.push({ kind: 'equal', a: --x, b: --y });
  return ops.reverse();
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Unified diff of two texts, or null when they are equal (under the chosen
 * whitespace rule). Hunk headers follow GNU diff's `@@ -l,s +l,s @@`.
 */
export function referenceUnifiedDiff(from: string, to: string, opts: DiffOptions = {}): string | null {
  const a = splitLines(from);
  const b = splitLines(to);
  const eq = opts.ignoreWhitespace ? (x: string, y: string) => x === y || squash(x) === squash(y) : undefined;
  const ops = diffLines(a, b, eq);
  if (!ops.some((o) => o.kind !== 'equal')) return null;
  const ctx = opts.context ?? 3;
  const out: string[] = [`--- ${opts.fromLabel ?? 'a'}`, `+++ ${opts.toLabel ?? 'b'}`];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].kind === 'equal') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - ctx);
    // Extend the hunk while the next change is within 2*ctx equal lines.
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].kind !== 'equal') end++;
      let j = end;
      while (j < ops.length && ops[j].kind === 'equal' && j - end < 2 * ctx) j++;
      if (j < ops.length && ops[j].kind !== 'equal') end = j;
      else {
        end = Math.min(ops.length, end + ctx);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk.find((o) => o.kind !== 'insert')?.a ?? hunk[0].a;
    const bStart = hunk.find((o) => o.kind !== 'delete')?.b ?? hunk[0].b;
    const aLen = hunk.filter((o) => o.kind !== 'insert').length;
    const bLen = hunk.filter((o) => o.kind !== 'delete').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push(o.kind === 'equal' ? ` ${b[o.b]}` : o.kind === 'delete' ? `-${a[o.a]}` : `+${b[o.b]}`);
    i = end;
  }
  return out.join('\n') + '\n';
}
export { diffLines as referenceDiffLines };
