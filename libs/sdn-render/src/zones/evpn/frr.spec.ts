import { renderFrr } from '../../frr/render-frr';
import { block, EVPN_CTL, evpnConfig, frrFacts } from '../../frr/test-fixtures';
import { nullRoutes, subnetIdParts } from './frr';

const EXIT_ZONE = { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000, exitnodes: { localhost: 1 } };

/** Route-map entries as `<header>|<body lines>` strings, in output order. */
function routeMapEntries(conf: string, name: string): string[] {
  const lines = conf.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith(`route-map ${name} `)) return;
    const body: string[] = [];
    for (let j = i + 1; lines[j] !== 'exit'; j++) body.push(lines[j].trim());
    out.push([l.slice(`route-map ${name} `.length), ...body].join('|'));
  });
  return out;
}

describe('EVPN zone FRR (rendering.md §2.3.2)', () => {
  it('exit node that is the primary (or no primary) prepends two deny entries to MAP_VTEP_IN', () => {
    const conf = renderFrr(evpnConfig({ zones: { myzone: { ...EXIT_ZONE, 'exitnodes-primary': 'localhost' } } }), frrFacts())!;
    expect(routeMapEntries(conf, 'MAP_VTEP_IN')).toEqual([
      'deny 1|match ip address prefix-list only_default',
      'deny 2|match ipv6 address prefix-list only_default_v6',
      'permit 3',
    ]);
    expect(routeMapEntries(conf, 'MAP_VTEP_OUT')).toEqual(['permit 1']);
  });

  // Confirmed with the oracle: a different primary makes this exit node announce with metric 200.
  it('exitnodes-primary set to another node prepends permit … set metric 200 to MAP_VTEP_OUT (v4 first)', () => {
    const conf = renderFrr(evpnConfig({ zones: { myzone: { ...EXIT_ZONE, 'exitnodes-primary': 'othernode' } } }), frrFacts())!;
    expect(routeMapEntries(conf, 'MAP_VTEP_OUT')).toEqual([
      'permit 1|match ip address prefix-list only_default|set metric 200',
      'permit 2|match ipv6 address prefix-list only_default_v6|set metric 200',
      'permit 3',
    ]);
    expect(routeMapEntries(conf, 'MAP_VTEP_IN')).toEqual(['permit 1']);
    expect(conf).toContain('ip prefix-list only_default seq 1 permit 0.0.0.0/0\n');
    expect(conf).toContain('ipv6 prefix-list only_default_v6 seq 1 permit ::/0\n');
  });

  // Confirmed with the oracle: FRR ignores the zone `nodes` list, the interfaces file honours it.
  it('a zone restricted to other nodes still gets its vrf and VRF router', () => {
    const config = evpnConfig({ zones: { myzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000, nodes: { othernode: 1 } } } });
    const conf = renderFrr(config, frrFacts())!;
    expect(block(conf, 'vrf vrf_myzone')).toEqual([' vni 1000']);
    expect(conf).toContain('\nrouter bgp 65000 vrf vrf_myzone\n');
  });

  // Confirmed with the oracle: rt-import entries follow the eBGP auto route target.
  it('rt-import combined with eBGP autort: autort import first, then the rt-import items', () => {
    const config = evpnConfig({
      controllers: { evpnctl: EVPN_CTL, localhost: { type: 'bgp', asn: '65001', node: 'localhost', peers: '172.16.0.254', ebgp: 1 } },
      zones: { myzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000, 'rt-import': '65010:1,65020:2' } },
    });
    const lines = block(renderFrr(config, frrFacts())!, 'router bgp 65001 vrf vrf_myzone')!;
    expect(lines.filter((l) => l.includes('route-target'))).toEqual([
      '  route-target import 65000:1000',
      '  route-target import 65010:1',
      '  route-target import 65020:2',
      '  route-target export 65000:1000',
    ]);
  });

  it('no vrf-vxlan: no vrf and no VRF router, but the controller part stays', () => {
    const conf = renderFrr(evpnConfig({ zones: { myzone: { type: 'evpn', controller: 'evpnctl' } } }), frrFacts())!;
    expect(conf).not.toContain('vrf vrf_myzone');
    expect(conf).toContain('\nrouter bgp 65000\n');
  });

  it('exit node with local routing: no import vrf / redistribute, but xvrf static routes per subnet', () => {
    const config = evpnConfig({
      zones: { myzone: { ...EXIT_ZONE, 'exitnodes-local-routing': 1 } },
      subnets: {
        'myzone-10.0.0.0-24': { type: 'subnet', vnet: 'myvnet', gateway: '10.0.0.1' },
        'myzone-2001:DB8::-64': { type: 'subnet', vnet: 'myvnet' },
      },
    });
    const conf = renderFrr(config, frrFacts())!;
    expect(conf).not.toContain('import vrf');
    expect(conf).toContain('!\nip route 10.0.0.0/24 10.255.255.2 xvrf_myzone\n!\nipv6 route 2001:db8::/64 fe80::2 xvrf_myzone\n');
  });

  it('advertise-subnets on a non-exit node', () => {
    const conf = renderFrr(evpnConfig({ zones: { myzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000, 'advertise-subnets': 1 } } }), frrFacts())!;
    expect(block(conf, 'router bgp 65000 vrf vrf_myzone')).toEqual([
      ' bgp router-id 192.168.0.1',
      ' no bgp hard-administrative-reset',
      ' no bgp graceful-restart notification',
      ' !',
      ' address-family ipv4 unicast',
      '  redistribute connected',
      ' exit-address-family',
      ' !',
      ' address-family ipv6 unicast',
      '  redistribute connected',
      ' exit-address-family',
      ' !',
      ' address-family l2vpn evpn',
      '  advertise ipv4 unicast',
      '  advertise ipv6 unicast',
      ' exit-address-family',
    ]);
  });
});

