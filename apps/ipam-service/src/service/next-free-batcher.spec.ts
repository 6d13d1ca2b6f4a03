import { IpamError } from '@sdn/ipam';
import type { PveIpamStore } from '../pve/pve-ipam.store';
import { NextFreeBatcher } from './next-free-batcher';

/** A store whose statements take a while, handing out .1, .2, … until `size` is reached. */
function slowStore(size: number) {
  let next = 1;
  const statements: number[] = [];
  const store = {
    queryable: {},
    async nextFreeIps(_z: string, _c: string, items: unknown[]) {
      statements.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
      return items.map(() => (next <= size ? `10.0.0.${next++}` : null));
    },
    async noFreeIp() {
      return new IpamError("can't find free ip in subnet '10.0.0.0/24'");
    },
  };
  return { store: store as unknown as PveIpamStore, statements };
}
const ev = { id: 'x' } as never;

describe('NextFreeBatcher', () => {
  it('a lone request is one statement; concurrent ones share statements and all get their own address', async () => {
    const { store, statements } = slowStore(1000);
    const b = new NextFreeBatcher(store, { parallel: 2 });
    expect(await b.allocate('z', 'c', {}, ev)).toBe('10.0.0.1');
    expect(statements).toEqual([1]);
    const ips = await Promise.all(Array.from({ length: 50 }, () => b.allocate('z', 'c', {}, ev)));
    expect(new Set(ips).size).toBe(50);
    expect(statements.slice(1).reduce((a, n) => a + n, 0)).toBe(50);
    expect(statements.length - 1).toBeLessThanOrEqual(4); // two start alone, the rest wait and go together
  });

  it('when the subnet runs out, only the requests without an address fail, in words', async () => {
    const { store } = slowStore(3);
    const b = new NextFreeBatcher(store);
    const res = await Promise.allSettled(Array.from({ length: 6 }, () => b.allocate('z', 'c', {}, ev)));
    expect(res.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(res.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(Array(3).fill("can't find free ip in subnet '10.0.0.0/24'"));
  });

  it('a failing statement fails its own batch only; later requests go through', async () => {
    const { store } = slowStore(10);
    let fail = true;
    const orig = store.nextFreeIps.bind(store);
    store.nextFreeIps = async (...a: Parameters<typeof orig>) => {
      if (fail) {
        fail = false;
        throw new Error('connection lost');
      }
      return orig(...a);
    };
    const b = new NextFreeBatcher(store, { parallel: 1 });
    await expect(b.allocate('z', 'c', {}, ev)).rejects.toThrow('connection lost');
    expect(await b.allocate('z', 'c', {}, ev)).toBe('10.0.0.1');
  });

  it('requests a statement left unserved (intervals busy elsewhere) are retried, not failed', async () => {
    const { store, statements } = slowStore(1000);
    const orig = store.nextFreeIps.bind(store);
    // Serves at most two per statement, as when the other intervals are locked by another replica.
    store.nextFreeIps = async (z, c, items) => [...(await orig(z, c, items.slice(0, 2))), ...items.slice(2).map(() => null)];
    const b = new NextFreeBatcher(store, { parallel: 1 });
    const ips = await Promise.all(Array.from({ length: 7 }, () => b.allocate('z', 'c', {}, ev)));
    expect(new Set(ips).size).toBe(7);
    expect(statements.length).toBeGreaterThanOrEqual(4);
  });

  it('groups requests per subnet: another subnet is never held up by, or mixed into, a busy one', async () => {
    const { store } = slowStore(1000);
    const seen: string[][] = [];
    const orig = store.nextFreeIps.bind(store);
    store.nextFreeIps = async (z, c, items) => {
      seen.push(items.map(() => c));
      return orig(z, c, items);
    };
    const b = new NextFreeBatcher(store, { parallel: 1 });
    await Promise.all([...Array.from({ length: 5 }, () => b.allocate('z', 'a', {}, ev)), ...Array.from({ length: 5 }, () => b.allocate('z', 'b', {}, ev))]);
    expect(seen.every((g) => new Set(g).size === 1)).toBe(true);
    expect(seen.flat().filter((c) => c === 'b')).toHaveLength(5);
  });
});
