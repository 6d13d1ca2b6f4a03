import { randomUUID } from 'node:crypto';
import { ipamDhcpLeaseSubject, IPAM_PATTERNS } from '@sdn/contracts';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { ipamRpcSubject } from '@sdn/ipam';
import { freshDatabase } from '../testing/pg';
import { startIpamService } from '../main';

/** Lease reports of the nodes' DHCP servers on the real NATS + PostgreSQL, two replicas. */
describe('DHCP lease reports (IPAM_PATTERNS.dhcpLease)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let bus: IsolatedBus;
  let r1: Awaited<ReturnType<typeof startIpamService>>;
  let r2: Awaited<ReturnType<typeof startIpamService>>;
  const events: { type: string; payload: Record<string, unknown> }[] = [];
  const request = async (subject: string, body: unknown): Promise<any> =>
    JSON.parse(new TextDecoder().decode((await bus.nc.request(ipamRpcSubject(bus.topology.namespace, subject), new TextEncoder().encode(JSON.stringify(body)), { timeout: 10_000 })).data));
  const lease = (node: string, body: object) => request(ipamDhcpLeaseSubject(node), body);
  const rows = () => r1.store.list({ zone: 'dz' });

  async function publishObject(aggregate: string, type: string, id: string, object?: object) {
    const env = { id: randomUUID(), seq: 1, type, typeVersion: 1, aggregateType: aggregate, aggregateId: id, aggregateVersion: 1, payload: { id, object }, actor: 't', correlationId: 'c', time: new Date().toISOString() };
    await bus.js.publish(bus.topology.eventSubject(aggregate, type), JSON.stringify(env), { msgID: env.id });
  }
  async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await f();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('condition not reached');
  }

  beforeAll(async () => {
    db = await freshDatabase('ipam_dhcp_lease');
    bus = await isolatedBus({ name: 'ipam-dhcp-lease-test' });
    r1 = await startIpamService({ pgUrl: db.url, bus });
    r2 = await startIpamService({ pgUrl: db.url, bus });
    bus.nc.subscribe(bus.topology.eventSubject('ip', '>'), { callback: (_e, m) => events.push(JSON.parse(new TextDecoder().decode(m.data))) });
    await publishObject('zone', 'ZoneCreated', 'dz', { type: 'simple', ipam: 'pve', dhcp: 'dnsmasq' });
    await publishObject('zone', 'ZoneCreated', 'nz', { type: 'simple', ipam: 'pve' });
    await publishObject('subnet', 'SubnetCreated', 'dz-10.60.0.0-24', { vnet: 'dv', gateway: '10.60.0.1', 'dhcp-range': ['start-address=10.60.0.10,end-address=10.60.0.11', 'start-address=10.60.0.20,end-address=10.60.0.20'] });
    await publishObject('subnet', 'SubnetCreated', 'dz-10.61.0.0-24', { vnet: 'plain', gateway: '10.61.0.1' });
    await publishObject('subnet', 'SubnetCreated', 'nz-10.62.0.0-24', { vnet: 'nv', gateway: '10.62.0.1', 'dhcp-range': ['start-address=10.62.0.10,end-address=10.62.0.20'] });
    await until(() => r1.store.list(), (r) => r.filter((x) => x.gateway).length === 3);
  });
  afterAll(async () => {
    await r1.close();
    await r2.close();
    await bus.destroy();
    await db.drop();
  });

  it('an unknown MAC gets the first free address of the ranges; the same MAC reported again, by any node at once, keeps it', async () => {
    const answers = await Promise.all(['node1', 'node2', 'node3', 'node1'].map((n) => lease(n, { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'BC:24:11:AA:00:01' })));
    expect(answers.map((a) => a.data?.ip)).toEqual(['10.60.0.10', '10.60.0.10', '10.60.0.10', '10.60.0.10']);
    expect(answers.filter((a) => a.data.changed)).toHaveLength(1);
    expect((await rows()).filter((r) => !r.gateway)).toEqual([expect.objectContaining({ ip: '10.60.0.10', mac: 'bc:24:11:aa:00:01', vnet: 'dv', hostname: null })]);
    await until(async () => events.length, (n) => n >= 4);
    expect(events.filter((e) => e.type === 'IpAllocated' && !e.payload.gateway).map((e) => e.payload)).toEqual([{ zone: 'dz', vnet: 'dv', subnet: '10.60.0.0/24', ip: '10.60.0.10', mac: 'bc:24:11:aa:00:01' }]);
  });

  it('the ranges in order, then an error in words: never the rest of the subnet', async () => {
    expect((await lease('node2', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:02' })).data).toEqual({ ip: '10.60.0.11', changed: true });
    expect((await lease('node2', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:03' })).data).toEqual({ ip: '10.60.0.20', changed: true });
    expect(await lease('node2', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:04' })).toEqual({ ok: false, error: "can't find free ip in the dhcp ranges of vnet 'dv'", field: 'vnet' });
  });

  it('bound records the guest host name on its lease (IpUpdated), once; an unusable name is not recorded', async () => {
    expect((await lease('node1', { op: 'bound', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:01', ip: '10.60.0.10', hostname: 'guest-one' })).data).toEqual({ ip: '10.60.0.10', changed: true });
    expect((await lease('node2', { op: 'bound', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:01', ip: '10.60.0.10', hostname: 'guest-one' })).data.changed).toBe(false);
    expect((await lease('node1', { op: 'bound', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:02', ip: '10.60.0.11', hostname: 'bad name;rm' })).data.changed).toBe(false);
    // Another MAC's report does not rename the address.
    expect((await lease('node1', { op: 'bound', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:09', ip: '10.60.0.10', hostname: 'thief' })).data.changed).toBe(false);
    expect((await rows()).find((r) => r.ip === '10.60.0.10')).toMatchObject({ hostname: 'guest-one' });
    const updates = () => events.filter((e) => e.type === 'IpUpdated');
    await until(async () => updates().length, (n) => n > 0);
    // The relay publishes in commit order: a second IpUpdated would have come by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(updates().map((e) => [e.type, e.payload])).toEqual([['IpUpdated', { zone: 'dz', vnet: 'dv', subnet: '10.60.0.0/24', ip: '10.60.0.10', mac: 'bc:24:11:aa:00:01', hostname: 'guest-one' }]]);
  });

  it('an address an operator registered for the MAC is answered, never renamed nor released by a lease report', async () => {
    expect((await request(IPAM_PATTERNS.allocate, { zone: 'dz', vnet: 'dv', ip: '10.60.0.50', mac: 'bc:24:11:aa:00:05', hostname: 'static5' })).ok).toBe(true);
    expect((await lease('node1', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:05' })).data).toEqual({ ip: '10.60.0.50', changed: false });
    expect((await lease('node1', { op: 'bound', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:05', ip: '10.60.0.50', hostname: 'other' })).data.changed).toBe(false);
    expect((await lease('node1', { op: 'released', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:05', ip: '10.60.0.50' })).data.changed).toBe(false);
    expect((await rows()).find((r) => r.ip === '10.60.0.50')).toMatchObject({ mac: 'bc:24:11:aa:00:05', hostname: 'static5' });
  });

  it('released gives a DHCP lease back (IpReleased) once; a report with another MAC changes nothing', async () => {
    expect((await lease('node3', { op: 'released', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:09', ip: '10.60.0.11' })).data.changed).toBe(false);
    expect((await lease('node3', { op: 'released', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:02', ip: '10.60.0.11' })).data).toEqual({ ip: '10.60.0.11', changed: true });
    expect((await lease('node3', { op: 'released', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:02', ip: '10.60.0.11' })).data.changed).toBe(false);
    expect((await rows()).map((r) => r.ip)).not.toContain('10.60.0.11');
    await until(async () => events.filter((e) => e.type === 'IpReleased').length, (n) => n === 1);
    // The address is free for the next unknown MAC.
    expect((await lease('node1', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:06' })).data).toEqual({ ip: '10.60.0.11', changed: true });
  });

  it('refuses what it cannot serve: a zone without dhcp, a vnet without a range, a bad MAC or op', async () => {
    expect(await lease('node1', { op: 'discover', zone: 'nz', vnet: 'nv', mac: 'bc:24:11:aa:00:07' })).toEqual({ ok: false, error: "zone 'nz' has no dhcp", field: 'zone' });
    expect((await lease('node1', { op: 'discover', zone: 'dz', vnet: 'plain', mac: 'bc:24:11:aa:00:07' })).field).toBe('vnet');
    expect((await lease('node1', { op: 'discover', zone: 'dz', vnet: 'dv', mac: 'nope' })).field).toBe('mac');
    expect((await lease('node1', { op: 'grab', zone: 'dz', vnet: 'dv', mac: 'bc:24:11:aa:00:07', ip: '10.60.0.30' })).field).toBe('op');
    expect((await rows()).map((r) => r.mac)).not.toContain('bc:24:11:aa:00:07');
  });
});
