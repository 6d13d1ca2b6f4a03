import fc from 'fast-check';
import { diffLines, diffStat, splitLines, unifiedDiff } from './diff';
import { referenceDiffLines, referenceUnifiedDiff } from './testing/reference-myers';

/** Rebuilds `b` from `a` and the script: the script must be a correct edit. */
function apply(a: string[], b: string[], ops: ReturnType<typeof diffLines>): string[] {
  return ops.filter((o) => o.kind !== 'delete').map((o) => (o.kind === 'equal' ? a[o.a] : b[o.b]));
}

describe('text-diff', () => {
  it('returns null for equal texts and for whitespace-only changes when asked', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBeNull();
    expect(unifiedDiff('auto x\n\taddress 1\n', 'auto  x\n    address 1 \n', { ignoreWhitespace: true })).toBeNull();
    expect(unifiedDiff('auto x\n', 'auto  x\n')).not.toBeNull();
  });

  it('renders a unified hunk with context', () => {
    const d = unifiedDiff('1\n2\n3\n4\n5\n6\n7\n8\n', '1\n2\n3\n4\nX\n6\n7\n8\n', { fromLabel: 'running', toLabel: 'pending' });
    expect(d).toBe(['--- running', '+++ pending', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+X', ' 6', ' 7', ' 8', ''].join('\n'));
  });

  it('handles empty sides (missing file = empty)', () => {
    expect(unifiedDiff('', 'a\nb\n')).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '')).toBe('--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('produces a minimal, correct edit script for any pair of texts', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
        const ops = diffLines(a, b);
        expect(apply(a, b, ops)).toEqual(b);
        expect(ops.filter((o) => o.kind !== 'insert').map((o) => a[o.a])).toEqual(a);
      }),
    );
    expect(splitLines('x\ny')).toEqual(['x', 'y']);
  });

  const lines = (alphabet: string[], max: number) => fc.array(fc.constantFrom(...alphabet), { maxLength: max });
  const text = (ls: string[]) => ls.map((l) => l + '\n').join('');
  const changed = (ops: { kind: string }[]) => ops.filter((o) => o.kind !== 'equal').length;

  it('prints byte for byte what the pre-issue-22 implementation printed', () => {
    // Few distinct lines (and whitespace variants) make ties between minimal scripts the rule, not the exception.
    const alphabet = ['a', 'b', 'c', '', '\tx  y', 'x y', ' x y ', 'a\r', '\u00a0a', 'x\u2003y', 'x\fy '];
    // Texts with and without a final newline.
    const raw = (ls: string[], open: boolean) => (open && ls.length ? text(ls).slice(0, -1) : text(ls));
    fc.assert(
      fc.property(lines(alphabet, 40), lines(alphabet, 40), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 4 }), (a, b, openA, openB, ignoreWhitespace, context) => {
        const opts = { ignoreWhitespace, context, fromLabel: 'running', toLabel: 'pending' };
        expect(unifiedDiff(raw(a, openA), raw(b, openB), opts)).toBe(referenceUnifiedDiff(raw(a, openA), raw(b, openB), opts));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same answer through the linear-space search, minimal while the heuristic does not fire', () => {
    const alphabet = ['a', 'b', 'c', 'd', 'e'];
    fc.assert(
      fc.property(lines(alphabet, 50), lines(alphabet, 50), (a, b) => {
        const ops = diffLines(a, b, { exactCells: 0 });
        expect(apply(a, b, ops)).toEqual(b);
        expect(ops.filter((o) => o.kind !== 'insert').map((o) => a[o.a])).toEqual(a);
        expect(changed(ops)).toBe(changed(referenceDiffLines(a, b)));
        // With the heuristic at its most eager the script is still a correct edit.
        const rough = diffLines(a, b, { exactCells: 0, tooExpensive: 1 });
        expect(apply(a, b, rough)).toEqual(b);
        expect(rough.filter((o) => o.kind !== 'insert').map((o) => a[o.a])).toEqual(a);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts added and removed lines', () => {
    expect(diffStat('a\nb\n', 'a\nb\n')).toBeNull();
    expect(diffStat('', 'a\nb\n')).toEqual({ added: 2, removed: 0 });
    expect(diffStat('a\nb\nc\n', 'a\nX\nc\nd\n')).toEqual({ added: 2, removed: 1 });
    expect(diffStat('a \n', 'a\n', { ignoreWhitespace: true })).toBeNull();
  });

  it('diffs texts that differ everywhere (35 000 lines each) with the linear-space search', () => {
    const a = Array.from({ length: 35_000 }, (_, i) => (i % 7 === 0 ? '' : `old${i}`));
    const b = Array.from({ length: 35_000 }, (_, i) => (i % 5 === 0 ? '' : `new${i}`));
    const stat = diffStat(text(a), text(b))!;
    const ops = diffLines(a, b);
    expect(apply(a, b, ops)).toEqual(b);
    expect(stat.added - stat.removed).toBe(0);
    expect(stat.added).toBe(changed(ops.filter((o) => o.kind === 'insert')));
  });
});
