import { randomUUID } from 'node:crypto';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { ipamRpcSubject } from '@sdn/ipam';
import { freshDatabase } from '../testing/pg';
import { startIpamService } from '../main';

/** Two replicas on the real NATS + PostgreSQL, answering request/reply on the isolated bus namespace. */
describe('ipam-service replicas', () => {
  let db: { url: string; drop: () => Promise<void> };
  let bus: IsolatedBus;
  let r1: Awaited<ReturnType<typeof startIpamService>>;
  let r2: Awaited<ReturnType<typeof startIpamService>>;
  const call = async (p: string, body: unknown): Promise<any> =>
    JSON.parse(new TextDecoder().decode((await bus.nc.request(ipamRpcSubject(bus.topology.namespace, p), new TextEncoder().encode(JSON.stringify(body)), { timeout: 10_000 })).data));

  beforeAll(async () => {
    db = await freshDatabase('ipam_svc');
    bus = await isolatedBus({ name: 'ipam-service-test' });
    r1 = await startIpamService({ pgUrl: db.url, bus });
    r2 = await startIpamService({ pgUrl: db.url, bus });
  });
  afterAll(async () => {
    await r1.close();
    await r2.close();
    await bus.destroy();
    await db.drop();
  });

  async function publishObject(aggregate: string, type: string, id: string, object?: object) {
    const env = { id: randomUUID(), seq: 1, type, typeVersion: 1, aggregateType: aggregate, aggregateId: id, aggregateVersion: 1, payload: { id, object }, actor: 't', correlationId: 'c', time: new Date().toISOString() };
    await bus.js.publish(bus.topology.eventSubject(aggregate, type), JSON.stringify(env), { msgID: env.id });
  }
  const publishSubnet = (type: string, id: string, object?: object) => publishObject('subnet', type, id, object);
  async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean) {
    for (let i = 0; i < 100; i++) {
      const v = await f();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('condition not reached');
  }

  it('SubnetCreated registers the prefix and reserves the gateway', async () => {
    const sub = bus.nc.subscribe(bus.topology.eventSubject('ip', '>'));
    const seen: unknown[] = [];
    (async () => {
      for await (const m of sub) seen.push(JSON.parse(new TextDecoder().decode(m.data)));
    })();
    await publishObject('zone', 'ZoneCreated', 'z1', { type: 'simple', ipam: 'pve' });
    await publishSubnet('SubnetCreated', 'z1-10.20.0.0-24', { vnet: 'v1', gateway: '10.20.0.1' });
    const rows = await until(() => r1.store.list({ zone: 'z1' }), (r) => r.length > 0);
    expect(rows).toMatchObject([{ ip: '10.20.0.1', gateway: true }]);
    await until(async () => seen.length, (n) => n > 0);
    expect(seen).toEqual([expect.objectContaining({ type: 'IpAllocated', correlationId: 'c', payload: { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', ip: '10.20.0.1', hostname: 'v1-gw', gateway: true } })]);
    sub.unsubscribe();
  });

  it('allocates concurrently through both replicas without duplicates, and publishes IpAllocated', async () => {
    const sub = bus.nc.subscribe(bus.topology.eventSubject('ip', 'IpAllocated'));
    const seen: string[] = [];
    (async () => {
      for await (const m of sub) {
        const p = JSON.parse(new TextDecoder().decode(m.data)).payload;
        if (!p.gateway) seen.push(p.ip);
      }
    })();
    const res = await Promise.all(Array.from({ length: 100 }, (_, i) => call(IPAM_PATTERNS.allocate, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', mac: `02:00:00:00:00:${(i % 256).toString(16).padStart(2, '0')}`, vmid: 100 + i })));
    const ips = res.flatMap((r) => r.data.map((x: any) => x.ip));
    expect(res.every((r) => r.ok)).toBe(true);
    expect(new Set(ips).size).toBe(100);
    expect(ips).not.toContain('10.20.0.1');
    await until(async () => seen.length, (n) => n >= 100);
    expect(new Set(seen)).toEqual(new Set(ips));
    sub.unsubscribe();
  });

  it('explicit ip, batch count, duplicate error in words, update and release', async () => {
    const one = await call(IPAM_PATTERNS.allocate, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', ip: '10.20.0.250', mac: 'aa:bb:cc:00:00:01' });
    expect(one).toEqual({ ok: true, data: [expect.objectContaining({ ip: '10.20.0.250' })] });
    expect(await call(IPAM_PATTERNS.allocate, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', ip: '10.20.0.250' })).toEqual({ ok: false, error: "IP '10.20.0.250' already exist", field: 'ip' });
    const batch = await call(IPAM_PATTERNS.allocate, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', count: 5 });
    expect(batch.data.map((x: any) => x.ip)).toEqual(['10.20.0.102', '10.20.0.103', '10.20.0.104', '10.20.0.105', '10.20.0.106']);
    // more than is left: all-or-nothing, nothing kept
    const before = (await r1.store.list({ zone: 'z1' })).length;
    const tooMany = await call(IPAM_PATTERNS.allocate, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', count: 500 });
    expect(tooMany).toEqual({ ok: false, error: "can't find free ip in subnet '10.20.0.0/24'" });
    expect((await r1.store.list({ zone: 'z1' })).length).toBe(before);
    expect(await call(IPAM_PATTERNS.update, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', ip: '10.20.0.250', hostname: 'web' })).toMatchObject({ ok: true });
    expect(await call(IPAM_PATTERNS.release, { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24', ip: '10.20.0.250' })).toMatchObject({ ok: true, data: { ip: '10.20.0.250', hostname: 'web' } });
    const status = await call(IPAM_PATTERNS.status, {});
    expect(status.data.find((x: any) => x.ip === '10.20.0.1')).toMatchObject({ gateway: 1, zone: 'z1' });
  });

  it('a request sent again with its requestId gets the addresses of its first attempt, on any replica, and no second set', async () => {
    const sub = { zone: 'z1', vnet: 'v1', subnet: '10.20.0.0/24' };
    const requestId = randomUUID();
    const first = await call(IPAM_PATTERNS.allocate, { ...sub, hostname: 'again', requestId });
    expect(first).toMatchObject({ ok: true, data: [{ hostname: 'again' }] });
    const before = (await r1.store.list({ zone: 'z1' })).length;
    // Both replicas answer the queue group in turn: four retries reach each of them.
    for (let i = 0; i < 4; i++) expect(await call(IPAM_PATTERNS.allocate, { ...sub, hostname: 'again', requestId, retry: true })).toEqual(first);
    const each = await call(IPAM_PATTERNS.allocateEach, { requests: [{ ...sub, hostname: 'again', requestId, retry: true }] });
    expect(each.data).toEqual([first]);
    // An explicit address sent again is not refused as taken by its own first attempt.
    const explicitId = randomUUID();
    const explicit = await call(IPAM_PATTERNS.allocate, { ...sub, ip: '10.20.0.240', requestId: explicitId });
    expect(await call(IPAM_PATTERNS.allocate, { ...sub, ip: '10.20.0.240', requestId: explicitId, retry: true })).toEqual(explicit);
    // A batch (count) comes back whole.
    const batchId = randomUUID();
    const batch = await call(IPAM_PATTERNS.allocate, { ...sub, count: 3, requestId: batchId });
    expect(await call(IPAM_PATTERNS.allocate, { ...sub, count: 3, requestId: batchId, retry: true })).toEqual(batch);
    expect((await r1.store.list({ zone: 'z1' })).length).toBe(before + 1 + 3);
    // A retry whose first attempt never arrived allocates (once).
    const lostId = randomUUID();
    const lost = await call(IPAM_PATTERNS.allocate, { ...sub, requestId: lostId, retry: true });
    expect(lost).toMatchObject({ ok: true, data: [{ zone: 'z1' }] });
    expect(await call(IPAM_PATTERNS.allocate, { ...sub, requestId: lostId, retry: true })).toEqual(lost);
    expect(await call(IPAM_PATTERNS.allocate, { ...sub, requestId: 'x; DROP' })).toEqual({ ok: false, error: "requestId 'x; DROP' is not a UUID", field: 'requestId' });
  });
});
