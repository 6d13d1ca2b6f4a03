import { randomUUID } from 'node:crypto';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
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
});
