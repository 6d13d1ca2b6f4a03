import { FORMATS, cidrContains, parseCidr, parseIp, type FormatName } from './formats';

const CASES: Array<[FormatName, string[], string[]]> = [
  ['pve-node', ['n1', 'node-1', 'A', 'pve01'], ['-n1', 'n1-', 'n_1', 'n.1', '']],
  ['pve-node-list', ['n1,n2', 'n1; n2  n3', ''], ['n1,n_2']],
  ['ip', ['10.0.0.1', 'fd00::1', '::', '::ffff:10.0.0.1'], ['10.0.0.256', '10', '0x0a.0.0.1', '010.0.0.1', 'fe80::1%eth0', '10.0.0.1/24', '']],
  ['ipv4', ['192.168.0.1'], ['fd00::1']],
  ['ipv6', ['2001:db8::1'], ['192.168.0.1']],
  ['ip-list', ['10.0.0.1,fd00::1', '10.0.0.1 10.0.0.2;10.0.0.3'], ['10.0.0.1,nope']],
  ['CIDR', ['10.0.0.0/8', '10.0.0.5/24', '10.0.0.1/32', 'fd00::/8', 'fd00::1/128'], ['10.0.0.0/7', '10.0.0.0/33', 'fd00::/129', '10.0.0.0', '10.0.0.0/x']],
  ['mac-addr', ['BC:24:11:00:00:01', 'a2:1d:cb:1a:c0:8b', '02:00:00:00:00:00'], ['01:00:5E:00:00:01', 'BC-24-11-00-00-01', 'BC:24:11:00:00']],
  ['dns-name', ['example.com', 'a', 'x-1.y'], ['-a.com', 'a..b', 'a_b.com', 'a.']],
  ['pve-configid', ['mtu', 'vrf-vxlan', 'dhcp_range'], ['1mtu', 'a', 'a b']],
  ['pve-iface', ['eth0', 'ens19.100', 'lo', 'bond0:1'], ['e', 'eth-0', '0eth']],
  ['pve-sdn-bgp-rt', ['65000:1', '4294967295:4294967295'], ['65000', '4294967296:1', 'a:1']],
  ['pve-sdn-isis-net', ['49.0001.1921.6800.1002.00', '47.0023.0000.0000.0000.0000.0000.0000.1900.0004.00'], ['49.0001.00', '49.0001.1921.6800.1002.0', '47.0023.0000.0000.0000.0000.0000.0000.1900.0004.0000.00']],
  ['pve-sdn-subnet-id', ['z-10.0.0.0-24', '10.0.0.0/24', 'z-fd00::-64'], ['z-10.0.0.0', 'z-10.0.0.0-33', 'z-a-b-c']],
  ['pve-sdn-fabric-id', ['ab', 'fab-1', 'abcdefgh'], ['a', 'abcdefghi', '-ab', 'ab-']],
  ['fingerprint-sha256', [Array(32).fill('AB').join(':'), Array(32).fill('ab').join(':')], ['AB:CD', Array(31).fill('AB').join(':')]],
  ['http-url', ['http://host/api', 'https://h:8081/api/v1/servers/localhost'], ['ftp://h', 'http://', 'host/api', 'http://h /x']],
  ['kernel-ifname', ['vmbr0', 'br-uplink', 'abcdefghijklmno'], ['abcdefghijklmnop', 'a b', 'a/b', '', '.', '..', 'éééééééé']],
  ['zone-id', ['z1', 'MyZone', 'abcdefgh'], ['z', 'z-1', '1z', 'abcdefghi', 'z_1']],
  ['vnet-id', ['v1', 'vnet1234'], ['vnet12345', 'v']],
  ['controller-id', ['ctl', 'my_ctl-1'], ['c', 'ctl-', '_ctl']],
  ['ipam-id', ['pve', 'netbox1'], ['p', 'net-box']],
  ['dns-id', ['pdns'], ['p']],
];

describe.each(CASES)('format %s', (name, good, bad) => {
  it.each(good)('accepts %p', (v) => expect(FORMATS[name](v)).toBeUndefined());
  it.each(bad)('rejects %p', (v) => expect(FORMATS[name](v)).toEqual(expect.any(String)));
});

describe('ip helpers', () => {
  it('parses strictly', () => {
    expect(parseIp('10.0.0.1')?.kind()).toBe('ipv4');
    expect(parseIp('10.1')).toBeUndefined();
  });
  it('matches addresses against unnormalised CIDRs by family', () => {
    const c = parseCidr('10.0.0.5/24');
    expect(c && cidrContains(c, parseIp('10.0.0.200')!)).toBe(true);
    expect(c && cidrContains(c, parseIp('10.0.1.1')!)).toBe(false);
    expect(c && cidrContains(c, parseIp('::a00:1')!)).toBe(false);
  });
});
