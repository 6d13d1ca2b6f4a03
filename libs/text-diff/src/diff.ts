/**
 * Line diff and unified-diff rendering. Pure: the dry-run endpoint compares
 * what apply would generate with what a node runs.
 *
 * Hand-written rather than jsdiff (`diff`): the text must stay byte for byte
 * what the dry run printed before (which minimal edit script Myers' greedy
 * search picks when several exist decides which lines show as context, and
 * jsdiff breaks those ties differently and reorders -/+ runs), and a config
 * replaced wholesale needs GNU diff's discard-and-bound strategy to stay fast,
 * which jsdiff lacks (its only guard gives up and returns nothing).
 *
 * How a diff is computed, cheapest first:
 * 1. lines become integer ids (whitespace-squashed when ignoring whitespace),
 *    so comparisons are integer compares on typed arrays;
 * 2. identical sides → no diff; one side empty → all inserts/deletes;
 * 3. the common prefix is skipped, then Myers' greedy O(ND) search runs as
 *    before, but its backtracking trace keeps only the d cells of step d that
 *    backtracking reads (D²/2 integers, capped by `exactCells`) instead of a
 *    copy of the whole frontier per step (D × (N+M)): the same edit script,
 *    without the 10 GB a 35 000-line first apply used to take;
 * 4. past the cap (tens of thousands of edits: a config replaced wholesale),
 *    a linear-space divide-and-conquer Myers (the middle-snake variant GNU
 *    diff uses) on the lines that occur on both sides; lines found on one
 *    side only are changes anyway and are left out first, and a search step
 *    costlier than `tooExpensive` diagonals settles for a good split rather
 *    than the best one (GNU's heuristic). The script is still a correct edit
 *    of `from` into `to`, minimal unless the heuristic fired, with each change
 *    run printed as its deletions then its insertions.
 * Memory is linear in the input in every case (plus the capped trace).
 */
export type Op = { kind: 'equal' | 'delete' | 'insert'; a: number; b: number };

export interface DiffOptions {
  /** Compare lines with runs of whitespace collapsed and ends trimmed (`diff -w`-like). */
  ignoreWhitespace?: boolean;
  /** Context lines around each hunk (default 3). */
  context?: number;
  fromLabel?: string;
  toLabel?: string;
  /** Cells of the exact search's backtracking trace (4 bytes each) before it gives way to the linear-space search (default 2^20, 4 MiB: up to ~1 450 changed lines). */
  exactCells?: number;
  /** Diagonals a linear-space search step may explore before it takes the best split so far (default 1024). */
  tooExpensive?: number;
}

/** Lines added and removed by a diff. */
export interface DiffStat {
  added: number;
  removed: number;
}

const EQ = 0;
const DEL = 1;
const INS = 2;

const DEFAULT_EXACT_CELLS = 1 << 20;
const DEFAULT_TOO_EXPENSIVE = 1024;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A text's lines as offsets into it (no string per line): line i is text[starts[i], ends[i]). */
interface Lines {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  length: number;
}

/** splitLines' lines, as offsets. */
function indexLines(text: string): Lines {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  // A last line without its newline counts too (splitLines drops only the empty string after a final newline).
  if (text.length && !text.endsWith('\n')) n++;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  for (let i = 0, at = 0; i < n; i++) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    starts[i] = at;
    ends[i] = end;
    at = end + 1;
  }
  return { text, starts, ends, length: n };
}

const line = (l: Lines, i: number) => l.text.slice(l.starts[i], l.ends[i]);

/** `\s` of JavaScript regular expressions: what the whitespace rule (`/\s+/` collapsed, ends trimmed) treats as blank. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of a line as the whitespace rule reads it (blank runs between words as one space, ends trimmed), without building that string. */
function hashLine(t: string, i: number, end: number, ignoreWhitespace: boolean): number {
  let h = FNV_OFFSET | 0;
  if (!ignoreWhitespace) {
    for (; i < end; i++) h = Math.imul(h ^ t.charCodeAt(i), FNV_PRIME);
    return h;
  }
  while (i < end && isSpace(t.charCodeAt(i))) i++;
  let gap = false;
  for (; i < end; i++) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) gap = true;
    else {
      if (gap) h = Math.imul(h ^ 32, FNV_PRIME);
      gap = false;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
  }
  return h;
}

