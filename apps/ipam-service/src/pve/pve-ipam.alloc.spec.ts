import { randomUUID } from 'node:crypto';
import * as fc from 'fast-check';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { freshDatabase, pveDataSource } from '../testing/pg';
import { PveIpamStore } from './pve-ipam.store';

let db: { url: string; drop: () => Promise<void> };
let a: DataSource;
let b: DataSource;
beforeAll(async () => {
  db = await freshDatabase();
  a = pveDataSource(db.url);
  b = pveDataSource(db.url);
  await Promise.all([a.initialize(), b.initialize()]);
});
afterAll(async () => {
  await Promise.all([a.destroy(), b.destroy()]);
  await db.drop();
});

describe('pve IPAM allocation rules', () => {
  const s = () => new PveIpamStore(a, 'rules');
  beforeEach(() => a.query(`DELETE FROM ipam_zone WHERE ipam='rules'`));

  it('refuses addresses outside the subnet and duplicates with the reference wording', async () => {
    await s().addSubnet('z', '10.1.0.0/24');
    await expect(s().addIp('z', '10.1.0.0/24', '10.2.0.1', {})).rejects.toThrow("IP '10.2.0.1' is not in subnet '10.1.0.0/24'");
    await s().addIp('z', '10.1.0.0/24', '10.1.0.7', { mac: 'aa' });
    await expect(s().addIp('z', '10.1.0.0/24', '10.1.0.7', {})).rejects.toThrow("IP '10.1.0.7' already exist");
    await expect(s().addIp('z', '10.1.0.0/24', '10.1.0.7', { isGateway: true })).rejects.toThrow("IP '10.1.0.7' already exist");
  });

  it('/30 hands out .1 and .2 then reports full; /31 only the upper; /32 its own address', async () => {
    await s().addSubnet('z', '10.3.0.0/30');
    expect([await s().nextFreeIp('z', '10.3.0.0/30', {}), await s().nextFreeIp('z', '10.3.0.0/30', {})]).toEqual(['10.3.0.1', '10.3.0.2']);
    await expect(s().nextFreeIp('z', '10.3.0.0/30', {})).rejects.toThrow("can't find free ip in subnet '10.3.0.0/30'");
    await s().addSubnet('z', '10.4.0.0/31');
    expect(await s().nextFreeIp('z', '10.4.0.0/31', {})).toBe('10.4.0.1');
    await s().addSubnet('z', '10.5.0.9/32');
    expect(await s().nextFreeIp('z', '10.5.0.9/32', {})).toBe('10.5.0.9');
    await expect(s().nextFreeIp('z', '10.5.0.9/32', {})).rejects.toThrow("cannot find free IP in subnet '10.5.0.9/32'");
  });

  it('update records mac/hostname/vmid; release makes the address the next free again', async () => {
    await s().addSubnet('z', '10.6.0.0/24');
    const ip = await s().nextFreeIp('z', '10.6.0.0/24', { mac: 'm1' });
    await s().updateIp('z', '10.6.0.0/24', ip, { hostname: 'h', vmid: '42' });
    expect(await s().list({ mac: 'm1' })).toMatchObject([{ ip: '10.6.0.1', hostname: 'h', vmid: '42' }]);
    await s().nextFreeIp('z', '10.6.0.0/24', {});
    await s().delIp('z', '10.6.0.0/24', ip);
    expect(await s().nextFreeIp('z', '10.6.0.0/24', {})).toBe('10.6.0.1');
    await expect(s().updateIp('z', '10.6.0.0/24', '10.6.0.99', {})).rejects.toThrow("IP '10.6.0.99' not found");
  });

  it('matches a simple model for random add/next-free/release sequences (free intervals stay exact)', async () => {
    const cidr = '10.7.0.0/27'; // candidates .1 … .30
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('add', 'next', 'del'), fc.integer({ min: 1, max: 30 })), { maxLength: 40 }), async (ops) => {
        await a.query(`DELETE FROM ipam_zone WHERE ipam='rules'`);
        await s().addSubnet('z', cidr);
        const used = new Set<number>();
        for (const [op, n] of ops) {
          if (op === 'add') {
            const r = await s().addIp('z', cidr, `10.7.0.${n}`, {}).then(() => true, () => false);
            expect(r).toBe(!used.has(n));
            used.add(n);
          } else if (op === 'next') {
            const want = [...Array(30).keys()].map((i) => i + 1).find((i) => !used.has(i));
            const got = await s().nextFreeIp('z', cidr, {}).catch(() => undefined);
            expect(got).toBe(want === undefined ? undefined : `10.7.0.${want}`);
            if (want) used.add(want);
          } else {
            const r = await s().delIp('z', cidr, `10.7.0.${n}`).then(() => true, () => false);
            expect(r).toBe(used.has(n));
            used.delete(n);
          }
        }
        const blocks = await a.query(`SELECT count(*)::int AS n FROM ipam_free_block WHERE ipam='rules'`);
        expect(blocks[0].n).toBeLessThanOrEqual(16); // merged on release: never more blocks than gaps
      }),
      { numRuns: 30 },
    );
  });

  it('IPv6 /64: the network address is the first candidate and next-free stays O(1)', async () => {
    await s().addSubnet('z', '2001:db8::/64');
    expect(await s().nextFreeIp('z', '2001:db8::/64', {})).toBe('2001:db8::');
    expect(await s().rangeNextFreeIp('z', '2001:db8::/64', { start: '2001:db8::ffff:0:0:1', end: '2001:db8::ffff:0:0:2' }, {})).toBe('2001:db8::ffff:0:0:1');
    expect(await s().nextFreeIp('z', '2001:db8::/64', {})).toBe('2001:db8::1');
    // intervals: [::2, ::ff] (cut at 256), [::100, ::ffff:0:0:0], [::ffff:0:0:2, …] — not one per address
    const blocks = await a.query(`SELECT count(*)::int AS n FROM ipam_free_block WHERE ipam='rules'`);
    expect(blocks[0].n).toBe(3);
  });
});

