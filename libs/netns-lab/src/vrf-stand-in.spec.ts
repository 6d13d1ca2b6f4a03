import { spawnSync } from 'node:child_process';
import { VRF_STAND_IN } from './lab';

/** PVE's EVPN zone layout (one L2 vnet) as the renderer writes it. */
const EVPN_FILE = `#version:3

auto evnet1
iface evnet1
\thwaddress BC:24:11:00:00:01
\tbridge_ports vxlan_evnet1
\tbridge_stp off
\tmtu 1450
\tvrf vrf_evpnzn

auto vrf_evpnzn
iface vrf_evpnzn
\tvrf-table auto
\tpost-up ip route add vrf vrf_evpnzn unreachable default metric 4278198272

auto vrfbr_evpnzn
iface vrfbr_evpnzn
\tbridge-ports vrfvx_evpnzn
\tmtu 1450
\tvrf vrf_evpnzn

auto vxlan_evnet1
iface vxlan_evnet1
\tvxlan-id 11000
\tpost-up iptables -t raw -A PREROUTING -i fwbr+ -j CT --zone 1
`;

const awk = spawnSync('awk', ['--version']).status === 0 || spawnSync('awk', ['-W', 'version']).status === 0;
(awk ? describe : describe.skip)('VRF stand-in (ifupdown2 view on kernels without VRF)', () => {
  const view = (text: string) => {
    const r = spawnSync('awk', [VRF_STAND_IN], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };

  it('turns each VRF into a plain bridge without its VRF routes and drops the enslavements; every device stays declared', () => {
    const out = view(EVPN_FILE);
    expect(out).toContain('auto vrf_evpnzn\niface vrf_evpnzn\n\tbridge-ports none\n');
    expect(out).not.toMatch(/vrf-table|route add vrf|\tvrf /);
    for (const dev of ['evnet1', 'vrf_evpnzn', 'vrfbr_evpnzn', 'vxlan_evnet1']) expect(out).toContain(`iface ${dev}\n`);
    // Everything else is left as written, post-up lines outside the VRF included.
    expect(out).toContain('\tbridge-ports vrfvx_evpnzn\n\tmtu 1450\n\n');
    expect(out).toContain('\tpost-up iptables -t raw -A PREROUTING -i fwbr+ -j CT --zone 1\n');
  });

  it('leaves a file without VRFs unchanged apart from blank lines', () => {
    const plain = 'auto vxlan_a\niface vxlan_a\n\tvxlan-id 5\n\nauto a\niface a\n\tbridge_ports vxlan_a\n';
    expect(view(plain).trim()).toBe(plain.trim());
  });
});
