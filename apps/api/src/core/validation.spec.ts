import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * Every refused write is HTTP 400 with `{data: null, errors: {param: msg}}`
 * and appends nothing: the event count is compared around each request.
 */
describe('validation errors: 400, field messages, nothing changed', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('zones', { zone: 'zv', type: 'vlan', bridge: 'vmbr0' }).expect(200);
    await api.post('zones', { zone: 'zx', type: 'vxlan', peers: '192.0.2.1' }).expect(200);
    await api.post('vnets', { vnet: 'vs', zone: 'zs' }).expect(200);
    await api.post('vnets', { vnet: 'vv', zone: 'zv', tag: 10 }).expect(200);
    await api.post('vnets', { vnet: 'vx', zone: 'zx', tag: 5000 }).expect(200);
    await api.post('vnets/vs/subnets', { subnet: '10.0.0.0/24', type: 'subnet', gateway: '10.0.0.1' }).expect(200);
  });
  afterAll(() => api.close());

  type Case = [name: string, method: 'post' | 'put' | 'del', path: string, body: object, param: string, message: RegExp];
  const cases: Case[] = [
    ['zone id format', 'post', 'zones', { zone: 'bad-id', type: 'simple' }, 'zone', /./],
    ['zone type enum', 'post', 'zones', { zone: 'z9', type: 'bogus' }, 'type', /enumeration/],
    ['unexpected property for the type', 'post', 'zones', { zone: 'z9', type: 'simple', bridge: 'vmbr0' }, 'bridge', /unexpected property/],
    ['missing required option', 'post', 'zones', { zone: 'z9', type: 'vlan' }, 'bridge', /missing value for required option/],
    ['duplicate zone', 'post', 'zones', { zone: 'zs', type: 'simple' }, 'zone', /already defined/],
    ['unknown ipam', 'post', 'zones', { zone: 'z9', type: 'simple', ipam: 'nope' }, 'ipam', /nope/],
    ['integer type check', 'post', 'zones', { zone: 'z9', type: 'simple', mtu: 'big' }, 'mtu', /integer/],
    ['tag on a simple zone', 'post', 'vnets', { vnet: 'v9', zone: 'zs', tag: 3 }, 'tag', /not allowed on simple zone/],
    ['vlan tag missing', 'post', 'vnets', { vnet: 'v9', zone: 'zv' }, 'tag', /missing vlan tag/],
    ['vlan tag too large', 'post', 'vnets', { vnet: 'v9', zone: 'zv', tag: 4095 }, 'tag', /./],
    ['duplicate vxlan tag', 'post', 'vnets', { vnet: 'v9', zone: 'zx', tag: 5000 }, 'tag', /5000/],
    ['vnet in unknown zone', 'post', 'vnets', { vnet: 'v9', zone: 'nozone' }, 'zone', /nozone/],
    ['subnet CIDR', 'post', 'vnets/vs/subnets', { subnet: '10.0.0.0/99', type: 'subnet' }, 'subnet', /CIDR/],
    ['gateway outside subnet', 'post', 'vnets/vs/subnets', { subnet: '10.9.0.0/24', type: 'subnet', gateway: '10.8.0.1' }, 'gateway', /not in subnet/],
    ['cannot delete zone of a vnet', 'put', 'vnets/vs', { delete: 'zone' }, 'zone', /cannot delete zone/],
    ['set and delete at once', 'put', 'zones/zv', { bridge: 'vmbr1', delete: 'bridge' }, 'delete', /./],
    ['delete unknown option', 'put', 'zones/zs', { delete: 'nosuch' }, 'delete', /no such option/],
    ['subnet through the wrong vnet', 'put', 'vnets/vv/subnets/zs-10.0.0.0-24', { gateway: '10.0.0.2' }, 'vnet', /wrong vnet/],
    ['zone used by a vnet', 'del', 'zones/zs', {}, 'zone', /used by vnet vs/],
    ['vnet with subnets', 'del', 'vnets/vs', {}, 'vnet', /subnets/],
    ['boolean control parameter', 'put', '', { 'release-lock': 'maybe' }, 'release-lock', /boolean/],
    ['controller asn range', 'post', 'controllers', { controller: 'c1', type: 'evpn', asn: -1, peers: '192.0.2.1' }, 'asn', /./],
    ['dns url required', 'post', 'dns', { dns: 'd1', type: 'powerdns', key: 'k' }, 'url', /missing value/],
  ];

  it.each(cases)('%s', async (_name, method, path, body, param, message) => {
    const before = await api.eventCount();
    const digest = (await api.get('zones')).body.data[0]?.digest;
    const res = await api[method](path, body).expect(400);
    expect(res.body.data).toBeNull();
    expect(Object.keys(res.body.errors)).toContain(param);
    expect(res.body.errors[param]).toMatch(message);
    expect(await api.eventCount()).toBe(before);
    expect((await api.get('zones')).body.data[0]?.digest).toBe(digest);
  });

  it('unknown objects are 404 and change nothing', async () => {
    const before = await api.eventCount();
    expect((await api.put('zones/nope', { mtu: 1400 }).expect(404)).body).toMatchObject({ data: null, message: "sdn 'nope' does not exist" });
    await api.del('vnets/nope').expect(404);
    await api.get('vnets/nope/subnets').expect(404);
    expect(await api.eventCount()).toBe(before);
  });

  it('a stale digest is refused; the current one is accepted', async () => {
    const digest = (await api.get('zones/zv').expect(200)).body.data.digest;
    await api.put('zones/zs', { mtu: 1400 }).expect(200); // another writer changes zones
    const before = await api.eventCount();
    const res = await api.put('zones/zv', { mtu: 1500, digest }).expect(400);
    expect(res.body.errors.digest).toMatch(/detected modified configuration/);
    expect(await api.eventCount()).toBe(before);
    const fresh = (await api.get('zones/zv').expect(200)).body.data.digest;
    expect(fresh).not.toBe(digest);
    await api.put('zones/zv', { mtu: 1500, digest: fresh }).expect(200);
    expect((await api.get('zones/zv')).body.data.mtu).toBe(1500);
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await api.post('zones').set('Content-Type', 'application/json').send('{"zone":').expect(400);
    expect(res.body.data).toBeNull();
  });
});