describe('null routes (gotcha 2)', () => {
  it('sort numerically, IPv4 and IPv6 in one number space, host bits kept', () => {
    const routes = nullRoutes(
      {
        'a-9.0.0.0-8': { vnet: 'v' },
        'a-10.0.0.0-8': { vnet: 'v' },
        'a-100.64.0.1-10': { vnet: 'v' },
        'a-2b0f:1480:4000:6000::-64': { vnet: 'v' },
        'a-2b0f:1480::-64': { vnet: 'v' },
      },
      'mine',
    );
    expect(routes.map((r) => r.prefix)).toEqual(['9.0.0.0/8', '10.0.0.0/8', '100.64.0.1/10', '2b0f:1480::/64', '2b0f:1480:4000:6000::/64']);
  });

  it('are keyed by network text: the later subnet id wins the mask; own zone and vnet-less subnets are left out', () => {
    const routes = nullRoutes(
      {
        'a-172.16.0.0-24': { vnet: 'v' },
        'b-172.16.0.0-16': { vnet: 'w' },
        'mine-10.0.0.0-8': { vnet: 'x' },
        'c-192.168.0.0-24': {},
      },
      'mine',
    );
    expect(routes).toEqual([{ prefix: '172.16.0.0/16', via: 'null0' }]);
  });

  it('appear in the exit node vrf, subnets of non-EVPN zones included', () => {
    const config = evpnConfig({
      zones: { myzone: EXIT_ZONE, simplez: { type: 'simple' } },
      vnets: { myvnet: { zone: 'myzone', tag: 100 }, plain: { zone: 'simplez' } },
      subnets: {
        'myzone-10.0.0.0-24': { vnet: 'myvnet' },
        'simplez-10.10.0.0-16': { vnet: 'plain' },
        'simplez-9.0.0.0-8': { vnet: 'plain' },
      },
    });
    expect(block(renderFrr(config, frrFacts())!, 'vrf vrf_myzone')).toEqual([' vni 1000', ' ip route 9.0.0.0/8 null0', ' ip route 10.10.0.0/16 null0']);
  });

  it('subnet ids split into zone, network and mask', () => {
    expect(subnetIdParts('z1-2001:db8::-64')).toEqual({ zone: 'z1', network: '2001:db8::', mask: '64' });
  });
});
