import { renderFrr } from '../../frr/render-frr';
import { block, EVPN_CTL, evpnConfig, frrFacts } from '../../frr/test-fixtures';

const BGP = { type: 'bgp', asn: '65000', node: 'localhost', peers: '192.168.0.252,192.168.0.253' };

function mainRouter(controllers: Record<string, typeof EVPN_CTL>, asn = '65000'): string[] {
  return block(renderFrr(evpnConfig({ controllers }), frrFacts())!, `router bgp ${asn}`)!;
}

describe('EVPN controller FRR (rendering.md §2.3.1)', () => {
  // Confirmed with the oracle: controller id order decides who creates the default router.
  it('an evpn id sorting before the bgp id keeps both "no" lines and puts VTEP before BGP', () => {
    const lines = mainRouter({ aevpn: EVPN_CTL, zbgp: BGP });
    expect(lines).toContain(' no bgp hard-administrative-reset');
    expect(lines).toContain(' no bgp graceful-restart notification');
    expect(lines.indexOf(' neighbor VTEP peer-group')).toBeLessThan(lines.indexOf(' neighbor BGP peer-group'));
  });

  it('a bgp id sorting before the evpn id drops the "no" lines and puts BGP before VTEP', () => {
    const lines = mainRouter({ abgp: BGP, zevpn: EVPN_CTL });
    expect(lines).not.toContain(' no bgp hard-administrative-reset');
    expect(lines).not.toContain(' no bgp graceful-restart notification');
    expect(lines).toContain(' no bgp default ipv4-unicast');
    expect(lines.indexOf(' neighbor BGP peer-group')).toBeLessThan(lines.indexOf(' neighbor VTEP peer-group'));
  });

  it('with a zone pointing at "zevpn" the zone still finds its controller whatever the order', () => {
    const config = evpnConfig({ controllers: { abgp: BGP, zevpn: EVPN_CTL }, zones: { myzone: { type: 'evpn', controller: 'zevpn', 'vrf-vxlan': 1000 } } });
    expect(renderFrr(config, frrFacts())).toContain('router bgp 65000 vrf vrf_myzone');
  });

  it('eBGP through a bound bgp controller: external VTEP, autort from the evpn ASN, multihop 10 only with a loopback', () => {
    const noLoopback = mainRouter({ evpnctl: EVPN_CTL, localhost: { ...BGP, asn: '65001', ebgp: 1 } as typeof EVPN_CTL }, '65001');
    expect(noLoopback).toContain(' neighbor VTEP remote-as external');
    expect(noLoopback.some((l) => l.includes('VTEP ebgp-multihop'))).toBe(false);
    const conf = renderFrr(evpnConfig({ controllers: { evpnctl: EVPN_CTL, localhost: { ...BGP, asn: '65001', ebgp: 1, loopback: 'dummy1' } } }), frrFacts())!;
    expect(block(conf, 'router bgp 65001')).toEqual(expect.arrayContaining([' neighbor VTEP ebgp-multihop 10', ' neighbor VTEP update-source dummy1', '  autort as 65000']));
  });

  it('a bound bgp controller without loopback hides the isis loopback', () => {
    const isis = { type: 'isis', node: 'localhost', loopback: 'dummy9', 'isis-domain': 'd', 'isis-ifaces': 'eth1', 'isis-net': '49.0001.1720.2000.3001.00' };
    const withBgp = mainRouter({ evpnctl: EVPN_CTL, isisctl: isis, localhost: BGP } as never);
    expect(withBgp.some((l) => l.includes('update-source'))).toBe(false);
    const isisOnly = mainRouter({ evpnctl: EVPN_CTL, isisctl: isis } as never);
    expect(isisOnly).toContain(' neighbor VTEP update-source dummy9');
  });

  it('without an own IP every peer is a VTEP neighbor and the router-id comes from the MAC', () => {
    const facts = frrFacts({ addresses: {}, routes: [{ dst: '0.0.0.0/0', dev: 'vmbr0', src: null }] });
    const lines = block(renderFrr(evpnConfig(), facts)!, 'router bgp 65000')!;
    expect(lines[0]).toBe(' bgp router-id 17.29.105.96');
    expect(lines.filter((l) => l.endsWith('peer-group VTEP'))).toHaveLength(3);
  });

  it('a controller with neither peers nor fabric contributes nothing', () => {
    const conf = renderFrr(evpnConfig({ controllers: { evpnctl: { type: 'evpn', asn: '65000' } } }), frrFacts())!;
    expect(conf).not.toContain('router bgp');
    expect(conf).not.toContain('route-map');
  });
});