describe('two replicas racing', () => {
  it('never hand out the same address twice and fill the subnet exactly', async () => {
    const ra = new PveIpamStore(a, 'race');
    const rb = new PveIpamStore(b, 'race');
    await ra.addSubnet('z', '10.8.0.0/24');
    const jobs = Array.from({ length: 300 }, (_, i) => (i % 2 ? ra : rb).nextFreeIp('z', '10.8.0.0/24', { vmid: String(i) }).catch(() => 'FULL'));
    const got = await Promise.all(jobs);
    const ips = got.filter((x) => x !== 'FULL');
    expect(ips).toHaveLength(254);
    expect(new Set(ips).size).toBe(254);
    expect(got.filter((x) => x === 'FULL')).toHaveLength(46);
  });

  it('racing explicit registrations of one address: exactly one wins', async () => {
    const ra = new PveIpamStore(a, 'race2');
    const rb = new PveIpamStore(b, 'race2');
    await ra.addSubnet('z', '10.9.0.0/24');
    const res = await Promise.allSettled([ra.addIp('z', '10.9.0.0/24', '10.9.0.5', {}), rb.addIp('z', '10.9.0.0/24', '10.9.0.5', {})]);
    expect(res.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((res.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message).toBe("IP '10.9.0.5' already exist");
  });
});

describe('group next-free (one statement for several requests)', () => {
  const ev = (i: number) => ({ id: randomUUID(), seq: 0, type: 'IpAllocated', typeVersion: 1, aggregateType: 'ip', aggregateVersion: 0, payload: { n: i }, actor: 't', correlationId: `c${i}`, time: '2026-01-01T00:00:00.000Z' });
  const outbox = async (zone: string) =>
    (await a.query(`SELECT envelope FROM ipam_event_outbox WHERE envelope->>'aggregateId' LIKE $1 ORDER BY seq`, [`${zone}/%`])).map((r: { envelope: any }) => r.envelope);

  it('gives each request its own address, in request order, and writes each one its own event with that address', async () => {
    const st = new PveIpamStore(a, 'grp');
    await st.addSubnet('gz', '10.20.0.0/24');
    const items = Array.from({ length: 5 }, (_, i) => ({ attrs: { hostname: `h${i}`, vnet: 'v' }, event: ev(i) }));
    expect(await st.nextFreeIps('gz', '10.20.0.0/24', items)).toEqual(['10.20.0.1', '10.20.0.2', '10.20.0.3', '10.20.0.4', '10.20.0.5']);
    expect((await st.list({ zone: 'gz' })).map((r) => [r.ip, r.hostname])).toEqual([1, 2, 3, 4, 5].map((i) => [`10.20.0.${i}`, `h${i - 1}`]));
    const events = await outbox('gz');
    expect(events.map((e: any) => [e.id, e.aggregateId, e.payload.ip, e.payload.n, e.correlationId])).toEqual(items.map((x, i) => [x.event.id, `gz/10.20.0.${i + 1}`, `10.20.0.${i + 1}`, i, `c${i}`]));
  });

  it('spans free intervals, cuts what is left at the next 256 boundary, and works in an IPv6 /64', async () => {
    const st = new PveIpamStore(a, 'grp2');
    await st.addSubnet('gz', '10.21.0.0/22');
    await st.addIp('gz', '10.21.0.0/22', '10.21.0.10', {});
    const got = await st.nextFreeIps('gz', '10.21.0.0/22', Array.from({ length: 300 }, () => ({ attrs: {} })));
    expect(got).toHaveLength(300);
    expect(new Set(got).size).toBe(300);
    expect(got.slice(8, 10)).toEqual(['10.21.0.9', '10.21.0.11']);
    expect(got[299]).toBe('10.21.1.45');
    // [.11 …] was taken up to 10.21.1.45; the rest is [10.21.1.46, 10.21.2.10] and [10.21.2.11, 10.21.3.254]
    expect(await a.query(`SELECT host(start) AS s, host("end") AS e FROM ipam_free_block WHERE ipam='grp2' ORDER BY start`)).toEqual([
      { s: '10.21.1.46', e: '10.21.2.10' },
      { s: '10.21.2.11', e: '10.21.3.254' },
    ]);
    expect(await st.nextFreeIp('gz', '10.21.0.0/22', {})).toBe('10.21.1.46');

    await st.addSubnet('gz', '2001:db8:7::/64');
    const v6 = await st.nextFreeIps('gz', '2001:db8:7::/64', Array.from({ length: 600 }, () => ({ attrs: {} })));
    expect([v6[0], v6[599], new Set(v6).size]).toEqual(['2001:db8:7::', '2001:db8:7::257', 600]);
  });

  it('a failing statement takes nothing (no address, no event, no interval change); the same requests then succeed', async () => {
    const st = new PveIpamStore(a, 'grp3');
    await st.addSubnet('gz3', '10.22.0.0/24');
    const dup = ev(0);
    await a.query(`INSERT INTO ipam_event_outbox (id, envelope) VALUES ($1, '{}')`, [dup.id]);
    const items = [{ attrs: {}, event: ev(1) }, { attrs: {}, event: dup }];
    await expect(st.nextFreeIps('gz3', '10.22.0.0/24', items)).rejects.toThrow();
    expect(await st.list({ zone: 'gz3' })).toEqual([]);
    expect(await outbox('gz3')).toEqual([]);
    await a.query(`DELETE FROM ipam_event_outbox WHERE id = $1`, [dup.id]);
    expect(await st.nextFreeIps('gz3', '10.22.0.0/24', items)).toEqual(['10.22.0.1', '10.22.0.2']);
    expect((await outbox('gz3')).map((e: any) => e.id)).toEqual([items[0].event.id, dup.id]);
  });

  it('groups from two replicas racing for one subnet never overlap and fill it exactly', async () => {
    const ra = new PveIpamStore(a, 'grp4');
    const rb = new PveIpamStore(b, 'grp4');
    await ra.addSubnet('gz', '10.23.0.0/24');
    // Like the batcher: unserved requests of a group are retried until a statement serves none (full).
    const group = async (st: PveIpamStore, n: number) => {
      const mine: string[] = [];
      for (let want = n; want > 0; ) {
        const got = (await st.nextFreeIps('gz', '10.23.0.0/24', Array.from({ length: want }, () => ({ attrs: {} })))).filter((x): x is string => x !== null);
        if (got.length === 0) break;
        mine.push(...got);
        want -= got.length;
      }
      return mine;
    };
    const all = (await Promise.all(Array.from({ length: 30 }, (_, i) => group(i % 2 ? ra : rb, 1 + (i % 19))))).flat();
    expect(all).toHaveLength(254);
    expect(new Set(all).size).toBe(254);
    expect(await ra.nextFreeIps('gz', '10.23.0.0/24', [{ attrs: {} }])).toEqual([null]);
    expect(await ra.nextFreeIps('gz', '10.23.0.0/24', [])).toEqual([]);
  });
});

describe('a replica dying mid-allocation', () => {
  it('leaves no orphan (the transaction dies with its connection) and the retry succeeds', async () => {
    const st = new PveIpamStore(a, 'crash');
    await st.addSubnet('z', '10.10.0.0/24');
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    // beforeCommit runs inside the allocating transaction; we kill its backend there.
    const p = st.addIp('z', '10.10.0.0/24', '10.10.0.1', {}, async () => {
      release();
      await new Promise((r) => setTimeout(r, 200));
    });
    await hung;
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    const rows = await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`);
    expect(rows.rowCount).toBeGreaterThan(0);
    for (const r of rows.rows) await admin.query('SELECT pg_terminate_backend($1)', [r.pid]);
    await expect(p).rejects.toThrow();
    const left = await admin.query(`SELECT count(*)::int AS n FROM ipam_ip WHERE ipam='crash'`);
    expect(left.rows[0].n).toBe(0);
    await admin.end();
    expect(await new PveIpamStore(b, 'crash').addIp('z', '10.10.0.0/24', '10.10.0.1', {})).toBe('10.10.0.1');
    expect(await new PveIpamStore(b, 'crash').nextFreeIp('z', '10.10.0.0/24', {})).toBe('10.10.0.2');
  });
});