/** Whether two lines are byte-identical. */
function sameLine(a: Lines, i: number, b: Lines, j: number): boolean {
  const len = a.ends[i] - a.starts[i];
  if (len !== b.ends[j] - b.starts[j]) return false;
  const ta = a.text;
  const tb = b.text;
  for (let k = 0, x = a.starts[i], y = b.starts[j]; k < len; k++) if (ta.charCodeAt(x + k) !== tb.charCodeAt(y + k)) return false;
  return true;
}

/** Whether two lines are equal under the whitespace rule. */
function squashedEqual(a: Lines, i: number, b: Lines, j: number): boolean {
  const ta = a.text;
  const tb = b.text;
  let x = a.starts[i];
  let y = b.starts[j];
  const ex = a.ends[i];
  const ey = b.ends[j];
  while (x < ex && isSpace(ta.charCodeAt(x))) x++;
  while (y < ey && isSpace(tb.charCodeAt(y))) y++;
  while (x < ex && y < ey) {
    const sx = isSpace(ta.charCodeAt(x));
    const sy = isSpace(tb.charCodeAt(y));
    if (sx || sy) {
      // Skip the blank run(s): equal so far if both had one and both go on, or the line ends after it.
      while (x < ex && isSpace(ta.charCodeAt(x))) x++;
      while (y < ey && isSpace(tb.charCodeAt(y))) y++;
      if (x >= ex || y >= ey) break;
      if (!(sx && sy)) return false;
      continue;
    }
    if (ta.charCodeAt(x) !== tb.charCodeAt(y)) return false;
    x++;
    y++;
  }
  // One side ended: the other may only have trailing blanks left.
  while (x < ex && isSpace(ta.charCodeAt(x))) x++;
  while (y < ey && isSpace(tb.charCodeAt(y))) y++;
  return x >= ex && y >= ey;
}

/**
 * Both sides as integer ids from line `head` on, where `head` is the length
 * of their byte-identical common prefix (no search looks back into it, so
 * its lines get no id): equal ids ⇔ equal lines (under the whitespace rule).
 * Lines are hashed in place and compared on a hash match, so no per-line
 * string is made; the byte-identical pairs at the end share the id of their
 * first side without a look-up.
 */
function intern(a: Lines, b: Lines, ignoreWhitespace: boolean): { ia: Int32Array; ib: Int32Array; ids: number; head: number } {
  const total = a.length + b.length;
  const equal = ignoreWhitespace ? (l: Lines, i: number, m: Lines, j: number) => sameLine(l, i, m, j) || squashedEqual(l, i, m, j) : sameLine;
  // Representative line of each id (on side a when repInA), and a chain of ids per hash bucket.
  const repInA = new Uint8Array(total);
  const repLine = new Int32Array(total);
  const nextInChain = new Int32Array(total);
  let bits = 4;
  while (1 << bits < 2 * total) bits++;
  const mask = (1 << bits) - 1;
  const buckets = new Int32Array(1 << bits).fill(-1);
  const hashes = new Int32Array(total);
  let ids = 0;
  const id = (l: Lines, i: number): number => {
    const h = hashLine(l.text, l.starts[i], l.ends[i], ignoreWhitespace);
    const slot = (h ^ (h >>> bits)) & mask;
    for (let k = buckets[slot]; k >= 0; k = nextInChain[k]) if (hashes[k] === h && equal(l, i, repInA[k] ? a : b, repLine[k])) return k;
    const k = ids++;
    repInA[k] = l === a ? 1 : 0;
    repLine[k] = i;
    hashes[k] = h;
    nextInChain[k] = buckets[slot];
    buckets[slot] = k;
    return k;
  };
  const ia = new Int32Array(a.length);
  const ib = new Int32Array(b.length);
  let head = 0;
  while (head < a.length && head < b.length && sameLine(a, head, b, head)) head++;
  let ta = a.length;
  let tb = b.length;
  for (; ta > head && tb > head && sameLine(a, ta - 1, b, tb - 1); ta--, tb--) ib[tb - 1] = ia[ta - 1] = id(a, ta - 1);
  for (let i = head; i < ta; i++) ia[i] = id(a, i);
  for (let j = head; j < tb; j++) ib[j] = id(b, j);
  return { ia, ib, ids, head };
}

/**
 * Myers' greedy search from the end of the common prefix `p`, with the
 * pre-issue-22 tie-breaking (prefer the deletion when both neighbours reach
 * as far), so the script is the one the old implementation printed. Returns
 * null when the trace would exceed `maxCells`.
 */
