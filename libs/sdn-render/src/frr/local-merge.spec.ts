import { mergeLocalConfig } from './local-merge';
import { emptyTree, evpnFamily, newRouter, routeMapEntry, type FrrTree } from './tree';

function tree(): FrrTree {
  const t = emptyTree();
  t.routers.default = newRouter('65000', '192.168.0.1');
  evpnFamily(t.routers.default);
  t.routers.vrf_z = newRouter('65000', '192.168.0.1');
  t.vrfs.vrf_z = { vni: '1000', ipRoutes: [], custom: [] };
  t.isisRouters.d = { net: '49.0001.1720.2000.3001.00', logAdjacencyChanges: true, custom: [] };
  t.isisInterfaces.eth1 = { domain: 'd', ipv4: true, ipv6: false, custom: [] };
  t.routeMaps.MAP_VTEP_IN = [routeMapEntry('deny'), routeMapEntry('permit')];
  t.routeMaps.MAP_VTEP_OUT = [routeMapEntry('permit')];
  return t;
}

function merged(local: string | null): FrrTree {
  const t = tree();
  mergeLocalConfig(t, local);
  return t;
}

describe('route-map renumbering (rendering.md §2.7)', () => {
  it('numbers generated entries 1, 2, … per map even without a local file', () => {
    const t = merged(null);
    expect(t.routeMaps.MAP_VTEP_IN.map((e) => e.seq)).toEqual([1, 2]);
    expect(t.routeMaps.MAP_VTEP_OUT.map((e) => e.seq)).toEqual([1]);
    expect(t.custom).toEqual([]);
  });

  it('renumbers local route maps after the generated ones, maps in byte order of name', () => {
    const t = merged(['route-map zz permit 10', ' set metric 1', 'exit', 'route-map MAP_VTEP_IN permit 7', 'exit', 'route-map AA deny 5', 'route-map AA permit 6'].join('\n'));
    expect(t.custom).toEqual(['route-map AA deny 1', 'route-map AA permit 2', 'route-map MAP_VTEP_IN permit 3', 'exit', '!', 'route-map zz permit 1', ' set metric 1', 'exit', '!']);
  });
});

describe('frr.conf.local merge (rendering.md §2.7)', () => {
  it('drops top-level lines outside blocks, keeps seq lists and community lists', () => {
    const t = merged(['ip nht resolve-via-default', 'ip route 192.0.2.0/24 198.51.100.1', 'ip prefix-list P permit 10.0.0.0/8', 'ip prefix-list P seq 5 permit 10.0.0.0/8', 'bgp community-list standard C permit 1:1', 'access-list A seq 1 permit any'].join('\n'));
    expect(t.custom).toEqual(['ip prefix-list P seq 5 permit 10.0.0.0/8', 'bgp community-list standard C permit 1:1', 'access-list A seq 1 permit any']);
  });

  it('appends to the matching router, family, vrf, isis router and isis interface', () => {
    const t = merged(
      [
        'router bgp 65000',
        ' neighbor X remote-as 1   ',
        ' address-family l2vpn evpn',
        '  advertise-svi-ip',
        ' exit-address-family',
        'exit',
        'router bgp 65000 vrf vrf_z',
        ' bgp x',
        'exit',
        'vrf vrf_z',
        ' vni 5',
        'exit-vrf',
        'router isis d',
        ' is-type level-1',
        'exit',
        'interface eth1',
        ' isis circuit-type level-2-only',
        'exit',
      ].join('\n'),
    );
    expect(t.routers.default.custom).toEqual([' neighbor X remote-as 1']);
    expect(t.routers.default.families.l2vpn_evpn!.custom).toEqual(['  advertise-svi-ip']);
    expect(t.routers.vrf_z.custom).toEqual([' bgp x']);
    expect(t.vrfs.vrf_z.custom).toEqual([' vni 5']);
    expect(t.isisRouters.d.custom).toEqual([' is-type level-1']);
    expect(t.isisInterfaces.eth1.custom).toEqual([' isis circuit-type level-2-only']);
    expect(t.custom).toEqual([]);
  });

  it('a router bgp block with another ASN becomes a custom block ending in exit and !', () => {
    const t = merged(['router bgp 65001', ' bgp y', '  address-family ipv4 unicast', '  redistribute static', '  exit-address-family', 'exit'].join('\n'));
    expect(t.custom).toEqual(['router bgp 65001', ' bgp y', ' address-family ipv4 unicast', '  redistribute static', '  exit-address-family', 'exit', '!']);
    expect(t.routers.default.custom).toEqual([]);
  });

  it('a family the router lacks is opened in the router custom lines, exit-address-family keeps its indentation', () => {
    const t = merged(['router bgp 65000', '   address-family ipv6 unicast', '  redistribute static', 'exit-address-family', 'exit'].join('\n'));
    expect(t.routers.default.custom).toEqual([' address-family ipv6 unicast', '  redistribute static', 'exit-address-family']);
  });

  it('other router, vrf and interface blocks go to the custom section; blocks need no exit', () => {
    const t = merged(['router eigrp 1', ' network 10.0.0.0/8', 'exit', 'interface ens19', ' no ip ospf passive', 'vrf other', ' ip route 1.2.3.0/24 null0'].join('\n'));
    expect(t.custom).toEqual(['router eigrp 1', ' network 10.0.0.0/8', 'exit', '!', 'interface ens19', ' no ip ospf passive', 'vrf other', ' ip route 1.2.3.0/24 null0']);
  });

  it('lines containing ! are ignored anywhere', () => {
    const t = merged(['router bgp 65000', ' neighbor X description hi!', ' bgp z', 'exit'].join('\n'));
    expect(t.routers.default.custom).toEqual([' bgp z']);
  });
});
