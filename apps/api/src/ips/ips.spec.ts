import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { createTestDatabase } from '@sdn/event-store';
import { NatsService } from '../core/nats.service';
import { startTestApi, type TestApi } from '../testing/test-app';
import { startIpamServiceProcess, type IpamServiceProcess } from './testing/ipam-service-process';

interface StatusRow {
  zone: string;
  ip: string;
  mac?: string;
  hostname?: string;
  gateway?: number;
}

/**
 * /cluster/sdn/vnets/{vnet}/ips over HTTP against the real chain: API (its outbox relay on),
 * NATS (isolated namespace), the ipam-service process on its own PostgreSQL database. The
 * subnet reaches the IPAM the production way: API write → SubnetCreated → ipam-service; the
 * IPAM's content is read back through GET /cluster/sdn/ipams/pve/status.
 */
describe('API IP endpoints → ipam-service', () => {
  let api: TestApi;
  let bus: IsolatedBus;
  let ipamDb: { url: string; drop: () => Promise<void> };
  let ipam: IpamServiceProcess;
  const entries = async (): Promise<StatusRow[]> => (await api.get('ipams/pve/status').expect(200)).body.data.filter((r: StatusRow) => r.zone === 'zi');

  beforeAll(async () => {
    bus = await isolatedBus({ name: 'api-ips-spec' });
    ipamDb = await createTestDatabase('api_ips');
    ipam = await startIpamServiceProcess({ pgUrl: ipamDb.url, namespace: bus.topology.namespace, poolSize: 4 });
    api = await startTestApi({ nats: true, relay: true, busNamespace: bus.topology.namespace });
    await api.app.get(NatsService).ready();
    await api.post('zones', { zone: 'zi', type: 'simple', ipam: 'pve' }).expect(200);
    await api.post('vnets', { vnet: 'vi', zone: 'zi' }).expect(200);
    await api.post('vnets/vi/subnets', { subnet: '10.7.0.0/24', type: 'subnet', gateway: '10.7.0.1' }).expect(200);
    for (let i = 0; i < 200 && !(await entries()).some((r) => r.gateway); i++) await new Promise((r) => setTimeout(r, 25));
  });
  afterAll(async () => {
    await api.close();
    await ipam.stop();
    await bus.destroy();
    await ipamDb.drop();
  });

  const ips = 'vnets/vi/ips';

  it('the subnet was registered with its gateway through the subnet event', async () => {
    expect(await entries()).toEqual([{ zone: 'zi', subnet: '10.7.0.0/24', vnet: 'vi', ip: '10.7.0.1', gateway: 1 }]);
  });

  it('POST with an ip registers it and returns the record', async () => {
    const r = await api.post(ips, { zone: 'zi', ip: '10.7.0.50', mac: 'bc:24:11:00:00:01', hostname: 'web', vmid: 100 }).expect(200);
    expect(r.body).toEqual({ data: { zone: 'zi', vnet: 'vi', subnet: '10.7.0.0/24', ip: '10.7.0.50', mac: 'bc:24:11:00:00:01', hostname: 'web', vmid: '100' } });
  });

  it('POST without an ip allocates the next free one (gateway skipped), as {"data":{"ip":…}}', async () => {
    const a = await api.post(ips, { zone: 'zi', hostname: 'n1' }).expect(200);
    const b = await api.post(ips, { zone: 'zi', hostname: 'n2' }).expect(200);
    expect(a.body.data).toMatchObject({ ip: '10.7.0.2', hostname: 'n1', subnet: '10.7.0.0/24' });
    expect(b.body.data.ip).toBe('10.7.0.3');
  });

  it('batch: count=N allocates N distinct addresses in one call', async () => {
    const r = await api.post(ips, { zone: 'zi', count: 4 }).expect(200);
    expect(r.body.data.map((x: { ip: string }) => x.ip)).toEqual(['10.7.0.4', '10.7.0.5', '10.7.0.6', '10.7.0.7']);
  });

  it('PUT updates mac/hostname; DELETE releases, and the address is free again', async () => {
    const u = await api.put(ips, { zone: 'zi', ip: '10.7.0.50', hostname: 'web2', mac: 'bc:24:11:00:00:02' }).expect(200);
    expect(u.body.data).toMatchObject({ ip: '10.7.0.50', hostname: 'web2', mac: 'bc:24:11:00:00:02' });
    expect((await entries()).find((x) => x.ip === '10.7.0.50')).toMatchObject({ hostname: 'web2', mac: 'bc:24:11:00:00:02' });
    expect((await api.del(ips, { zone: 'zi', ip: '10.7.0.50' }).expect(200)).body).toEqual({ data: null });
    expect((await entries()).map((x) => x.ip)).not.toContain('10.7.0.50');
    await api.post(ips, { zone: 'zi', ip: '10.7.0.50' }).expect(200);
  });

  it('errors are 400 in the Proxmox shape and change nothing', async () => {
    const before = await entries();
    expect(before.length).toBeGreaterThan(5);
    const taken = await api.post(ips, { zone: 'zi', ip: '10.7.0.2' }).expect(400);
    expect(taken.body).toMatchObject({ data: null, errors: { ip: "IP '10.7.0.2' already exist" } });
    const gw = await api.post(ips, { zone: 'zi', ip: '10.7.0.1' }).expect(400);
    expect(gw.body.errors).toEqual({ ip: "IP '10.7.0.1' already exist" });
    const outside = await api.post(ips, { zone: 'zi', ip: '192.168.1.5' }).expect(400);
    expect(outside.body).toMatchObject({ data: null, errors: { ip: "no subnet of vnet 'vi' contains 192.168.1.5" } });
    const wrongSubnet = await api.post(ips, { zone: 'zi', ip: '10.8.0.5', subnet: '10.7.0.0/24' }).expect(400);
    expect(wrongSubnet.body.errors).toEqual({ ip: "IP '10.8.0.5' is not in subnet '10.7.0.0/24'" });
    expect((await api.post(ips, { ip: '10.7.0.9' }).expect(400)).body).toMatchObject({ data: null, errors: { zone: 'property is missing and it is not optional' } });
    expect((await api.put(ips, { zone: 'zi', hostname: 'x' }).expect(400)).body.errors).toEqual({ ip: 'property is missing and it is not optional' });
    expect((await api.put(ips, { zone: 'zi', ip: '10.7.0.99', hostname: 'x' }).expect(400)).body.errors).toEqual({ ip: "IP '10.7.0.99' not found in subnet '10.7.0.0/24'" });
    expect((await api.del(ips, { zone: 'zi', ip: '10.7.0.99' }).expect(400)).body.errors).toEqual({ ip: "IP '10.7.0.99' not found in subnet '10.7.0.0/24'" });
    expect((await api.post(ips, { zone: 'zi', count: 0 }).expect(400)).body.errors).toHaveProperty('count');
    // more than the /24 has left: all-or-nothing
    expect((await api.post(ips, { zone: 'zi', count: 300 }).expect(400)).body.errors).toEqual({ vnet: "can't find free ip in subnet '10.7.0.0/24'" });
    expect(await entries()).toEqual(before);
  });

  it('POST without an ip on a vnet with dhcp-range takes the ranges in order (§6.7), never the rest of the subnet', async () => {
    await api.post('vnets', { vnet: 'vr', zone: 'zi' }).expect(200);
    const ranges = ['start-address=10.9.0.10,end-address=10.9.0.11', 'start-address=10.9.0.20,end-address=10.9.0.20'];
    await api.post('vnets/vr/subnets', { subnet: '10.9.0.0/24', type: 'subnet', gateway: '10.9.0.1', 'dhcp-range': ranges }).expect(200);
    for (let i = 0; i < 200 && !(await entries()).some((r) => r.ip === '10.9.0.1'); i++) await new Promise((r) => setTimeout(r, 25));
    const rips = 'vnets/vr/ips';
    expect((await api.post(rips, { zone: 'zi', mac: 'bc:24:11:00:09:01', hostname: 'r1' }).expect(200)).body.data).toMatchObject({ ip: '10.9.0.10', subnet: '10.9.0.0/24', hostname: 'r1' });
    // An explicit address outside the ranges is still the caller's to register.
    await api.post(rips, { zone: 'zi', ip: '10.9.0.11' }).expect(200);
    expect((await api.post(rips, { zone: 'zi', count: 1 }).expect(200)).body.data.map((x: { ip: string }) => x.ip)).toEqual(['10.9.0.20']);
    const before = await entries();
    // Ranges exhausted: an error in words, not an address from the rest of the subnet.
    expect((await api.post(rips, { zone: 'zi', hostname: 'r9' }).expect(400)).body.errors).toEqual({ vnet: "can't find free ip in the dhcp ranges of subnet '10.9.0.0/24'" });
    await api.del(rips, { zone: 'zi', ip: '10.9.0.10' }).expect(200);
    await api.del(rips, { zone: 'zi', ip: '10.9.0.20' }).expect(200);
    // A batch larger than the ranges hold: all or nothing.
    expect((await api.post(rips, { zone: 'zi', count: 3 }).expect(400)).body.errors).toEqual({ vnet: "can't find free ip in the dhcp ranges of subnet '10.9.0.0/24'" });
    expect((await entries()).map((e) => e.ip)).toEqual(before.map((e) => e.ip).filter((ip) => ip !== '10.9.0.10' && ip !== '10.9.0.20'));
    expect((await api.post(rips, { zone: 'zi', count: 2 }).expect(200)).body.data.map((x: { ip: string }) => x.ip)).toEqual(['10.9.0.10', '10.9.0.20']);
  });

  it('every change reaches the bus as an IP event with the request’s correlation id', async () => {
    const r = await api.post(ips, { zone: 'zi', hostname: 'traced' }).set('X-Correlation-Id', 'trace-ips-1').expect(200);
    const subject = bus.topology.eventSubject('ip', 'IpAllocated');
    let last: EventEnvelope<IpEventV1> | undefined;
    for (let i = 0; i < 100 && last?.payload.ip !== r.body.data.ip; i++) {
      last = (await bus.jsm.streams.getMessage(bus.topology.streams.events.name, { last_by_subj: subject }).catch(() => null))?.json();
      if (last?.payload.ip !== r.body.data.ip) await new Promise((res) => setTimeout(res, 25));
    }
    expect(last).toMatchObject({ type: 'IpAllocated', correlationId: 'trace-ips-1', payload: { zone: 'zi', vnet: 'vi', ip: r.body.data.ip, hostname: 'traced' } });
  });

  it('callers of the same moment share messages to the IPAM, each still gets its own answer', async () => {
    // More concurrent callers than messages in flight: most go in shared allocate-each messages.
    const calls = Array.from({ length: 40 }, (_, i) =>
      i === 7 ? api.post(ips, { zone: 'zi', ip: '10.7.0.2', hostname: 'dup' }) : i === 13 ? api.post(ips, { zone: 'zi', ip: '10.7.0.200', hostname: 'fixed' }) : api.post(ips, { zone: 'zi', hostname: `c${i}` }),
    );
    const res = await Promise.all(calls);
    expect(res[7].status).toBe(400);
    expect(res[7].body.errors).toEqual({ ip: "IP '10.7.0.2' already exist" });
    expect(res[13].body.data).toMatchObject({ ip: '10.7.0.200', hostname: 'fixed' });
    const others = res.filter((_, i) => i !== 7 && i !== 13);
    expect(others.every((r) => r.status === 200)).toBe(true);
    others.forEach((r, k) => expect(r.body.data.hostname).toBe(`c${k < 7 ? k : k < 12 ? k + 1 : k + 2}`));
    const ipsGiven = others.map((r) => r.body.data.ip as string);
    expect(new Set(ipsGiven).size).toBe(38);
    const stored = (await entries()).filter((e) => /^c\d+$/.test(e.hostname ?? ''));
    expect(stored.map((e) => `${e.ip} ${e.hostname}`).sort()).toEqual(others.map((r) => `${r.body.data.ip} ${r.body.data.hostname}`).sort());
  });
});