function exactScript(a: Int32Array, b: Int32Array, p: number, maxCells: number): Uint8Array | null {
  const n = a.length - p;
  const m = b.length - p;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v before step d at k = -(d-1), -(d-3), …, d-1 — the only cells backtracking reads.
  const trace: Int32Array[] = [];
  let cells = 0;
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    const t = new Int32Array(d);
    for (let i = 0, k = 1 - d; i < d; i++, k += 2) t[i] = v[off + k];
    cells += d;
    if (cells > maxCells) return null;
    trace.push(t);
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[p + x] === b[p + y]) {
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
  // Backtrack, writing the script from its end.
  const ops = new Uint8Array(p + max);
  let w = ops.length;
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const at = (k: number) => vd[(k + d - 1) >> 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops[--w] = EQ;
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops[--w] = INS;
        y--;
      } else {
        ops[--w] = DEL;
        x--;
      }
    }
  }
  while (x > 0 && y > 0) {
    ops[--w] = EQ;
    x--;
    y--;
  }
  // The common prefix: equal (its cells are still 0 = EQ).
  return ops.subarray(w - p);
}

/**
 * Linear-space Myers (divide and conquer on middle snakes, as in GNU diff's
 * diffseq.h) marking changed elements of `xv` and `yv` in `cx`/`cy`.
 */
function compareSeq(xv: Int32Array, yv: Int32Array, cx: Uint8Array, cy: Uint8Array, tooExpensive: number): void {
  const nx = xv.length;
  const ny = yv.length;
  // Diagonal k = x - y lives at index k + ny + 1 of both vectors.
  const base = ny + 1;
  const fd = new Int32Array(nx + ny + 3);
  const bd = new Int32Array(nx + ny + 3);
  const INF = 0x7fffffff;
  let xmid = 0;
  let ymid = 0;
  let loMinimal = false;
  let hiMinimal = false;

  const diag = (xoff: number, xlim: number, yoff: number, ylim: number, findMinimal: boolean): void => {
    const dmin = xoff - ylim;
    const dmax = xlim - yoff;
    const fmid = xoff - yoff;
    const bmid = xlim - ylim;
    let fmin = fmid;
    let fmax = fmid;
    let bmin = bmid;
    let bmax = bmid;
    const odd = ((fmid - bmid) & 1) !== 0;
    fd[base + fmid] = xoff;
    bd[base + bmid] = xlim;
    for (let c = 1; ; c++) {
      if (fmin > dmin) fd[base + --fmin - 1] = -1;
      else fmin++;
      if (fmax < dmax) fd[base + ++fmax + 1] = -1;
      else fmax--;
      for (let d = fmax; d >= fmin; d -= 2) {
        const tlo = fd[base + d - 1];
        const thi = fd[base + d + 1];
        let x = tlo >= thi ? tlo + 1 : thi;
        let y = x - d;
        while (x < xlim && y < ylim && xv[x] === yv[y]) {
          x++;
          y++;
        }
        fd[base + d] = x;
        if (odd && bmin <= d && d <= bmax && bd[base + d] <= x) {
          xmid = x;
          ymid = y;
          loMinimal = hiMinimal = true;
          return;
        }
      }
      if (bmin > dmin) bd[base + --bmin - 1] = INF;
      else bmin++;
      if (bmax < dmax) bd[base + ++bmax + 1] = INF;
      else bmax--;
      for (let d = bmax; d >= bmin; d -= 2) {
        const tlo = bd[base + d - 1];
        const thi = bd[base + d + 1];
        let x = tlo < thi ? tlo : thi - 1;
        let y = x - d;
        while (xoff < x && yoff < y && xv[x - 1] === yv[y - 1]) {
          x--;
          y--;
        }
        bd[base + d] = x;
        if (!odd && fmin <= d && d <= fmax && x <= fd[base + d]) {
          xmid = x;
          ymid = y;
          loMinimal = hiMinimal = true;
          return;
        }
      }
      if (findMinimal || c < tooExpensive) continue;
      // Too expensive: split at the furthest-reaching forward or backward path.
      let fxybest = -1;
      let fxbest = 0;
      for (let d = fmax; d >= fmin; d -= 2) {
        let x = Math.min(fd[base + d], xlim);
        let y = x - d;
        if (ylim < y) {
          x = ylim + d;
          y = ylim;
        }
        if (fxybest < x + y) {
          fxybest = x + y;
          fxbest = x;
        }
      }
      let bxybest = INF;
      let bxbest = 0;
      for (let d = bmax; d >= bmin; d -= 2) {
        let x = Math.max(xoff, bd[base + d]);
        let y = x - d;
        if (y < yoff) {
          x = yoff + d;
          y = yoff;
        }
        if (x + y < bxybest) {
          bxybest = x + y;
          bxbest = x;
        }
      }
      if (xlim + ylim - bxybest < fxybest - (xoff + yoff)) {
        xmid = fxbest;
        ymid = fxybest - fxbest;
        loMinimal = true;
        hiMinimal = false;
      } else {
        xmid = bxbest;
        ymid = bxybest - bxbest;
        loMinimal = false;
        hiMinimal = true;
      }
      return;
    }
  };

  // An explicit stack: recursion depth is not bounded by anything we control.
  const stack: [number, number, number, number, boolean][] = [[0, nx, 0, ny, false]];
  while (stack.length) {
    let [xoff, xlim, yoff, ylim, minimal] = stack.pop()!;
    while (xoff < xlim && yoff < ylim && xv[xoff] === yv[yoff]) {
      xoff++;
      yoff++;
    }
    while (xoff < xlim && yoff < ylim && xv[xlim - 1] === yv[ylim - 1]) {
      xlim--;
      ylim--;
    }
    if (xoff === xlim) for (let y = yoff; y < ylim; y++) cy[y] = 1;
    else if (yoff === ylim) for (let x = xoff; x < xlim; x++) cx[x] = 1;
    else {
      diag(xoff, xlim, yoff, ylim, minimal);
      stack.push([xmid, xlim, ymid, ylim, hiMinimal], [xoff, xmid, yoff, ymid, loMinimal]);
    }
  }
}

