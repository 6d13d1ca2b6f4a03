import { renderFrr } from '../../frr/render-frr';
import { block, frrFacts } from '../../frr/test-fixtures';

const config = (bgp: Record<string, unknown>) => ({ version: 1, controllers: { ids: { localhost: { type: 'bgp', node: 'localhost', asn: '65001', peers: '192.168.0.252,192.168.0.253', ...bgp } } } });

describe('bgp controller FRR (rendering.md §2.4)', () => {
  it('only renders on its own node', () => {
    expect(renderFrr(config({ node: 'other' }), frrFacts())).not.toContain('router bgp');
  });

  it('eBGP multihop only with ebgp; all peers kept, own IP included', () => {
    const lines = block(renderFrr(config({ peers: '192.168.0.1,192.168.0.2', 'ebgp-multihop': 3 }), frrFacts())!, 'router bgp 65001')!;
    expect(lines.some((l) => l.includes('ebgp-multihop'))).toBe(false);
    expect(lines).toEqual(expect.arrayContaining([' neighbor 192.168.0.1 peer-group BGP', ' neighbor BGP remote-as 65001']));
  });

  it('an IPv6 own IP uses the ipv6 unicast family with a /128 network and a MAC router-id', () => {
    const facts = frrFacts({ addresses: { lo: '2001:db8::1' }, macs: { lo: 'bc:24:11:1d:69:60' } });
    const lines = block(renderFrr(config({ peers: '2001:db8::2', loopback: 'lo' }), facts)!, 'router bgp 65001')!;
    expect(lines[0]).toBe(' bgp router-id 17.29.105.96');
    expect(lines).toEqual(expect.arrayContaining([' address-family ipv6 unicast', '  network 2001:db8::1/128']));
    expect(lines).not.toContain(' address-family ipv4 unicast');
  });

  it('loopback with ebgp: connected-route check off, correct_src route map and protocol route map', () => {
    const conf = renderFrr(config({ ebgp: 1, loopback: 'dummy1' }), frrFacts({ addresses: { dummy1: '10.0.0.9' } }))!;
    expect(conf).toContain(' bgp disable-ebgp-connected-route-check\n');
    expect(conf).toContain('!\nroute-map correct_src permit 1\n match ip address prefix-list loopbacks_ips\n set src 10.0.0.9\nexit\n');
    expect(conf).toContain('!\nip protocol bgp route-map correct_src\n');
  });
});
