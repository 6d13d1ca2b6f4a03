import { PatchBatcher } from './patch-batcher';
import { ptrDeleteChange, type RrsetChange } from './rrset';

const ch = (n: number): RrsetChange => ptrDeleteChange(`${n}.0.0.10.in-addr.arpa.`);

describe('PatchBatcher', () => {
  it('sends one change alone, and merges changes that queued up meanwhile, per zone and in order', async () => {
    const sent: Array<[string, number]> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new PatchBatcher(async (zone, changes) => {
      sent.push([zone, changes.length]);
      if (sent.length === 1) await gate; // the first PATCH is slow: the rest queue up
    });
    const first = b.submit('z1', ch(1));
    const rest = [b.submit('z1', ch(2)), b.submit('z2', ch(3)), b.submit('z1', ch(4))];
    release();
    await Promise.all([first, ...rest]);
    expect(sent).toEqual([['z1', 1], ['z1', 2], ['z2', 1]]);
  });

  it('when a merged PATCH fails, retries each change alone and fails only the bad one', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new PatchBatcher(async (_zone, changes) => {
      calls.push(changes.map((c) => c.name));
      if (calls.length === 1) await gate;
      if (changes.some((c) => c.name.startsWith('3.'))) throw new Error('422 bad rrset');
    });
    const p1 = b.submit('z', ch(1));
    const p2 = b.submit('z', ch(2));
    const p3 = b.submit('z', ch(3));
    release();
    await expect(p1).resolves.toBeUndefined();
    await expect(p2).resolves.toBeUndefined();
    await expect(p3).rejects.toThrow('422 bad rrset');
    expect(calls.map((c) => c.length)).toEqual([1, 2, 1, 1]);
  });
});