/** The linear-space script (step 4 of the header comment). */
function linearScript(a: Int32Array, b: Int32Array, ids: number, tooExpensive: number): Uint8Array {
  const n = a.length;
  const m = b.length;
  const inA = new Uint8Array(ids);
  const inB = new Uint8Array(ids);
  for (let i = 0; i < n; i++) inA[a[i]] = 1;
  for (let j = 0; j < m; j++) inB[b[j]] = 1;
  // A line with no equal on the other side is in no common subsequence: changed, and left out of the search.
  const cA = new Uint8Array(n);
  const cB = new Uint8Array(m);
  const keep = (s: Int32Array, other: Uint8Array, changed: Uint8Array) => {
    let count = 0;
    for (let i = 0; i < s.length; i++) if (other[s[i]]) count++;
    const vals = new Int32Array(count);
    const pos = new Int32Array(count);
    for (let i = 0, w = 0; i < s.length; i++) {
      if (other[s[i]]) {
        vals[w] = s[i];
        pos[w++] = i;
      } else changed[i] = 1;
    }
    return { vals, pos };
  };
  const ka = keep(a, inB, cA);
  const kb = keep(b, inA, cB);
  const rcA = new Uint8Array(ka.vals.length);
  const rcB = new Uint8Array(kb.vals.length);
  compareSeq(ka.vals, kb.vals, rcA, rcB, Math.max(1, tooExpensive));
  for (let i = 0; i < rcA.length; i++) if (rcA[i]) cA[ka.pos[i]] = 1;
  for (let j = 0; j < rcB.length; j++) if (rcB[j]) cB[kb.pos[j]] = 1;
  // Unchanged lines pair up in order; each change run prints its deletions, then its insertions.
  const ops = new Uint8Array(n + m);
  let w = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !cA[i] && !cB[j]) {
      ops[w++] = EQ;
      i++;
      j++;
      continue;
    }
    const i0 = i;
    const j0 = j;
    while (i < n && cA[i]) ops[w++] = DEL, i++;
    while (j < m && cB[j]) ops[w++] = INS, j++;
    if (i === i0 && j === j0) throw new Error('text-diff: inconsistent change marks');
  }
  return ops.subarray(0, w);
}

interface Prepared {
  a: Lines;
  b: Lines;
  /** null: no difference. */
  ops: Uint8Array | null;
}