describe('form-encoded bodies, as Proxmox clients send them', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('accepts 0/1 booleans, repeated and comma-separated lists', async () => {
    await api.post('zones').type('form').send('zone=zf&type=simple&nodes=n2,n1&mtu=1400').expect(200);
    await api.post('vnets').type('form').send('vnet=vf&zone=zf&isolate-ports=1').expect(200);
    await api
      .post('vnets/vf/subnets')
      .type('form')
      .send('subnet=10.2.0.0%2F24&type=subnet&gateway=10.2.0.1&snat=1&dhcp-range=start-address%3D10.2.0.10%2Cend-address%3D10.2.0.19&dhcp-range=start-address%3D10.2.0.30%2Cend-address%3D10.2.0.39')
      .expect(200);
    expect((await api.get('zones/zf')).body.data).toMatchObject({ nodes: 'n1,n2', mtu: 1400 });
    expect((await api.get('vnets/vf')).body.data['isolate-ports']).toBe(1);
    const subnet = (await api.get('vnets/vf/subnets/zf-10.2.0.0-24')).body.data;
    expect(subnet.snat).toBe(1);
    expect(subnet['dhcp-range']).toEqual([
      { 'start-address': '10.2.0.10', 'end-address': '10.2.0.19' },
      { 'start-address': '10.2.0.30', 'end-address': '10.2.0.39' },
    ]);
    // `delete` repeated, and a boolean set to 0 (stored as absent).
    await api.put('zones/zf').type('form').send('delete=mtu&delete=nodes').expect(200);
    expect((await api.get('zones/zf')).body.data).toEqual({ zone: 'zf', type: 'simple', digest: expect.any(String) });
    await api.put('vnets/vf').type('form').send('isolate-ports=0').expect(200);
    expect((await api.get('vnets/vf')).body.data['isolate-ports']).toBeUndefined();
    // Query-string booleans for reads, apply with form release-lock=0.
    await api.put('').type('form').send('release-lock=0').expect(200);
    expect((await api.get('zones?running=1')).body.data).toHaveLength(1);
  });

  it('repeated keys for list properties (nodes, peers) are joined into the list', async () => {
    await api.post('zones').type('form').send('zone=zl&type=vxlan&peers=192.0.2.1&peers=192.0.2.2&nodes=n1&nodes=n3').expect(200);
    expect((await api.get('zones/zl')).body.data).toMatchObject({ peers: '192.0.2.1,192.0.2.2', nodes: 'n1,n3' });
    await api.post('zones', { zone: 'zj', type: 'vxlan', peers: ['192.0.2.5', '192.0.2.6'], nodes: ['b', 'a'] }).expect(200);
    expect((await api.get('zones/zj')).body.data).toMatchObject({ peers: '192.0.2.5,192.0.2.6', nodes: 'a,b' });
  });

  it('form errors are 400 with field messages', async () => {
    const before = await api.eventCount();
    const res = await api.post('zones').type('form').send('zone=zq&type=simple&mtu=abc').expect(400);
    expect(res.body.errors.mtu).toBeDefined();
    expect(await api.eventCount()).toBe(before);
  });
});

describe('digest under concurrency', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.post('zones', { zone: 'zc', type: 'simple' }).expect(200);
  });
  afterAll(() => api.close());

  it('two simultaneous updates with the same digest (one write batch): exactly one wins', async () => {
    const digest = (await api.get('zones/zc')).body.data.digest;
    const results = await Promise.all([1400, 1450, 1500, 1550].map((mtu) => api.put('zones/zc', { mtu, digest })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.data).toBeNull();
    expect((await api.get('zones/zc')).body.data.digest).not.toBe(digest);
  });
});

