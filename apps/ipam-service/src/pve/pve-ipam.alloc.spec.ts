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
