import fc from 'fast-check';
import { diffLines, splitLines, unifiedDiff } from './diff';

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
});