describe('apply refuses an invalid pending config', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
  });
  afterAll(() => api.close());

  it('an event written under older rules that now breaks validation blocks apply with the problem paths', async () => {
    // Simulates a vnet accepted by an older rule set: appended straight to the log.
    await api.state().store.write((tx) =>
      tx.append([
        { type: 'VnetCreated', typeVersion: 1, aggregateType: 'vnet', aggregateId: 'legacy', aggregateVersion: 1, payload: { id: 'legacy', object: { type: 'vnet', zone: 'zs', tag: 7 } }, actor: 'migration', correlationId: 'm' },
      ]),
    );
    await api.state().catchUp();
    const before = await api.eventCount();
    const res = await api.put('').expect(400);
    expect(res.body.errors['vnets.legacy.tag']).toMatch(/not allowed on simple zone/);
    expect(await api.eventCount()).toBe(before);
    expect(api.state().current.running).toBeNull();
  });
});

/**
 * `gateway-outside-subnet=1` (our extension): a subnet whose gateway lies
 * outside it is refused like any invalid request (S4, as the reference's API
 * does), unless the request says so; Proxmox's nodes render such a subnet
 * when it is on disk, and an import of such a cluster needs to hold it.
 */
describe('gateway-outside-subnet: S4 lifted only on request', () => {
  let api: TestApi;
  const SUBNET = 'vnets/vo/subnets/zo-172.16.1.0-24';
  const lastEvent = async () => ((await api.get('events?limit=1000').expect(200)).body.data as { type: string; payload: Record<string, unknown> }[]).at(-1)!;
  beforeAll(async () => {
    api = await startTestApi();
    await api.post('zones', { zone: 'zo', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vo', zone: 'zo' }).expect(200);
  });
  afterAll(() => api.close());

  it('without it: 400 naming the gateway, nothing written', async () => {
    const before = await api.eventCount();
    for (const flag of [{}, { 'gateway-outside-subnet': 0 }]) {
      const res = await api.post('vnets/vo/subnets', { subnet: '172.16.1.0/24', type: 'subnet', gateway: '172.16.0.1', ...flag }).expect(400);
      expect(res.body).toMatchObject({ data: null, errors: { gateway: '172.16.0.1 is not in subnet 172.16.1.0/24' } });
      expect(Object.keys(res.body.errors)).toEqual(['gateway']);
    }
    expect(await api.eventCount()).toBe(before);
  });

  it('a malformed flag, or the flag on another kind, is a 400 of its own', async () => {
    const before = await api.eventCount();
    const bad = await api.post('vnets/vo/subnets', { subnet: '172.16.1.0/24', type: 'subnet', gateway: '172.16.0.1', 'gateway-outside-subnet': 'maybe' }).expect(400);
    expect(bad.body.errors).toEqual({ 'gateway-outside-subnet': expect.stringMatching(/boolean/) });
    expect((await api.post('vnets', { vnet: 'vq', zone: 'zo', 'gateway-outside-subnet': 1 }).expect(400)).body.errors['gateway-outside-subnet']).toBeDefined();
    expect(await api.eventCount()).toBe(before);
  });

  it('with it: 200, stored with its gateway and without the flag; the event records it; later edits and apply keep working', async () => {
    await api.post('vnets/vo/subnets', { subnet: '172.16.1.0/24', type: 'subnet', gateway: '172.16.0.1', 'gateway-outside-subnet': 1 }).expect(200);
    const stored = (await api.get(SUBNET).expect(200)).body.data;
    expect(stored).toMatchObject({ id: 'zo-172.16.1.0-24', vnet: 'vo', gateway: '172.16.0.1' });
    expect(stored).not.toHaveProperty('gateway-outside-subnet');
    expect(await lastEvent()).toMatchObject({ type: 'SubnetCreated', payload: { id: 'zo-172.16.1.0-24', object: { type: 'subnet', vnet: 'vo', gateway: '172.16.0.1' }, gatewayOutsideSubnet: true } });
    expect((await lastEvent()).payload.object).not.toHaveProperty('gateway-outside-subnet');

    // Edits that leave the gateway as it is need no flag, on the subnet itself or on anything else.
    await api.put(SUBNET, { snat: 1 }).expect(200);
    expect((await lastEvent()).payload).not.toHaveProperty('gatewayOutsideSubnet');
    await api.put(SUBNET, { gateway: '172.16.0.1', delete: 'snat' }).expect(200);
    await api.post('vnets/vo/subnets', { subnet: '172.16.2.0/24', type: 'subnet', gateway: '172.16.2.1' }).expect(200);
    await api.put('vnets/vo', { alias: 'imported' }).expect(200);
    await api.put('zones/zo', { mtu: 1450 }).expect(200);
    await api.post('vnets', { vnet: 'vo2', zone: 'zo' }).expect(200);
    // Another gateway outside is a new decision: refused without the flag.
    const moved = await api.put(SUBNET, { gateway: '172.16.0.2' }).expect(400);
    expect(moved.body.errors).toEqual({ gateway: '172.16.0.2 is not in subnet 172.16.1.0/24' });

    await api.put('').expect(200);
    const running = (await api.get('vnets/vo/subnets?running=1').expect(200)).body.data as { id: string; gateway?: string }[];
    expect(running.find((s) => s.id === 'zo-172.16.1.0-24')).toMatchObject({ gateway: '172.16.0.1' });
    expect(JSON.stringify(running)).not.toMatch(/gateway-outside-subnet/);
  });
});
