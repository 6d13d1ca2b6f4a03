import { renderInterfaces } from '../../ifupdown/render-interfaces';
import { bridge, stanzaOf, testConfig, testFacts } from '../../ifupdown/test-fixtures';

describe('vlan zone (§1.5)', () => {
  it('joins a plain bridge without ports through `bridge_ports  pr_<vnet>` (two spaces)', () => {
    const text = renderInterfaces(testConfig({ zones: { z: { type: 'vlan', bridge: 'vmbr1', mtu: 1400 } }, vnets: { v: { zone: 'z', tag: 7 } } }), testFacts());
    expect(stanzaOf(text, 'vmbr1v7')).toEqual(['bridge_ports  pr_v', 'bridge_stp off', 'bridge_fd 0', 'mtu 1400']);
    expect(stanzaOf(text, 'ln_v')).toEqual(['link-type veth', 'veth-peer-name pr_v', 'mtu 1400']);
    expect(stanzaOf(text, 'pr_v')).toEqual(['link-type veth', 'veth-peer-name ln_v', 'mtu 1400']);
    expect(stanzaOf(text, 'v')).toEqual(['bridge_ports ln_v', 'bridge_stp off', 'bridge_fd 0', 'mtu 1400']);
  });

  it('tags every port of the bridge', () => {
    const text = renderInterfaces(
      testConfig({ zones: { z: { type: 'vlan', bridge: 'vmbr1' } }, vnets: { v: { zone: 'z', tag: 7 } } }),
      testFacts({ bridges: { vmbr1: bridge({ ports: ['eth0', 'eth1'] }) } }),
    );
    expect(stanzaOf(text, 'vmbr1v7')![0]).toBe('bridge_ports  eth0.7 eth1.7 pr_v');
  });

  it('uses a dot1q-tunnel OVS port for a vlan-aware vnet on OVS', () => {
    const text = renderInterfaces(
      testConfig({ zones: { z: { type: 'vlan', bridge: 'vmbr0', mtu: 9000 } }, vnets: { v: { zone: 'z', tag: 7, vlanaware: 1 } } }),
      testFacts({ bridges: { vmbr0: bridge({ ovs: true }) } }),
    );
    expect(stanzaOf(text, 'ln_v')).toEqual(['ovs_type OVSIntPort', 'ovs_bridge vmbr0', 'ovs_mtu 9000', 'ovs_options vlan_mode=dot1q-tunnel other_config:qinq-ethtype=802.1q tag=7']);
  });
});
