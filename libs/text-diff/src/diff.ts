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

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Both sides as integer ids: equal ids ⇔ equal lines (under the whitespace rule). */
function intern(a: readonly string[], b: readonly string[], ignoreWhitespace: boolean): { ia: Int32Array; ib: Int32Array; ids: number } {
  const table = new Map<string, number>();
  const id = (line: string) => {
    const key = ignoreWhitespace ? squash(line) : line;
    let v = table.get(key);
    if (v === undefined) table.set(key, (v = table.size));
    return v;
  };
  const ia = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) ia[i] = id(a[i]);
  const ib = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) ib[i] = id(b[i]);
  return { ia, ib, ids: table.size };
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  a: string[];
  b: string[];
  /** null: no difference. */
  ops: Uint8Array | null;
}

function prepare(from: readonly string[], to: readonly string[], opts: DiffOptions): Prepared {
  const a = from as string[];
  const b = to as string[];
  if (a.length === 0 && b.length === 0) return { a, b, ops: null };
  if (a.length === 0) return { a, b, ops: new Uint8Array(b.length).fill(INS) };
  if (b.length === 0) return { a, b, ops: new Uint8Array(a.length).fill(DEL) };
  const { ia, ib, ids } = intern(a, b, opts.ignoreWhitespace ?? false);
  if (sameIds(ia, ib)) return { a, b, ops: null };
  let p = 0;
  while (p < ia.length && p < ib.length && ia[p] === ib[p]) p++;
  const ops = exactScript(ia, ib, p, opts.exactCells ?? DEFAULT_EXACT_CELLS) ?? linearScript(ia, ib, ids, opts.tooExpensive ?? DEFAULT_TOO_EXPENSIVE);
  return { a, b, ops };
}

/** An edit script turning `a` into `b`, one operation per line (minimal unless the linear-space search had to cut it short). */
export function diffLines(a: readonly string[], b: readonly string[], opts: DiffOptions = {}): Op[] {
  const { ops } = prepare(a, b, opts);
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
  const { ops } = prepare(splitLines(from), splitLines(to), opts);
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
  const { a, b, ops } = prepare(splitLines(from), splitLines(to), opts);
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
      if (o === EQ) out.push(` ${b[y++]}`), x++;
      else if (o === DEL) out.push(`-${a[x++]}`);
      else out.push(`+${b[y++]}`);
    }
    i = end;
  }
  return out.join('\n') + '\n';
}
