import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { createTestDatabase } from '@sdn/event-store';
import { FakeNetbox, startFakeServer } from '@sdn/ipam';
import { NatsService } from '../core/nats.service';
import { startTestApi, TEST_SECRET_KEY, type TestApi } from '../testing/test-app';
import { startIpamServiceProcess, type IpamServiceProcess } from './testing/ipam-service-process';
import { recordTestSecrets } from '@sdn/service-kit/testing';

/**
 * /cluster/sdn/vnets/{vnet}/ips in a zone whose IPAM is NetBox, over the real chain (API →
 * NATS → ipam-service process → fake NetBox that keeps state): the addresses live in NetBox,
 * the IP events reach the bus, and NetBox's refusals are the caller's 400 in words.
 */
describe('API IP endpoints → ipam-service → NetBox', () => {
  let api: TestApi;
  let bus: IsolatedBus;
  let ipamDb: { url: string; drop: () => Promise<void> };
  let ipam: IpamServiceProcess;
  const nb = new FakeNetbox('nb-secret');
  recordTestSecrets({ 'NetBox token': nb.token });
  let nbSrv: Awaited<ReturnType<typeof startFakeServer>>;
  const addresses = () => nb.addresses.map((a) => `${a.address} ${a.description ?? ''} ${a.dns_name ?? ''}`.trim());

  beforeAll(async () => {
    nbSrv = await startFakeServer((...a) => nb.handler(...a));
    bus = await isolatedBus({ name: 'api-ips-external-spec' });
    ipamDb = await createTestDatabase('api_ips_ext');
    // The API seals the IPAM token with its key; ipam-service opens it with the same one.
    ipam = await startIpamServiceProcess({ pgUrl: ipamDb.url, namespace: bus.topology.namespace, poolSize: 4, env: { SDN_SECRET_KEY: TEST_SECRET_KEY } });
    api = await startTestApi({ nats: true, relay: true, busNamespace: bus.topology.namespace });
    await api.app.get(NatsService).ready();
    await api.post('ipams', { ipam: 'nb', type: 'netbox', url: `${nbSrv.url}/api`, token: 'nb-secret' }).expect(200);
    await api.post('zones', { zone: 'zn', type: 'simple', ipam: 'nb' }).expect(200);
    await api.post('vnets', { vnet: 'vn', zone: 'zn' }).expect(200);
    await api.post('vnets/vn/subnets', { subnet: '10.9.0.0/29', type: 'subnet', gateway: '10.9.0.1' }).expect(200);
  });
  afterAll(async () => {
    await api.close();
    await ipam.stop();
    await bus.destroy();
    await ipamDb.drop();
    await nbSrv.close();
  });

  const ips = 'vnets/vn/ips';

  /** The newest IpAllocated on the bus once `match` holds for it (or the last one seen after ~10 s). */
  async function lastIpAllocated(match: (e: EventEnvelope<IpEventV1>) => boolean): Promise<EventEnvelope<IpEventV1> | undefined> {
    let last: EventEnvelope<IpEventV1> | undefined;
    for (let i = 0; i < 400 && !(last && match(last)); i++) {
      last = (await bus.jsm.streams.getMessage(bus.topology.streams.events.name, { last_by_subj: bus.topology.eventSubject('ip', 'IpAllocated') }).catch(() => null))?.json();
      if (!(last && match(last))) await new Promise((res) => setTimeout(res, 25));
    }
    return last;
  }

  it('the subnet and its gateway are in NetBox, and the gateway IpAllocated reaches the bus', async () => {
    expect(nb.prefixes.map((p) => p.prefix)).toEqual(['10.9.0.0/29']);
    expect(addresses()).toEqual(['10.9.0.1/29 gateway vn-gw']);
    // Written by the subnet-event consumer once NetBox has the gateway (§6.1); waited for here so
    // that it is on the bus before the next test's allocation.
    expect(await lastIpAllocated((e) => e.payload.gateway === true)).toMatchObject({ payload: { zone: 'zn', vnet: 'vn', subnet: '10.9.0.0/29', ip: '10.9.0.1', hostname: 'vn-gw', gateway: true } });
  });

  it('POST without an ip takes the next free address from NetBox, and IpAllocated reaches the bus', async () => {
    const r = await api.post(ips, { zone: 'zn', hostname: 'vm1', mac: 'bc:24:11:00:09:01', vmid: 101 }).set('X-Correlation-Id', 'trace-nb-1').expect(200);
    expect(r.body).toEqual({ data: { zone: 'zn', vnet: 'vn', subnet: '10.9.0.0/29', ip: '10.9.0.2', mac: 'bc:24:11:00:09:01', hostname: 'vm1', vmid: '101' } });
    expect(addresses()).toEqual(['10.9.0.1/29 gateway vn-gw', '10.9.0.2/29 mac:bc:24:11:00:09:01 vm1']);
    const last = await lastIpAllocated((e) => e.correlationId === 'trace-nb-1');
    expect(last).toMatchObject({ type: 'IpAllocated', payload: { zone: 'zn', vnet: 'vn', ip: '10.9.0.2', hostname: 'vm1', vmid: '101' } });
  });

  it('a batch NetBox cannot fill is a 400 in words and leaves NetBox as it was', async () => {
    const before = addresses();
    const r = await api.post(ips, { zone: 'zn', count: 10 }).expect(400);
    expect(r.body.errors.vnet).toMatch(/^can't find free ip in subnet 10\.9\.0\.0\/29: .*409 Conflict.*\(the 4 address\(es\) it took were released again\)$/);
    expect(addresses()).toEqual(before);
  });

  it('PUT updates the entry in NetBox; DELETE removes it; deleting it again is refused in words', async () => {
    await api.put(ips, { zone: 'zn', ip: '10.9.0.2', hostname: 'vm1b', mac: 'bc:24:11:00:09:02' }).expect(200);
    expect(addresses()).toContain('10.9.0.2/29 mac:bc:24:11:00:09:02 vm1b');
    expect((await api.del(ips, { zone: 'zn', ip: '10.9.0.2' }).expect(200)).body).toEqual({ data: null });
    expect(addresses()).toEqual(['10.9.0.1/29 gateway vn-gw']);
    expect((await api.del(ips, { zone: 'zn', ip: '10.9.0.2' }).expect(400)).body.errors).toEqual({ ip: "IP '10.9.0.2' does not exist in ipam 'nb'" });
  });

  it("the status of an external IPAM is the reference's error (§1: only the built-in one has a status)", async () => {
    const r = await api.get('ipams/nb/status').expect(500);
    expect(r.body).toMatchObject({ data: null, message: 'Currently only PVE IPAM is supported!' });
  });
});
