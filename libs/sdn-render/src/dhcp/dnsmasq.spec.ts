import type { RunningConfig } from '@sdn/model';
import { dhcpZonesOfNode, renderDnsmasq, renderEthers } from './dnsmasq';

/** 00-default.conf as the reference writes it for zone `dhcpz` with MTU 1500 (Dhcp/Dnsmasq.pm before_configure). */
const REFERENCE_DEFAULT = `except-interface=lo
enable-ra
quiet-ra
bind-dynamic
no-hosts
dhcp-leasefile=/var/lib/misc/dnsmasq.dhcpz.leases
dhcp-hostsfile=/etc/dnsmasq.d/dhcpz/ethers
dhcp-ignore=tag:!known

dhcp-option=26,1500
ra-param=*,mtu:1500,0

# Send an empty WPAD option. This may be REQUIRED to get windows 7 to behave.
dhcp-option=252,"\\n"

# Send microsoft-specific option to tell windows to release the DHCP lease
# when it shuts down. Note the "i" flag, to tell dnsmasq to send the
# value as a four-byte integer - that's what microsoft wants.
dhcp-option=vendor:MSFT,2,1i

# If a DHCP client claims that its name is "wpad", ignore that.
# This fixes a security hole. see CERT Vulnerability VU#598349
dhcp-name-match=set:wpad-ignore,wpad
dhcp-ignore-names=tag:wpad-ignore
`;

function config(): RunningConfig {
  return {
    version: 1,
    zones: {
      ids: {
        dhcpz: { type: 'simple', ipam: 'pve', dhcp: 'dnsmasq' },
        plain: { type: 'simple', ipam: 'pve' },
      },
    },
    vnets: {
      ids: {
        vnet2: { type: 'vnet', zone: 'dhcpz' },
        vnet1: { type: 'vnet', zone: 'dhcpz' },
        empty: { type: 'vnet', zone: 'dhcpz' },
        other: { type: 'vnet', zone: 'plain' },
      },
    },
    subnets: {
      ids: {
        'dhcpz-10.99.0.0-24': { type: 'subnet', vnet: 'vnet1', gateway: '10.99.0.1', 'dhcp-range': ['start-address=10.99.0.100,end-address=10.99.0.200'] },
        'dhcpz-172.16.0.0-16': { type: 'subnet', vnet: 'vnet1', 'dhcp-dns-server': '172.16.0.53' },
        'dhcpz-fd00:99::-64': { type: 'subnet', vnet: 'vnet1', gateway: 'fd00:99::1', 'dhcp-dns-server': 'fd00:99::53' },
        'dhcpz-10.98.0.0-24': { type: 'subnet', vnet: 'vnet2', gateway: '10.98.0.1', 'dhcp-dns-server': '10.98.0.53' },
        'plain-10.1.0.0-24': { type: 'subnet', vnet: 'other', gateway: '10.1.0.1' },
      },
    },
  } as unknown as RunningConfig;
}

