import { renderInterfaces } from '../../ifupdown/render-interfaces';
import { defaultRoutes, stanzaOf, testConfig, testFacts } from '../../ifupdown/test-fixtures';

const render = (subnets: Parameters<typeof testConfig>[0]['subnets'], facts = testFacts(), vnet = {}, zone = {}) =>
  stanzaOf(renderInterfaces(testConfig({ zones: { z: { type: 'simple', ...zone } }, vnets: { v: { zone: 'z', ...vnet } }, subnets }), facts), 'v');

describe('simple zone (§1.4)', () => {
  it('adds each gateway once, with the mask of the first subnet using it, and host routes for IPv4 /32 subnets', () => {
    expect(
      render({
        'z-10.0.0.5-32': { vnet: 'v', gateway: '10.0.0.1' },
        'z-10.0.0.6-32': { vnet: 'v', gateway: '10.0.0.1' },
        'z-10.1.0.0-24': { vnet: 'v' },
      }),
    ).toEqual(['address 10.0.0.1/32', 'up ip route add 10.0.0.5/32 dev v', 'up ip route add 10.0.0.6/32 dev v', 'bridge_ports none', 'bridge_stp off', 'bridge_fd 0', 'ip-forward on']);
  });

  it('enables forwarding only for families that have a gateway', () => {
    expect(render({ 'z-10.1.0.0-24': { vnet: 'v' } })).toEqual(['bridge_ports none', 'bridge_stp off', 'bridge_fd 0']);
    expect(render({ 'z-fd00::-64': { vnet: 'v', gateway: 'fd00::1' } })).toEqual(['address fd00::1/64', 'bridge_ports none', 'bridge_stp off', 'bridge_fd 0', 'ip6-forward on']);
  });

  it('repeats the SNAT block per subnet, ip6tables for IPv6 gateways, nothing without a route source address', () => {
    const facts = testFacts({ routes: defaultRoutes('192.0.2.1', 'eth0') });
    const subnets = { 'z-10.0.0.0-24': { vnet: 'v', gateway: '10.0.0.1', snat: 1 }, 'z-fd00::-64': { vnet: 'v', gateway: 'fd00::1', snat: '1' } };
    const lines = render(subnets, facts)!;
    expect(lines.filter((l) => l.includes('CT --zone 1'))).toHaveLength(4);
    expect(lines).toContain("post-up ip6tables -t nat -A POSTROUTING -s 'fd00::/64' -o eth0 -j SNAT --to-source 192.0.2.1");
    expect(lines.indexOf('address fd00::1/64')).toBeGreaterThan(lines.indexOf('post-down iptables -t raw -D PREROUTING -i fwbr+ -j CT --zone 1'));
    expect(render(subnets, testFacts({ routes: defaultRoutes(null, 'eth0') }))!.some((l) => l.includes('SNAT'))).toBe(false);
  });

  it('orders mac, vlan-aware, mtu and alias as the reference does', () => {
    expect(render({}, testFacts(), { mac: 'aa:bb:cc:dd:ee:ff', vlanaware: 1, alias: 'x y' }, { mtu: 1400 })).toEqual([
      'hwaddress aa:bb:cc:dd:ee:ff',
      'bridge_ports none',
      'bridge_stp off',
      'bridge_fd 0',
      'bridge-vlan-aware yes',
      'bridge-vids 2-4094',
      'mtu 1400',
      'alias x y',
    ]);
  });
});
