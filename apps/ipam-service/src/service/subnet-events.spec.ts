import { randomUUID } from 'node:crypto';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { IPAM_PATTERNS, type EventEnvelope, type IpEventV1 } from '@sdn/contracts';
import { FakeNetbox, FakePhpIpam, ipamRpcSubject, startFakeServer } from '@sdn/ipam';
import { generateSecretKey, SecretBox } from '@sdn/secrets';
import { freshDatabase } from '../testing/pg';
import { startIpamService } from '../main';
import { externalPlugin } from './subnet-events';
import { recordTestSecrets } from '@sdn/service-kit/testing';

/**
 * Subnet events land in the IPAM of the subnet's zone (§6.1): the built-in one, phpIPAM or
 * NetBox (fake servers that keep state), and nowhere for a zone without `ipam`. Real NATS
 * (isolated namespace) and PostgreSQL; the IPAM tokens travel sealed, as the API stores them.
 */
describe('subnet events by the zone’s ipam', () => {
  let db: { url: string; drop: () => Promise<void> };
  let bus: IsolatedBus;
  let svc: Awaited<ReturnType<typeof startIpamService>>;
  const php = new FakePhpIpam('php-token');
  const nb = new FakeNetbox('nb-token');
  recordTestSecrets({ 'NetBox token': nb.token, 'phpIPAM token': php.token });
  let phpSrv: Awaited<ReturnType<typeof startFakeServer>>;
  let nbSrv: Awaited<ReturnType<typeof startFakeServer>>;
  const box = SecretBox.fromText(generateSecretKey());

  async function publish(aggregate: string, type: string, id: string, object?: object) {
    const env = { id: randomUUID(), seq: 1, type, typeVersion: 1, aggregateType: aggregate, aggregateId: id, aggregateVersion: 1, payload: { id, object }, actor: 't', correlationId: 'c', time: new Date().toISOString() };
    await bus.js.publish(bus.topology.eventSubject(aggregate, type), JSON.stringify(env), { msgID: env.id });
  }
  async function until(what: string, ok: () => boolean | Promise<boolean>) {
    for (let i = 0; i < 200; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`not reached: ${what}`);
  }
  const pveSubnets = async () => (await svc.db.query(`SELECT zone, subnet FROM ipam_subnet ORDER BY zone, subnet`)).map((r: { zone: string; subnet: string }) => `${r.zone} ${r.subnet}`);
  const phpState = () => ({ subnets: php.subnets.map((s) => `${s.subnet}/${s.mask}`), addresses: php.addresses.map((a) => `${a.ip} ${a.hostname}`) });
  /** The IP events of `zone` on the stream, in order. */
  const ipEvents = async (zone: string) => {
    const out: EventEnvelope<IpEventV1>[] = [];
    const name = bus.topology.streams.events.name;
    const info = await bus.jsm.streams.info(name);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await bus.jsm.streams.getMessage(name, { seq }).catch(() => null);
      if (m?.subject.startsWith(bus.topology.eventSubject('ip', ''))) out.push(m.json<EventEnvelope<IpEventV1>>());
    }
    return out.filter((e) => e.payload.zone === zone).map((e) => [e.type, e.payload]);
  };
  /** Every subnet event handled and acked, every IP event relayed. */
  const settled = async () => {
    const i = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'ipam-service-subnets');
    const [{ n }] = await svc.db.query(`SELECT count(*)::int AS n FROM ipam_event_outbox`);
    return i.num_pending === 0 && i.num_ack_pending === 0 && n === 0;
  };
  /**
   * Publishes a SubnetCreated whose first `onExternalSubnet` "crashes" before or after it wrote, so
   * JetStream delivers the event again; resolves once that second delivery is handled and relayed.
   */
  async function createCrashingOnce(when: 'before' | 'after', id: string, object: object) {
    const real = svc.rpc.onExternalSubnet.bind(svc.rpc);
    const spy = jest.spyOn(svc.rpc, 'onExternalSubnet').mockImplementation(async (...a) => {
      const first = spy.mock.calls.length === 1;
      if (first && when === 'before') throw new Error('simulated crash after the IPAM calls');
      await real(...a);
      if (first) throw new Error('simulated crash before the ack');
    });
    const deliveries = jest.spyOn(svc.rpc, 'externalSubnetDone');
    try {
      await publish('subnet', 'SubnetCreated', id, object);
      await until('redelivered and acked', async () => deliveries.mock.calls.length === 2 && (await settled()));
    } finally {
      spy.mockRestore();
      deliveries.mockRestore();
    }
  }

  beforeAll(async () => {
    phpSrv = await startFakeServer((...a) => php.handler(...a));
    nbSrv = await startFakeServer((...a) => nb.handler(...a));
    db = await freshDatabase('ipam_subnets');
    bus = await isolatedBus({ name: 'ipam-subnet-events-spec' });
    svc = await startIpamService({ pgUrl: db.url, bus, pluginFor: externalPlugin(box) });
    await publish('ipam', 'IpamCreated', 'php', { type: 'phpipam', url: `${phpSrv.url}/api/apiadmin`, token: box.seal('php-token'), section: 1 });
    await publish('ipam', 'IpamCreated', 'nb', { type: 'netbox', url: `${nbSrv.url}/api`, token: box.seal('nb-token') });
    await publish('zone', 'ZoneCreated', 'zphp', { type: 'simple', ipam: 'php' });
    await publish('zone', 'ZoneCreated', 'znb', { type: 'simple', ipam: 'nb' });
    await publish('zone', 'ZoneCreated', 'zpve', { type: 'simple', ipam: 'pve' });
    await publish('zone', 'ZoneCreated', 'znone', { type: 'simple' });
  });
  afterAll(async () => {
    await svc.close();
    await bus.destroy();
    await db.drop();
    await phpSrv.close();
    await nbSrv.close();
  });

  it('registers each subnet and gateway in its zone’s IPAM only, and nothing for a zone without ipam', async () => {
    await publish('subnet', 'SubnetCreated', 'znone-10.3.0.0-24', { vnet: 'v3', gateway: '10.3.0.1' });
    await publish('subnet', 'SubnetCreated', 'zphp-10.1.0.0-24', { vnet: 'v1', gateway: '10.1.0.1' });
    await publish('subnet', 'SubnetCreated', 'znb-10.2.0.0-24', { vnet: 'v2', gateway: '10.2.0.1' });
    await publish('subnet', 'SubnetCreated', 'zpve-10.4.0.0-24', { vnet: 'v4', gateway: '10.4.0.1' });
    // Handled in order by the one replica: once the last is in, the others are done.
    await until('pve gateway', async () => (await svc.store.gatewayOf('zpve', '10.4.0.0/24')) !== undefined);
    expect(await pveSubnets()).toEqual(['zpve 10.4.0.0/24']);
    expect(await svc.store.gatewayOf('zpve', '10.4.0.0/24')).toBe('10.4.0.1');
    expect(phpState()).toEqual({ subnets: ['10.1.0.0/24'], addresses: ['10.1.0.1 v1-gw'] });
    expect(nb.prefixes.map((p) => p.prefix)).toEqual(['10.2.0.0/24']);
    expect(nb.addresses.map((a) => [a.address, a.dns_name])).toEqual([['10.2.0.1/24', 'v2-gw']]);
  });

  it('update moves the gateway in phpIPAM; delete removes the NetBox prefix', async () => {
    await publish('subnet', 'SubnetUpdated', 'zphp-10.1.0.0-24', { vnet: 'v1', gateway: '10.1.0.254' });
    await publish('subnet', 'SubnetDeleted', 'znb-10.2.0.0-24');
    await until('netbox prefix gone', () => nb.prefixes.length === 0);
    expect(phpState()).toEqual({ subnets: ['10.1.0.0/24'], addresses: ['10.1.0.254 v1-gw'] });
  });

  it('a subnet event uses the zone’s ipam as it was when the event was written', async () => {
    await publish('zone', 'ZoneCreated', 'zx', { type: 'simple', ipam: 'php' });
    await publish('subnet', 'SubnetCreated', 'zx-10.9.0.0-24', { vnet: 'v9' });
    await publish('subnet', 'SubnetDeleted', 'zx-10.9.0.0-24');
    await publish('zone', 'ZoneUpdated', 'zx', { type: 'simple', ipam: 'pve' });
    await publish('subnet', 'SubnetCreated', 'zx-10.9.0.0-24', { vnet: 'v9' });
    await until('zx in pve', async () => (await pveSubnets()).includes('zx 10.9.0.0/24'));
    // phpIPAM saw the first life of the subnet (created, then removed), pve the second.
    expect(phpState().subnets).toEqual(['10.1.0.0/24']);
    expect(await pveSubnets()).toEqual(['zpve 10.4.0.0/24', 'zx 10.9.0.0/24']);
  });

  it('pve: the gateway goes to the stream as one IpAllocated, also when its subnet event is redelivered; a move releases the old one', async () => {
    await publish('zone', 'ZoneCreated', 'zgw', { type: 'simple', ipam: 'pve' });
    // The first handling "crashes" after the IPAM committed, before the ack: JetStream delivers it again.
    const real = svc.rpc.onSubnet.bind(svc.rpc);
    const onSubnet = jest.spyOn(svc.rpc, 'onSubnet').mockImplementation(async (...a) => {
      await real(...a);
      if (onSubnet.mock.calls.length === 1) throw new Error('simulated crash before the ack');
    });
    try {
      await publish('subnet', 'SubnetCreated', 'zgw-10.6.0.0-24', { vnet: 'vgw', gateway: '10.6.0.1' });
      await until('redelivered and acked', async () => onSubnet.mock.calls.length === 2 && (await settled()));
    } finally {
      onSubnet.mockRestore();
    }
    const gw = { zone: 'zgw', vnet: 'vgw', subnet: '10.6.0.0/24', hostname: 'vgw-gw', gateway: true };
    expect(await ipEvents('zgw')).toEqual([['IpAllocated', { ...gw, ip: '10.6.0.1' }]]);

    await publish('subnet', 'SubnetUpdated', 'zgw-10.6.0.0-24', { vnet: 'vgw', gateway: '10.6.0.254' });
    await until('moved', async () => (await svc.store.gatewayOf('zgw', '10.6.0.0/24')) === '10.6.0.254' && (await ipEvents('zgw')).length === 3);
    expect(await ipEvents('zgw')).toEqual([
      ['IpAllocated', { ...gw, ip: '10.6.0.1' }],
      ['IpAllocated', { ...gw, ip: '10.6.0.254' }],
      ['IpReleased', { ...gw, ip: '10.6.0.1' }],
    ]);
  });

  describe('phpIPAM/NetBox: the gateway’s IP events, as for pve', () => {
    const gw = (zone: string, vnet: string, subnet: string) => ({ zone, vnet, subnet, hostname: `${vnet}-gw`, gateway: true });
    beforeAll(async () => {
      await publish('zone', 'ZoneCreated', 'znbgw', { type: 'simple', ipam: 'nb' });
      await publish('zone', 'ZoneCreated', 'zphpgw', { type: 'simple', ipam: 'php' });
    });

    it('NetBox: one IpAllocated also when the subnet event is redelivered; a move allocates the new and releases the old; delete writes none', async () => {
      await createCrashingOnce('after', 'znbgw-10.7.0.0-24', { vnet: 'vnb', gateway: '10.7.0.1' });
      const g = gw('znbgw', 'vnb', '10.7.0.0/24');
      expect(await ipEvents('znbgw')).toEqual([['IpAllocated', { ...g, ip: '10.7.0.1' }]]);
      expect(nb.addresses.filter((a) => a.address.startsWith('10.7.')).map((a) => [a.address, a.dns_name])).toEqual([['10.7.0.1/24', 'vnb-gw']]);

      await publish('subnet', 'SubnetUpdated', 'znbgw-10.7.0.0-24', { vnet: 'vnb', gateway: '10.7.0.254' });
      await until('moved', async () => (await ipEvents('znbgw')).length === 3 && (await settled()));
      expect(await ipEvents('znbgw')).toEqual([
        ['IpAllocated', { ...g, ip: '10.7.0.1' }],
        ['IpAllocated', { ...g, ip: '10.7.0.254' }],
        ['IpReleased', { ...g, ip: '10.7.0.1' }],
      ]);
      expect(nb.addresses.filter((a) => a.address.startsWith('10.7.')).map((a) => a.address)).toEqual(['10.7.0.254/24']);

      // §6.1: the gateway's DNS records stay, so no IpReleased.
      await publish('subnet', 'SubnetDeleted', 'znbgw-10.7.0.0-24');
      await until('prefix gone', async () => !nb.prefixes.some((x) => x.prefix === '10.7.0.0/24') && (await settled()));
      expect(await ipEvents('znbgw')).toHaveLength(3);
    });

    it('phpIPAM: a crash between the IPAM calls and the event loses nothing and doubles nothing', async () => {
      await createCrashingOnce('before', 'zphpgw-10.8.0.0-24', { vnet: 'vphp', gateway: '10.8.0.1' });
      expect(await ipEvents('zphpgw')).toEqual([['IpAllocated', { ...gw('zphpgw', 'vphp', '10.8.0.0/24'), ip: '10.8.0.1' }]]);
      expect(phpState().addresses.filter((a) => a.startsWith('10.8.'))).toEqual(['10.8.0.1 vphp-gw']);
    });

    it('registered at the API’s request: the event claims it and writes the one IpAllocated, also after a crash in between', async () => {
      const object = { vnet: 'vreq', gateway: '10.11.0.1' };
      const req = { op: 'create', subnetId: 'znbgw-10.11.0.0-24', vnet: 'vreq', object, ipamId: 'nb', ipam: { type: 'netbox', url: `${nbSrv.url}/api`, token: box.seal('nb-token') } };
      const reply = await bus.nc.request(ipamRpcSubject(bus.topology.namespace, IPAM_PATTERNS.subnet), new TextEncoder().encode(JSON.stringify(req)), { timeout: 10000 });
      expect(reply.json()).toEqual({ ok: true, data: null });
      expect(nb.addresses.filter((a) => a.address.startsWith('10.11.')).map((a) => a.dns_name)).toEqual(['vreq-gw']);
      expect(await ipEvents('znbgw')).toHaveLength(3); // none before the subnet event

      // The claim commits with the event: a crash before that leaves the record for the redelivery,
      // which would otherwise register again (NetBox: "prefix already exists", retried forever).
      await createCrashingOnce('before', 'znbgw-10.11.0.0-24', object);
      expect((await ipEvents('znbgw')).slice(3)).toEqual([['IpAllocated', { ...gw('znbgw', 'vreq', '10.11.0.0/24'), ip: '10.11.0.1' }]]);
      expect(await svc.db.query(`SELECT subnet_id FROM ipam_subnet_sync`)).toEqual([]);
      expect(nb.prefixes.filter((x) => x.prefix === '10.11.0.0/24')).toHaveLength(1);
    });
  });
});