describe('dnsmasq files (§6.8 layout)', () => {
  it('writes 00-default.conf as the reference does, and one 10-<vnet>.conf per vnet with subnets', () => {
    const files = renderDnsmasq(config(), { nodename: 'n1' })!;
    expect(Object.keys(files)).toEqual(['dhcpz/00-default.conf', 'dhcpz/10-vnet1.conf', 'dhcpz/10-vnet2.conf']);
    expect(files['dhcpz/00-default.conf']).toBe(REFERENCE_DEFAULT);
    // Subnets in byte order of ID; ranges are static over the whole network (quirk 28), not the dhcp-range values.
    expect(files['dhcpz/10-vnet1.conf']).toBe(
      [
        'dhcp-range=set:dhcpz-10.99.0.0-24,10.99.0.0,static,255.255.255.0,infinite',
        'dhcp-option=tag:dhcpz-10.99.0.0-24,option:router,10.99.0.1',
        'dhcp-range=set:dhcpz-172.16.0.0-16,172.16.0.0,static,255.255.0.0,infinite',
        'dhcp-option=tag:dhcpz-172.16.0.0-16,option:dns-server,172.16.0.53',
        'dhcp-range=set:dhcpz-fd00:99::-64,fd00:99::,static,64,infinite',
        'dhcp-option=tag:dhcpz-fd00:99::-64,option6:dns-server,fd00:99::53',
        'interface=vnet1',
        '',
      ].join('\n'),
    );
    expect(files['dhcpz/10-vnet2.conf']).toBe(
      [
        'dhcp-range=set:dhcpz-10.98.0.0-24,10.98.0.0,static,255.255.255.0,infinite',
        'dhcp-option=tag:dhcpz-10.98.0.0-24,option:router,10.98.0.1',
        'dhcp-option=tag:dhcpz-10.98.0.0-24,option:dns-server,10.98.0.53',
        'interface=vnet2',
        '',
      ].join('\n'),
    );
  });

  it('announces the zone MTU, and the tunnel MTU for evpn zones', () => {
    const c = config();
    c.zones!.ids.dhcpz.mtu = 9000;
    expect(renderDnsmasq(c, { nodename: 'n1' })!['dhcpz/00-default.conf']).toContain('dhcp-option=26,9000\nra-param=*,mtu:9000,0\n');
    c.zones!.ids.dhcpz = { type: 'evpn', ipam: 'pve', dhcp: 'dnsmasq', controller: 'ctl', 'vrf-vxlan': 100 };
    expect(renderDnsmasq(c, { nodename: 'n1' })!['dhcpz/00-default.conf']).toContain('dhcp-option=26,1450\nra-param=*,mtu:1450,0\n');
  });

  it('skips an IPv6 subnet without gateway, keeps an IPv4 one', () => {
    const c = config();
    delete c.subnets!.ids['dhcpz-fd00:99::-64'].gateway;
    const vnet1 = renderDnsmasq(c, { nodename: 'n1' })!['dhcpz/10-vnet1.conf'];
    expect(vnet1).not.toContain('fd00:99::');
    expect(vnet1).toContain('dhcp-range=set:dhcpz-172.16.0.0-16,');
  });

  it('serves only zones deployed on the node, and nothing when none has dhcp', () => {
    const c = config();
    c.zones!.ids.dhcpz.nodes = { n2: 1 };
    expect(dhcpZonesOfNode(c, 'n1')).toEqual([]);
    expect(renderDnsmasq(c, { nodename: 'n1' })).toBeUndefined();
    expect(Object.keys(renderDnsmasq(c, { nodename: 'n2' })!)).toContain('dhcpz/00-default.conf');
  });

  it('a zone type without gateways on the nodes is served from DHCP ports on its dhcp-nodes only (dhcp-ports.spec.ts)', () => {
    const c = config();
    c.zones!.ids.dhcpz = { type: 'vlan', bridge: 'vmbr0', ipam: 'pve', dhcp: 'dnsmasq', 'dhcp-nodes': { n2: 1 } };
    expect(renderDnsmasq(c, { nodename: 'n1' })).toBeUndefined();
    expect(Object.keys(renderDnsmasq(c, { nodename: 'n2' })!)).toContain('dhcpz/dhcp-ports.json');
  });
});

describe('ethers reservations (§6.8 step 3)', () => {
  it('writes <mac>,<ip4>, <mac>,[<ip6>] and <mac>,<ip4>,[<ip6>], sorted by MAC', () => {
    expect(
      renderEthers([
        { mac: 'bc:24:11:00:00:03', ip4: '10.0.0.3', ip6: 'fd00::3' },
        { mac: 'bc:24:11:00:00:01', ip4: '10.0.0.1' },
        { mac: 'bc:24:11:00:00:02', ip6: 'fd00::2' },
        { mac: 'bc:24:11:00:00:04' },
      ]),
    ).toBe('bc:24:11:00:00:01,10.0.0.1\nbc:24:11:00:00:02,[fd00::2]\nbc:24:11:00:00:03,10.0.0.3,[fd00::3]\n');
    expect(renderEthers([])).toBe('');
  });
});
