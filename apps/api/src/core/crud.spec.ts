import { startFakePowerDns } from '../testing/fake-powerdns';
import { startTestApi, type TestApi } from '../testing/test-app';

/** CRUD of every object type through the real API and database, with the pending/running views. */
describe('SDN objects: CRUD, pending and running views', () => {
  let api: TestApi;
  let pdns: Awaited<ReturnType<typeof startFakePowerDns>>;
  beforeAll(async () => {
    api = await startTestApi();
    pdns = await startFakePowerDns('k3y', ['sdn.example']);
  });
  afterAll(async () => {
    await pdns.close();
    await api.close();
  });

  it('zones: create, list, get, update (with delete), view states, delete', async () => {
    await api.post('zones', { zone: 'zvlan', type: 'vlan', bridge: 'vmbr0', nodes: 'n2,n1', mtu: 1500 }).expect(200, { data: null });
    const list = (await api.get('zones').expect(200)).body.data;
    expect(list).toEqual([{ zone: 'zvlan', type: 'vlan', bridge: 'vmbr0', nodes: 'n1,n2', mtu: 1500, digest: expect.stringMatching(/^[0-9a-f]{40}$/) }]);
    expect((await api.get('zones/zvlan').expect(200)).body.data.nodes).toBe('n1,n2');
    // Before any apply the running view is empty and the pending view marks the zone new.
    expect((await api.get('zones?running=1').expect(200)).body.data).toEqual([]);
    expect((await api.get('zones?pending=1').expect(200)).body.data).toEqual([
      { zone: 'zvlan', type: 'vlan', state: 'new', pending: { bridge: 'vmbr0', nodes: 'n1,n2', mtu: 1500 } },
    ]);
    await api.put('', {}).expect(200);
    expect((await api.get('zones?pending=1').expect(200)).body.data).toEqual([{ zone: 'zvlan', type: 'vlan', bridge: 'vmbr0', nodes: 'n1,n2', mtu: 1500 }]);

    // The §4.2 example: change bridge, drop mtu → `changed` with the pending values and "deleted".
    await api.put('zones/zvlan', { bridge: 'vmbr1', delete: 'mtu' }).expect(200);
    expect((await api.get('zones/zvlan?pending=1').expect(200)).body.data).toEqual({
      zone: 'zvlan',
      type: 'vlan',
      bridge: 'vmbr0',
      nodes: 'n1,n2',
      mtu: 1500,
      state: 'changed',
      pending: { bridge: 'vmbr1', mtu: 'deleted' },
    });
    expect((await api.get('zones/zvlan?running=1').expect(200)).body.data).toMatchObject({ bridge: 'vmbr0', mtu: 1500 });
    await api.get('zones?type=simple').expect(200, { data: [] });

    await api.del('zones/zvlan').expect(200);
    await api.get('zones/zvlan').expect(404);
    expect((await api.get('zones?pending=1').expect(200)).body.data).toEqual([
      { zone: 'zvlan', type: 'vlan', bridge: 'vmbr0', nodes: 'n1,n2', mtu: 1500, state: 'deleted', pending: {} },
    ]);
    await api.put('', {}).expect(200);
    expect((await api.get('zones?running=1').expect(200)).body.data).toEqual([]);
  });

  it('vnets and subnets: nested paths, derived subnet fields, apply moves them to running', async () => {
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vn1', zone: 'zs', alias: 'first' }).expect(200);
    await api
      .post('vnets/vn1/subnets', { subnet: '10.1.0.0/24', type: 'subnet', gateway: '10.1.0.1', snat: 1, 'dhcp-range': ['start-address=10.1.0.10,end-address=10.1.0.20'] })
      .expect(200);
    const subnet = (await api.get('vnets/vn1/subnets/zs-10.1.0.0-24').expect(200)).body.data;
    expect(subnet).toMatchObject({
      subnet: 'zs-10.1.0.0-24',
      id: 'zs-10.1.0.0-24',
      cidr: '10.1.0.0/24',
      zone: 'zs',
      network: '10.1.0.0',
      mask: '24',
      vnet: 'vn1',
      type: 'subnet',
      gateway: '10.1.0.1',
      snat: 1,
      'dhcp-range': [{ 'start-address': '10.1.0.10', 'end-address': '10.1.0.20' }],
    });
    expect((await api.get('vnets/vn1/subnets?pending=1').expect(200)).body.data[0]).toMatchObject({ state: 'new', vnet: 'vn1', pending: { gateway: '10.1.0.1' } });
    expect((await api.get('vnets/vn1').expect(200)).body.data).toMatchObject({ vnet: 'vn1', zone: 'zs', alias: 'first', type: 'vnet' });

    const task = (await api.put('', {}).expect(200)).body.data;
    expect(task).toMatch(/^UPID:testnode:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:reloadnetworkall::root@pam!test:$/);
    expect((await api.get('vnets?running=1').expect(200)).body.data.map((v: { vnet: string }) => v.vnet)).toEqual(['vn1']);
    expect((await api.get('vnets/vn1/subnets?running=1').expect(200)).body.data).toHaveLength(1);
    expect(api.state().current.running?.version).toBeGreaterThanOrEqual(1);

    await api.put('vnets/vn1/subnets/zs-10.1.0.0-24', { gateway: '10.1.0.254' }).expect(200);
    expect((await api.get('vnets/vn1/subnets/zs-10.1.0.0-24?pending=1').expect(200)).body.data).toMatchObject({ state: 'changed', gateway: '10.1.0.1', pending: { gateway: '10.1.0.254' } });
    await api.put('vnets/vn1', { alias: 'renamed' }).expect(200);
    expect((await api.get('vnets/vn1').expect(200)).body.data.alias).toBe('renamed');

    await api.del('vnets/vn1/subnets/zs-10.1.0.0-24').expect(200);
    await api.get('vnets/vn1/subnets/zs-10.1.0.0-24').expect(404);
    await api.del('vnets/vn1').expect(200);
    await api.get('vnets/vn1').expect(404);
  });

  it('controllers: evpn controller referenced by an evpn zone', async () => {
    await api.post('controllers', { controller: 'evpnctl', type: 'evpn', asn: 65000, peers: '192.0.2.1,192.0.2.2' }).expect(200);
    await api.post('zones', { zone: 'ze', type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 10000 }).expect(200);
    const zone = (await api.get('zones/ze').expect(200)).body.data;
    // Z11: an anycast MAC is generated and stored.
    expect(zone.mac).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
    // An explicit MAC is kept; an update without one keeps the stored one.
    await api.post('zones', { zone: 'zm', type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 10001, mac: 'A2:1D:CB:1A:C0:8B' }).expect(200);
    await api.put('zones/zm', { 'vrf-vxlan': 10002 }).expect(200);
    expect((await api.get('zones/zm').expect(200)).body.data.mac).toBe('A2:1D:CB:1A:C0:8B');
    // generate-mac=0 (an import of a zone that has none): stored without, also when deleting it from an existing zone.
    await api.post('zones', { zone: 'zn', type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 10003, 'generate-mac': 0 }).expect(200);
    expect((await api.get('zones/zn').expect(200)).body.data.mac).toBeUndefined();
    await api.put('zones/zm', { delete: 'mac', 'generate-mac': 0 }).expect(200);
    expect((await api.get('zones/zm').expect(200)).body.data.mac).toBeUndefined();
    // Without the flag an update fills it in again (Z11 on update); the flag is no zone property and no parameter of other objects.
    await api.put('zones/zn', { 'vrf-vxlan': 10004 }).expect(200);
    expect((await api.get('zones/zn').expect(200)).body.data.mac).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
    expect((await api.post('zones', { zone: 'zb', type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 10005, 'generate-mac': 'maybe' }).expect(400)).body.errors['generate-mac']).toMatch(/boolean/);
    expect((await api.post('vnets', { vnet: 'vm1', zone: 'zn', tag: 77, 'generate-mac': 0 }).expect(400)).body.errors['generate-mac']).toBeDefined();
    for (const z of ['zm', 'zn']) await api.del(`zones/${z}`).expect(200);
    expect((await api.get('controllers').expect(200)).body.data).toEqual([
      { controller: 'evpnctl', type: 'evpn', asn: 65000, peers: '192.0.2.1,192.0.2.2', digest: expect.any(String) },
    ]);
    await api.put('controllers/evpnctl', { asn: 65001 }).expect(200);
    expect((await api.get('controllers/evpnctl?pending=1').expect(200)).body.data).toMatchObject({ state: 'new', pending: { asn: 65001 } });
    await api.del('zones/ze').expect(200);
    await api.del('controllers/evpnctl').expect(200);
    await api.get('controllers/evpnctl').expect(404);
  });

  it('ipams and dns: immediate objects, secrets are write-only', async () => {
    await api.post('ipams', { ipam: 'php', type: 'phpipam', url: 'https://ipam.example/api/x', token: 's3cr3t', section: 3 }).expect(200);
    const ipams = (await api.get('ipams').expect(200)).body.data;
    expect(ipams.map((i: { ipam: string }) => i.ipam)).toEqual(['php', 'pve']);
    expect(JSON.stringify(ipams)).not.toContain('s3cr3t');
    expect((await api.get('ipams/php').expect(200)).body.data).toEqual({ ipam: 'php', type: 'phpipam', url: 'https://ipam.example/api/x', section: 3, digest: expect.any(String) });
    await api.put('ipams/php', { token: 'other' }).expect(200);
    await api.get('ipams?type=pve').expect(200, { data: [{ ipam: 'pve', type: 'pve', digest: (await api.get('ipams/php')).body.data.digest }] });

    await api.post('dns', { dns: 'pdns', type: 'powerdns', url: pdns.url, key: 'k3y', ttl: 300 }).expect(200);
    const dns = (await api.get('dns/pdns').expect(200)).body.data;
    expect(dns).toEqual({ dns: 'pdns', type: 'powerdns', url: pdns.url, ttl: 300, digest: expect.any(String) });
    // Reachability (§3.6 I3) and the zone's forward DNS zone are checked before writing.
    const before = await api.eventCount();
    expect((await api.post('dns', { dns: 'wrongkey', type: 'powerdns', url: pdns.url, key: 'nope' }).expect(400)).body.errors.url).toMatch(/401/);
    expect((await api.put('dns/pdns', { key: 'nope' }).expect(400)).body.errors.url).toMatch(/401/);
    expect((await api.post('zones', { zone: 'zdns', type: 'simple', dns: 'pdns', dnszone: 'missing.example' }).expect(400)).body.errors.dnszone).toMatch(/missing\.example/);
    expect(await api.eventCount()).toBe(before);
    await api.post('zones', { zone: 'zdns', type: 'simple', dns: 'pdns', dnszone: 'sdn.example' }).expect(200);
    await api.del('zones/zdns').expect(200);
    // The audit log masks secrets too.
    const events = (await api.get('events?limit=1000').expect(200)).body.data;
    expect(JSON.stringify(events)).not.toMatch(/s3cr3t|k3y|"other"/);
    await api.del('dns/pdns').expect(200);
    await api.del('ipams/php').expect(200);
    expect((await api.get('ipams').expect(200)).body.data.map((i: { ipam: string }) => i.ipam)).toEqual(['pve']);
  });

  it('index, health and the event log with actors', async () => {
    expect((await api.get('').expect(200)).body.data).toEqual(expect.arrayContaining([{ id: 'zones' }, { id: 'vnets' }, { id: 'controllers' }, { id: 'ipams' }, { id: 'dns' }]));
    expect((await api.get('/health').set('Authorization', '').expect(200)).body).toEqual({ status: 'ok', seq: api.state().current.seq, version: api.state().current.running?.version });
    const events = (await api.get('events?since=0&limit=3').expect(200)).body.data;
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ seq: 1, type: 'ZoneCreated', aggregateType: 'zone', aggregateId: 'zvlan', aggregateVersion: 1, actor: 'root@pam!test' });
    const later = (await api.get(`events?since=${events[2].seq}&limit=1`).expect(200)).body.data;
    expect(later[0].seq).toBe(events[2].seq + 1);
  });
});
