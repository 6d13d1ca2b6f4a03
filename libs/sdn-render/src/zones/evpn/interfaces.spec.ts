import type { Subnet, Zone } from '@sdn/model';
import { renderInterfaces, renderInterfacesWithWarnings } from '../../ifupdown/render-interfaces';
import { defaultRoutes, stanzaOf, testConfig, testFacts } from '../../ifupdown/test-fixtures';

const PEERS = '192.0.2.1,192.0.2.2';
const facts = testFacts({ addresses: { vmbr0: '192.0.2.1' }, routes: defaultRoutes('198.51.100.7', 'eth9') });

function evpn(zone: Partial<Zone>, subnets: Record<string, Subnet>, vnets: Record<string, { tag?: number }> = { v: { tag: 100 } }) {
  return testConfig({
    controllers: { ctl: { type: 'evpn', asn: 65000, peers: PEERS } },
    zones: { z: { type: 'evpn', controller: 'ctl', ...zone } },
    vnets: Object.fromEntries(Object.entries(vnets).map(([id, v]) => [id, { zone: 'z', ...v }])),
    subnets,
  });
}

describe('evpn zone (§1.8)', () => {
  it('interleaves each subnet address with its SNAT block on exit nodes', () => {
    const text = renderInterfaces(
      evpn({ exitnodes: 'n1' }, { 'z-10.0.0.0-24': { vnet: 'v', gateway: '10.0.0.1', snat: 1 }, 'z-10.0.1.0-24': { vnet: 'v', gateway: '10.0.1.1' } }),
      facts,
    );
    const lines = stanzaOf(text, 'v')!;
    expect(lines.slice(0, 6)).toEqual([
      'address 10.0.0.1/24',
      "post-up iptables -t nat -A POSTROUTING -s '10.0.0.0/24' -o eth9 -j SNAT --to-source 198.51.100.7",
      "post-down iptables -t nat -D POSTROUTING -s '10.0.0.0/24' -o eth9 -j SNAT --to-source 198.51.100.7",
      'post-up iptables -t raw -I PREROUTING -i fwbr+ -j CT --zone 1',
      'post-down iptables -t raw -D PREROUTING -i fwbr+ -j CT --zone 1',
      'address 10.0.1.1/24',
    ]);
    expect(stanzaOf(text, 'vrf_z')).toEqual(['vrf-table auto', 'post-up ip route del vrf vrf_z unreachable default metric 4278198272']);
  });

  it('has no SNAT and keeps the unreachable default on other nodes', () => {
    const text = renderInterfaces(evpn({ exitnodes: 'n2' }, { 'z-10.0.0.0-24': { vnet: 'v', gateway: '10.0.0.1', snat: 1 } }), facts);
    expect(stanzaOf(text, 'v')!.some((l) => l.includes('SNAT'))).toBe(false);
    expect(stanzaOf(text, 'vrf_z')![1]).toBe('post-up ip route add vrf vrf_z unreachable default metric 4278198272');
  });

  it('accepts ARP for a subnet without gateway but does not enable forwarding for it', () => {
    const text = renderInterfaces(evpn({}, { 'z-10.0.0.0-24': { vnet: 'v' } }), facts);
    expect(stanzaOf(text, 'v')).toEqual(['bridge_ports vxlan_v', 'bridge_stp off', 'bridge_fd 0', 'mtu 1450', 'arp-accept on', 'vrf vrf_z']);
    expect(stanzaOf(renderInterfaces(evpn({}, {}), facts), 'v')).toEqual(['bridge_ports vxlan_v', 'bridge_stp off', 'bridge_fd 0', 'mtu 1450', 'vrf vrf_z']);
  });

  it('sizes the cross-VRF veth pair at zone MTU + 50 and adds IPv6 link addresses from the first vnet only', () => {
    const config = evpn(
      { exitnodes: { n1: 1 }, 'exitnodes-local-routing': 1, mtu: '1400' },
      { 'z-fd00::-64': { vnet: 'b', gateway: 'fd00::1' } },
      { a: { tag: 1 }, b: { tag: 2 } },
    );
    const text = renderInterfaces(config, facts);
    expect(stanzaOf(text, 'xvrf_z')).toEqual(['link-type veth', 'address 10.255.255.1/30', 'veth-peer-name xvrfp_z', 'mtu 1450']);
    expect(stanzaOf(text, 'xvrfp_z')).toEqual(['link-type veth', 'address 10.255.255.2/30', 'veth-peer-name xvrf_z', 'vrf vrf_z', 'mtu 1450']);

    const v6first = renderInterfaces(evpn({ exitnodes: 'n1', 'exitnodes-local-routing': 1 }, { 'z-fd00::-64': { vnet: 'a', gateway: 'fd00::1' } }, { a: { tag: 1 } }), facts);
    expect(stanzaOf(v6first, 'xvrf_z')).toEqual(['link-type veth', 'address 10.255.255.1/30', 'address fe80::1/126', 'veth-peer-name xvrfp_z', 'mtu 1500']);
    expect(stanzaOf(v6first, 'xvrfp_z')).toEqual(['link-type veth', 'address 10.255.255.2/30', 'address fe80::2/126', 'veth-peer-name xvrf_z', 'vrf vrf_z', 'mtu 1500']);
  });

  it('never makes the vnet bridge vlan-aware and uses the zone MAC', () => {
    const config = evpn({ mac: 'BC:24:11:00:00:01' }, {}, { v: { tag: 5 } });
    config.vnets!.ids.v.vlanaware = 1;
    expect(stanzaOf(renderInterfaces(config, facts), 'v')).toEqual(['hwaddress BC:24:11:00:00:01', 'bridge_ports vxlan_v', 'bridge_stp off', 'bridge_fd 0', 'mtu 1450', 'vrf vrf_z']);
  });

  it("prefers this node's bgp controller loopback, then its isis controller loopback, for the tunnel address", () => {
    const withLoopbacks = (bgp?: string) => {
      const config = evpn({ 'vrf-vxlan': 4000 }, {});
      config.controllers!.ids['bgpn1'] = { type: 'bgp', node: 'n1', asn: 65000, peers: PEERS, ...(bgp ? { loopback: bgp } : {}) };
      config.controllers!.ids['bgpn2'] = { type: 'bgp', node: 'n2', asn: 65000, peers: PEERS, loopback: 'lo2' };
      config.controllers!.ids['isisn1'] = { type: 'isis', node: 'n1', loopback: 'dummy0' };
      return config;
    };
    const f = testFacts({ ...facts, addresses: { vmbr0: '192.0.2.1', lo1: '10.255.0.1', dummy0: '10.254.0.1', lo2: '10.255.0.2' } });
    expect(stanzaOf(renderInterfaces(withLoopbacks('lo1'), f), 'vxlan_v')![1]).toBe('vxlan-local-tunnelip 10.255.0.1');
    expect(stanzaOf(renderInterfaces(withLoopbacks(), f), 'vxlan_v')![1]).toBe('vxlan-local-tunnelip 10.254.0.1');
    expect(stanzaOf(renderInterfaces(withLoopbacks(), f), 'vrfvx_z')![1]).toBe('vxlan-local-tunnelip 10.254.0.1');
  });

  it('takes the tunnel address from the fabric of a fabric controller', () => {
    const config = testConfig({
      controllers: { ctl: { type: 'evpn', asn: 65000, fabric: 'f' } },
      zones: { z: { type: 'evpn', controller: 'ctl', 'vxlan-port': 4790, 'disable-arp-nd-suppression': 1 } },
      vnets: { v: { zone: 'z', tag: 7 } },
      fabrics: { f: { type: 'ospf_fabric' }, f_n1: { type: 'ospf_node', ip: '172.16.0.1' } },
    });
    expect(stanzaOf(renderInterfaces(config, facts), 'vxlan_v')).toEqual(['vxlan-id 7', 'vxlan-local-tunnelip 172.16.0.1', 'vxlan-port 4790', 'bridge-learning off', 'mtu 1450']);
  });

  it('skips vnets without tag, without controller, or whose controller has no underlay', () => {
    const config = evpn({}, {}, { a: {}, b: { tag: 2 } });
    config.controllers!.ids.ctl.peers = '';
    const { warnings } = renderInterfacesWithWarnings(config, facts);
    expect(warnings).toEqual(['zone z : vnet a : missing vxlan tag', 'zone z : vnet b : neither peers nor fabric configured for EVPN controller ctl']);
    config.zones!.ids.z.controller = 'other';
    expect(renderInterfacesWithWarnings(config, facts).warnings[1]).toBe('zone z : vnet b : missing controller');
  });
});
