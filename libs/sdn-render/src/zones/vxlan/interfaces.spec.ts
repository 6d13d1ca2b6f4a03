import { renderInterfacesWithWarnings } from '../../ifupdown/render-interfaces';
import { defaultRoutes, stanzaOf, testConfig, testFacts } from '../../ifupdown/test-fixtures';

describe('vxlan zone (§1.7)', () => {
  it('lists every peer but the own address, keeps 1450 whatever the uplink MTU, and no addresses', () => {
    const facts = testFacts({
      addresses: { eth1: '10.1.1.2' },
      interfaces: { auto: [], sources: [], stanzas: [{ name: 'eth1', family: 'inet', method: 'static', options: [{ key: 'mtu', value: '9000' }] }] },
    });
    const config = testConfig({
      zones: { z: { type: 'vxlan', peers: ' 10.1.1.1, 10.1.1.2;10.1.1.3  10.1.1.4' } },
      vnets: { v: { zone: 'z', tag: 100, vlanaware: 1 } },
      subnets: { 'z-10.0.0.0-24': { vnet: 'v', gateway: '10.0.0.1' } },
    });
    const { text } = renderInterfacesWithWarnings(config, facts);
    expect(stanzaOf(text, 'vxlan_v')).toEqual(['vxlan-id 100', 'vxlan_remoteip 10.1.1.1', 'vxlan_remoteip 10.1.1.3', 'vxlan_remoteip 10.1.1.4', 'mtu 1450']);
    expect(stanzaOf(text, 'v')).toEqual(['bridge_ports vxlan_v', 'bridge_stp off', 'bridge_fd 0', 'bridge-vlan-aware yes', 'bridge-vids 2-4094', 'mtu 1450']);
  });

  it('falls back to the route source address to drop the own address from the peers', () => {
    const config = testConfig({ zones: { z: { type: 'vxlan', peers: '10.9.9.9,192.0.2.1', 'vxlan-port': 4790, mtu: 1400 } }, vnets: { v: { zone: 'z', tag: 1 } } });
    const { text } = renderInterfacesWithWarnings(config, testFacts({ routes: defaultRoutes('192.0.2.1', 'vmbr0') }));
    expect(stanzaOf(text, 'vxlan_v')).toEqual(['vxlan-id 1', 'vxlan_remoteip 10.9.9.9', 'vxlan-port 4790', 'mtu 1400']);
  });

  it('takes peers from the fabric when the zone has no peers', () => {
    const config = testConfig({
      zones: { z: { type: 'vxlan', fabric: 'f' } },
      vnets: { v: { zone: 'z', tag: 1 } },
      fabrics: {
        f: { type: 'openfabric_fabric' },
        f_n2: { type: 'openfabric_node', ip: '172.20.0.2' },
        f_n1: { type: 'openfabric_node', ip: '172.20.0.1' },
        f_n3: { type: 'openfabric_node' },
      },
    });
    const { text } = renderInterfacesWithWarnings(config, testFacts());
    expect(stanzaOf(text, 'vxlan_v')).toEqual(['vxlan-id 1', 'vxlan_remoteip 172.20.0.2', 'mtu 1450']);
  });

  it('skips vnets without tag or without underlay', () => {
    const config = testConfig({ zones: { a: { type: 'vxlan', peers: '10.0.0.1' }, b: { type: 'vxlan' } }, vnets: { x: { zone: 'a' }, y: { zone: 'b', tag: 2 } } });
    const { text, warnings } = renderInterfacesWithWarnings(config, testFacts());
    expect(warnings).toEqual(['zone a : vnet x : missing vxlan tag', 'zone b : vnet y : neither peers nor fabric configured for VXLAN zone b']);
    expect(text).toBe('#version:1\n');
  });
});
