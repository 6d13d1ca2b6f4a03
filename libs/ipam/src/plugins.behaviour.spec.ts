import { NetboxPlugin } from './netbox/netbox.plugin';
import { PhpIpamPlugin } from './phpipam/phpipam.plugin';
import { registerSubnet, updateSubnet } from './lifecycle/subnet-lifecycle';
import { startFakeServer } from './testing/fake-http';
import { FakeNetbox } from './testing/fake-netbox';
import { FakePhpIpam } from './testing/fake-phpipam';

/** Multi-call behaviour against stateful fakes: follow-up lookups, exhaustion, auth, rollback. */
describe('phpipam plugin against a fake phpIPAM', () => {
  let fake: FakePhpIpam;
  let srv: Awaited<ReturnType<typeof startFakeServer>>;
  beforeEach(async () => {
    fake = new FakePhpIpam('tok');
    srv = await startFakeServer((...a) => fake.handler(...a));
  });
  afterEach(() => srv.close());
  const plugin = (token = 'tok') => new PhpIpamPlugin({ url: `${srv.url}/api/apiadmin`, token, section: 1 });
  const sn = { id: 'z-10.0.0.0-30', zone: 'z', cidr: '10.0.0.0/30', gateway: '10.0.0.1' };

  it('registers subnet + gateway, then hands out the rest until first_free runs out', async () => {
    await registerSubnet(plugin(), sn, 'v');
    expect(fake.subnets).toHaveLength(1);
    expect(fake.addresses.map((a) => [a.ip, a.hostname, a.is_gateway])).toEqual([['10.0.0.1', 'v-gw', 1]]);
    expect(await plugin().addNextFreeIp(sn, { hostname: 'vm', vmid: '100' })).toBe('10.0.0.2');
    await expect(plugin().addNextFreeIp(sn, {})).rejects.toThrow("can't find free ip in subnet 10.0.0.0/30: Invalid response from server: 404 Not Found (No free addresses found)");
  });

  it('re-adding an existing gateway is tolerated, a duplicate guest IP is refused in words', async () => {
    await registerSubnet(plugin(), sn, 'v');
    await plugin().addIp(sn, '10.0.0.1', { isGateway: true, hostname: 'v-gw' });
    await expect(plugin().addIp(sn, '10.0.0.1', { hostname: 'x' })).rejects.toThrow(/ip 10\.0\.0\.1 already exist: .*IP address already exists/);
  });

  it('update and delete resolve the address id first; deleting an unknown ip is a no-op', async () => {
    await registerSubnet(plugin(), sn, 'v');
    await plugin().addIp(sn, '10.0.0.2', { hostname: 'a', mac: 'aa:bb:cc:dd:ee:ff' });
    await plugin().updateIp(sn, '10.0.0.2', { hostname: 'b', vmid: '7' });
    expect(fake.addresses.find((a) => a.ip === '10.0.0.2')).toMatchObject({ hostname: 'b', description: '7' });
    expect(await plugin().getIpsFromMac('z', 'aa:bb:cc:dd:ee:ff')).toEqual({ ip4: '10.0.0.2' });
    await plugin().delIp(sn, '10.0.0.2');
    await plugin().delIp(sn, '10.0.0.2');
    expect(fake.addresses.map((a) => a.ip)).toEqual(['10.0.0.1']);
    await expect(plugin().updateIp(sn, '10.0.0.2', {})).rejects.toThrow("can't find ip address in ipam");
  });

  it('a bad token surfaces the server status and message', async () => {
    await expect(plugin('wrong').addSubnet(sn)).rejects.toThrow('error add subnet to ipam: Invalid response from server: 401 Unauthorized (Invalid token)');
    expect(fake.subnets).toHaveLength(0);
  });

  it('a gateway outside its subnet (accepted on request, as Proxmox nodes render it) reserves nothing; moved inside it is reserved, moved out again released', async () => {
    const outside = { ...sn, gateway: '10.9.0.1' };
    await registerSubnet(plugin(), outside, 'v');
    expect(fake.subnets).toHaveLength(1);
    expect(fake.addresses).toEqual([]);
    await updateSubnet(plugin(), sn, outside, 'v');
    expect(fake.addresses.map((a) => [a.ip, a.is_gateway])).toEqual([['10.0.0.1', 1]]);
    await updateSubnet(plugin(), outside, sn, 'v');
    expect(fake.addresses).toEqual([]);
  });

  it('gateway registration failure removes the prefix again (no half-written subnet)', async () => {
    fake.failAddAddress = 500;
    await expect(registerSubnet(plugin(), sn, 'v')).rejects.toThrow(/ip 10\.0\.0\.1 already exist: .*Backend refused.*was not registered/);
    expect(fake.subnets).toHaveLength(0);
  });
});

