import { buildFacts, type FactsInput } from './kernel-facts';

// Captured from a namespace (`ip -j -d link`, `ip -j addr`, `ip -j route`, trimmed to the fields used):
// vmbr0 with eth0 and a VM port, plus myvnet1, a bridge the SDN file created.
const captured: Omit<FactsInput, 'node' | 'interfacesText' | 'sdnDevices' | 'frrLocal'> = {
  links: [
    { ifname: 'lo', address: '00:00:00:00:00:00', link_type: 'loopback' },
    { ifname: 'vmbr0', address: '32:e1:6a:27:13:f7', link_type: 'ether', linkinfo: { info_kind: 'bridge', info_data: { vlan_filtering: 0 } } },
    { ifname: 'veth100i0', address: '32:e1:6a:27:13:f7', link_type: 'ether', master: 'vmbr0', linkinfo: { info_kind: 'veth' } },
    { ifname: 'eth0', address: 'ee:1f:ad:49:3b:49', link_type: 'ether', master: 'vmbr0', linkinfo: { info_kind: 'veth' } },
    { ifname: 'myvnet1', address: 'de:06:89:12:d8:9b', link_type: 'ether', linkinfo: { info_kind: 'bridge', info_data: { vlan_filtering: 0 } } },
    { ifname: 'vmbr9', address: '02:00:00:00:00:09', link_type: 'ether', linkinfo: { info_kind: 'bridge', info_data: { vlan_filtering: 1 } } },
  ],
  addrs: [
    { ifname: 'vmbr0', addr_info: [{ family: 'inet', local: '192.168.0.1', prefixlen: 24, scope: 'global' }] },
    { ifname: 'myvnet1', addr_info: [{ family: 'inet', local: '10.0.1.1', prefixlen: 24, scope: 'global' }] },
  ],
  routes4: [
    { dst: 'default', gateway: '192.168.0.254', dev: 'vmbr0' },
    { dst: '10.0.1.0/24', dev: 'myvnet1', prefsrc: '10.0.1.1' },
    { dst: '192.168.0.0/24', dev: 'vmbr0', prefsrc: '192.168.0.1' },
    { dst: '203.0.113.7', dev: 'vmbr0', type: 'unicast', prefsrc: '192.168.0.1' },
    { dst: '198.51.100.0/24', type: 'blackhole' },
  ],
  routes6: [{ dst: 'fe80::/64', dev: 'myvnet1' }],
};

const INTERFACES = `auto lo
iface lo inet loopback

iface eth0 inet manual

auto vmbr0
iface vmbr0 inet static
\taddress 192.168.0.1/24
\tgateway 192.168.0.254
\tbridge-ports eth0
\tbridge-stp off

source /etc/network/interfaces.d/*
`;

describe('buildFacts', () => {
  const facts = buildFacts({ node: 'node1', interfacesText: INTERFACES, sdnDevices: new Set(['myvnet1', 'vxlan_myvnet1']), frrLocal: null, ...captured });

  it('takes addresses and declared bridges from /etc/network/interfaces', () => {
    expect(facts.nodename).toBe('node1');
    expect(facts.addresses).toEqual({ vmbr0: '192.168.0.1' });
    expect(facts.interfaces?.sources).toEqual(['/etc/network/interfaces.d/*']);
    expect(facts.bridges.vmbr0).toEqual({ ovs: false, vlanAware: false, ports: ['eth0'] });
  });

  it('adds kernel-only bridges with their physical ports and vlan filtering', () => {
    expect(facts.bridges.vmbr9).toEqual({ ovs: false, vlanAware: true, ports: [] });
  });

  it('leaves out what SDN created and guest ports, so applying does not change the facts', () => {
    expect(facts.bridges.myvnet1).toBeUndefined();
    expect(Object.keys(facts.macs).sort()).toEqual(['eth0', 'vmbr0', 'vmbr9']);
    expect(facts.routes.some((r) => r.dev === 'myvnet1')).toBe(false);
  });

  it('normalises routes; a gateway route gets the source the kernel would pick', () => {
    expect(facts.routes).toEqual([
      { dst: '0.0.0.0/0', dev: 'vmbr0', src: '192.168.0.1' },
      { dst: '192.168.0.0/24', dev: 'vmbr0', src: '192.168.0.1' },
      { dst: '203.0.113.7/32', dev: 'vmbr0', src: '192.168.0.1' },
    ]);
  });
});
