import proxmoxApi from 'proxmox-api';
import { createPrincipal } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * A new user's view: an off-the-shelf Proxmox client (npm `proxmox-api`,
 * token auth, plain HTTP via its `schema: 'http'` option) against a
 * listening API. The client sends form-encoded bodies with booleans as 0/1
 * and only accepts HTTP 200 with `application/json;charset=UTF-8`, so this
 * also pins those compatibility details.
 */
describe('proxmox-api npm client against a running API', () => {
  let api: TestApi;
  let px: ReturnType<typeof proxmoxApi>;
  const tokenID = 'alice@pve!sdn';

  beforeAll(async () => {
    api = await startTestApi({}, { listen: true });
    // A user with SDN administration on /sdn, its token created through /access like a real one.
    const auth = await createPrincipal(api, 'alice@pve', 'sdn', { userGrants: [{ path: '/sdn', role: 'PVESDNAdmin' }] });
    const tokenSecret = auth.slice(auth.lastIndexOf('=') + 1);
    const port = Number(new URL(api.url).port);
    px = proxmoxApi({ host: '127.0.0.1', port, schema: 'http', tokenID, tokenSecret });
  });
  afterAll(() => api.close());

  it('creates a zone, a vnet and a subnet, applies, and reads them back as running', async () => {
    const sdn = px.cluster.sdn;
    await sdn.zones.$post({ zone: 'pxzone', type: 'simple', ipam: 'pve' });
    await sdn.vnets.$post({ vnet: 'pxvnet', zone: 'pxzone' });
    // The generated client types the subnet endpoint; `snat: true` travels as `snat=1`.
    await sdn.vnets.$('pxvnet').subnets.$post({ subnet: '10.42.0.0/24', type: 'subnet', gateway: '10.42.0.1', snat: true });

    const pending = await sdn.zones.$get({ pending: true });
    expect(pending).toEqual([expect.objectContaining({ zone: 'pxzone', state: 'new' })]);

    const upid = await sdn.$put();
    expect(upid).toMatch(/^UPID:testnode:.*:reloadnetworkall::alice@pve!sdn:$/);

    const zones = await sdn.zones.$get({ running: true });
    expect(zones).toEqual([expect.objectContaining({ zone: 'pxzone', type: 'simple', ipam: 'pve' })]);
    const subnets = await sdn.vnets.$('pxvnet').subnets.$get({ running: true });
    expect(subnets).toEqual([expect.objectContaining({ subnet: 'pxzone-10.42.0.0-24', gateway: '10.42.0.1', snat: 1, vnet: 'pxvnet' })]);

    // The event log records the client's token as the actor.
    const events = (await api.get('events?limit=100')).body.data as { actor: string; type: string; aggregateType: string }[];
    const sdnEvents = events.filter((e) => !['user', 'token', 'acl', 'audit'].includes(e.aggregateType));
    expect(sdnEvents.map((e) => [e.type, e.actor])).toEqual([
      ['ZoneCreated', tokenID],
      ['VnetCreated', tokenID],
      ['SubnetCreated', tokenID],
      ['ConfigApplied', tokenID],
    ]);
  });

  it('surfaces validation errors to the client as a rejected promise with the field message', async () => {
    await expect(px.cluster.sdn.vnets.$post({ vnet: 'bad', zone: 'pxzone', tag: 5 })).rejects.toThrow(/400.*vlan tag is not allowed on simple zone/);
  });
});