function prepare(from: string, to: string, opts: DiffOptions): Prepared {
  const a = indexLines(from);
  const b = indexLines(to);
  if (a.length === 0 && b.length === 0) return { a, b, ops: null };
  if (a.length === 0) return { a, b, ops: new Uint8Array(b.length).fill(INS) };
  if (b.length === 0) return { a, b, ops: new Uint8Array(a.length).fill(DEL) };
  if (from === to) return { a, b, ops: null };
  const { ia, ib, ids, head } = intern(a, b, opts.ignoreWhitespace ?? false);
  // The common prefix under the whitespace rule: the byte-identical one, then lines equal by id.
  let p = head;
  while (p < ia.length && p < ib.length && ia[p] === ib[p]) p++;
  if (p === ia.length && p === ib.length) return { a, b, ops: null };
  let ops = exactScript(ia, ib, p, opts.exactCells ?? DEFAULT_EXACT_CELLS);
  if (!ops) {
    const rest = linearScript(ia.subarray(p), ib.subarray(p), ids, opts.tooExpensive ?? DEFAULT_TOO_EXPENSIVE);
    ops = new Uint8Array(p + rest.length);
    ops.set(rest, p);
  }
  return { a, b, ops };
}

/** The text of `lines` (no line may contain a newline), as the diff functions take it. */
const joinLines = (lines: readonly string[]) => lines.map((l) => l + '\n').join('');

/** An edit script turning `a` into `b`, one operation per line (minimal unless the linear-space search had to cut it short). */
export function diffLines(a: readonly string[], b: readonly string[], opts: DiffOptions = {}): Op[] {
  const { ops } = prepare(joinLines(a), joinLines(b), opts);
  if (!ops) return a.map((_, i) => ({ kind: 'equal', a: i, b: i }));
  const out: Op[] = [];
  let x = 0;
  let y = 0;
  for (const o of ops) {
    out.push({ kind: o === EQ ? 'equal' : o === DEL ? 'delete' : 'insert', a: x, b: y });
    if (o !== INS) x++;
    if (o !== DEL) y++;
  }
  return out;
}

/** Lines added and removed from `from` to `to`, or null when they are equal (under the whitespace rule). */
export function diffStat(from: string, to: string, opts: DiffOptions = {}): DiffStat | null {
  const { ops } = prepare(from, to, opts);
  if (!ops) return null;
  let added = 0;
  let removed = 0;
  for (const o of ops) {
    if (o === INS) added++;
    else if (o === DEL) removed++;
  }
  return { added, removed };
}

/**
 * Unified diff of two texts, or null when they are equal (under the chosen
 * whitespace rule). Hunk headers follow GNU diff's `@@ -l,s +l,s @@`; context
 * lines are printed as they read in `to`.
 */
export function unifiedDiff(from: string, to: string, opts: DiffOptions = {}): string | null {
  const { a, b, ops } = prepare(from, to, opts);
  if (!ops) return null;
  const ctx = opts.context ?? 3;
  const out: string[] = [`--- ${opts.fromLabel ?? 'a'}`, `+++ ${opts.toLabel ?? 'b'}`];
  const len = ops.length;
  let i = 0;
  // Line numbers (0-based) in a and b before op i.
  let x = 0;
  let y = 0;
  while (i < len) {
    while (i < len && ops[i] === EQ) {
      i++;
      x++;
      y++;
    }
    if (i >= len) break;
    const start = Math.max(0, i - ctx);
    // Extend the hunk while the next change is within 2*ctx equal lines.
    let end = i;
    for (;;) {
      while (end < len && ops[end] !== EQ) end++;
      let j = end;
      while (j < len && ops[j] === EQ && j - end < 2 * ctx) j++;
      if (j < len && ops[j] !== EQ) end = j;
      else {
        end = Math.min(len, end + ctx);
        break;
      }
    }
    // The hunk's leading context is all equal lines after the previous hunk.
    x -= i - start;
    y -= i - start;
    let aLen = 0;
    let bLen = 0;
    for (let k = start; k < end; k++) {
      if (ops[k] !== INS) aLen++;
      if (ops[k] !== DEL) bLen++;
    }
    out.push(`@@ -${aLen ? x + 1 : x},${aLen} +${bLen ? y + 1 : y},${bLen} @@`);
    for (let k = start; k < end; k++) {
      const o = ops[k];
      if (o === EQ) out.push(` ${line(b, y++)}`), x++;
      else if (o === DEL) out.push(`-${line(a, x++)}`);
      else out.push(`+${line(b, y++)}`);
    }
    i = end;
  }
  return out.join('\n') + '\n';
}