describe('netbox plugin against a fake NetBox', () => {
  let fake: FakeNetbox;
  let srv: Awaited<ReturnType<typeof startFakeServer>>;
  beforeEach(async () => {
    fake = new FakeNetbox('tok');
    srv = await startFakeServer((...a) => fake.handler(...a));
  });
  afterEach(() => srv.close());
  const plugin = (token = 'tok') => new NetboxPlugin({ url: `${srv.url}/api`, token });
  const sn = { id: 'z-10.0.0.0-29', zone: 'z', cidr: '10.0.0.0/29', gateway: '10.0.0.1', dhcpRanges: [{ start: '10.0.0.5', end: '10.0.0.6' }] };

  it('creates prefix, range and gateway; range allocation runs out to null', async () => {
    await registerSubnet(plugin(), sn, 'v');
    expect(fake.prefixes.map((p) => p.prefix)).toEqual(['10.0.0.0/29']);
    expect(fake.ranges).toHaveLength(1);
    expect(fake.addresses.map((a) => [a.address, a.description, a.dns_name])).toEqual([['10.0.0.1/29', 'gateway', 'v-gw']]);
    const p = plugin();
    expect(await p.addRangeNextFreeIp(sn, sn.dhcpRanges[0], { mac: 'aa:aa:aa:aa:aa:aa' })).toBe('10.0.0.5');
    expect(await p.addRangeNextFreeIp(sn, sn.dhcpRanges[0], {})).toBe('10.0.0.6');
    expect(await p.addRangeNextFreeIp(sn, sn.dhcpRanges[0], {})).toBeNull();
    expect(await p.getIpsFromMac('z', 'aa:aa:aa:aa:aa:aa')).toEqual({ ip4: '10.0.0.5' });
    expect(await p.addNextFreeIp(sn, {})).toBe('10.0.0.2');
  });

  it('exact prefix lookup: an existing /16 does not hide the new /24 (B.10)', async () => {
    fake.seedPrefix('10.0.0.0/16');
    await plugin().addSubnet({ id: 'z-10.0.0.0-24', zone: 'z', cidr: '10.0.0.0/24' });
    expect(fake.prefixes.map((p) => p.prefix)).toEqual(['10.0.0.0/16', '10.0.0.0/24']);
    await expect(plugin().addSubnet({ id: 'z-10.0.0.0-24', zone: 'z', cidr: '10.0.0.0/24' })).rejects.toThrow('prefix 10.0.0.0/24 already exists in netbox');
  });

  it('a failing range creation rolls back the prefix', async () => {
    fake.failRangeCreate = true;
    await expect(registerSubnet(plugin(), sn, 'v')).rejects.toThrow('could not create ip range 10.0.0.5:10.0.0.6: Invalid response from server: 400 Bad Request (Defined addresses overlap with range)');
    expect(fake.prefixes).toHaveLength(0);
  });

  it('delete subnet removes gateway, ranges and prefix, and refuses while guests remain', async () => {
    await registerSubnet(plugin(), sn, 'v');
    await plugin().addIp(sn, '10.0.0.3', { hostname: 'vm' });
    await expect(plugin().delSubnet(sn)).rejects.toThrow('not deleting prefix 10.0.0.0/29 because it still contains entries');
    await plugin().delIp(sn, '10.0.0.3');
    await plugin().delSubnet(sn);
    expect([fake.prefixes.length, fake.ranges.length, fake.addresses.length]).toEqual([0, 0, 0]);
  });

  it('bad token -> 403 in words', async () => {
    await expect(plugin('bad').addNextFreeIp(sn, {})).rejects.toThrow('Invalid response from server: 403 Forbidden (Invalid token)');
  });
});
