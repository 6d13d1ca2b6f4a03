import { dumpProjection, foldLog, rebuildProjections } from '@sdn/event-store';
import { startFakePowerDns } from '../testing/fake-powerdns';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * Served state is a projection of the log: rebuilding the tables from
 * sequence 0 must give exactly the live tables, and the in-memory state.
 */
describe('projections rebuilt from zero equal the live ones', () => {
  let api: TestApi;
  let pdns: Awaited<ReturnType<typeof startFakePowerDns>>;
  beforeAll(async () => {
    api = await startTestApi();
    pdns = await startFakePowerDns('k', []);
    // A history that touches every event type.
    await api.post('controllers', { controller: 'ctl', type: 'evpn', asn: 65000, peers: '192.0.2.1' }).expect(200);
    await api.post('zones', { zone: 'ze', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 100, nodes: 'a,b' }).expect(200);
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'v1', zone: 'ze', tag: 1000 }).expect(200);
    await api.post('vnets', { vnet: 'v2', zone: 'zs' }).expect(200);
    await api.post('vnets/v2/subnets', { subnet: '10.0.0.0/24', type: 'subnet', gateway: '10.0.0.1' }).expect(200);
    await api.post('ipams', { ipam: 'nb', type: 'netbox', url: 'https://netbox.example/api', token: 't' }).expect(200);
    await api.post('dns', { dns: 'pd', type: 'powerdns', url: pdns.url, key: 'k' }).expect(200);
    await api.put('').expect(200);
    await api.put('zones/zs', { mtu: 1400 }).expect(200);
    await api.del('vnets/v2/subnets/zs-10.0.0.0-24').expect(200);
    await api.post('rollback').expect(200);
    await api.put('vnets/v1', { alias: 'x' }).expect(200);
    await api.del('dns/pd').expect(200);
    const token = (await api.post('lock', { 'allow-pending': 1 }).expect(200)).body.data;
    await api.post('zones', { zone: 'zt', type: 'simple', 'lock-token': token }).expect(200);
  });
  afterAll(async () => {
    await pdns.close();
    await api.close();
  });

  it('rebuild from the log reproduces the tables and the in-memory state', async () => {
    const ds = api.state().store.ds;
    const live = await dumpProjection(ds);
    expect(live.objects.length).toBeGreaterThan(5);
    expect(live.lock).toHaveLength(1);
    expect(live.running).toHaveLength(1);

    const rebuilt = await rebuildProjections(ds);
    expect(await dumpProjection(ds)).toEqual(live);
    expect(rebuilt).toEqual(api.state().current);
    expect(await foldLog(ds)).toEqual(api.state().current);
  });

  it('a restarted API (new process state) serves the same objects', async () => {
    const zones = (await api.get('zones?pending=1')).body.data;
    const other = await startTestApi({}, { dbUrl: api.dbUrl });
    try {
      expect((await other.get('zones?pending=1')).body.data).toEqual(zones);
      expect(other.state().current).toEqual(api.state().current);
    } finally {
      await other.app.close();
    }
  });
});
