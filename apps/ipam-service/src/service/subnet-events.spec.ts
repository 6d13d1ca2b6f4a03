import { randomUUID } from 'node:crypto';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { FakeNetbox, FakePhpIpam, startFakeServer } from '@sdn/ipam';
import { generateSecretKey, SecretBox } from '@sdn/secrets';
import { freshDatabase } from '../testing/pg';
import { startIpamService } from '../main';
import { externalPlugin } from './subnet-events';

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
    const ipEvents = async () => {
      const out: EventEnvelope<IpEventV1>[] = [];
      const name = bus.topology.streams.events.name;
      const info = await bus.jsm.streams.info(name);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await bus.jsm.streams.getMessage(name, { seq }).catch(() => null);
        if (m?.subject.startsWith(bus.topology.eventSubject('ip', ''))) out.push(m.json<EventEnvelope<IpEventV1>>());
      }
      return out.filter((e) => e.payload.zone === 'zgw').map((e) => [e.type, e.payload]);
    };
    const settled = async () => {
      const i = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'ipam-service-subnets');
      const [{ n }] = await svc.db.query(`SELECT count(*)::int AS n FROM ipam_event_outbox`);
      return i.num_pending === 0 && i.num_ack_pending === 0 && n === 0;
    };
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
    expect(await ipEvents()).toEqual([['IpAllocated', { ...gw, ip: '10.6.0.1' }]]);

    await publish('subnet', 'SubnetUpdated', 'zgw-10.6.0.0-24', { vnet: 'vgw', gateway: '10.6.0.254' });
    await until('moved', async () => (await svc.store.gatewayOf('zgw', '10.6.0.0/24')) === '10.6.0.254' && (await ipEvents()).length === 3);
    expect(await ipEvents()).toEqual([
      ['IpAllocated', { ...gw, ip: '10.6.0.1' }],
      ['IpAllocated', { ...gw, ip: '10.6.0.254' }],
      ['IpReleased', { ...gw, ip: '10.6.0.1' }],
    ]);
  });
});
