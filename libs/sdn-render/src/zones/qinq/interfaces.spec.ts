import { renderInterfaces } from '../../ifupdown/render-interfaces';
import { stanzaOf, testConfig, testFacts } from '../../ifupdown/test-fixtures';

describe('qinq zone (§1.6)', () => {
  it('has no service-VLAN device on a plain bridge without ports, leaving two spaces in bridge-ports', () => {
    const text = renderInterfaces(testConfig({ zones: { z: { type: 'qinq', bridge: 'vmbr1', tag: 20, mtu: 1496 } }, vnets: { v: { zone: 'z', tag: 5 } } }), testFacts());
    expect(stanzaOf(text, 'sv_z')).toBeUndefined();
    expect(stanzaOf(text, 'z_z')).toEqual(['mtu 1496', 'bridge-stp off', 'bridge-ports  ln_z', 'bridge-fd 0', 'bridge-vlan-aware yes', 'bridge-vids 2-4094']);
    expect(stanzaOf(text, 'v')).toEqual(['bridge_ports z_z.5', 'bridge_stp off', 'bridge_fd 0', 'mtu 1496']);
  });
});
