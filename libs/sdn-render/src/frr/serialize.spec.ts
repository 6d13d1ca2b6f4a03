import { regroupNet, serializeTree } from './serialize';
import { emptyTree, newRouter } from './tree';

describe('FRR serialisation (rendering.md §2.5)', () => {
  it('regroups the IS-IS NET: AFI, area in blocks of 4, system id, selector', () => {
    expect(regroupNet('47.0023.0000.0000.0000.0000.0000.0000.1900.0004.00')).toBe('47.0023.0000.0000.0000.0000.0000.0000.1900.0004.00');
    expect(regroupNet('49.00.01.1720.2000.3001.00')).toBe('49.0001.1720.2000.3001.00');
    expect(() => regroupNet('not-a-net')).toThrow();
  });

  it('prints ASNs as numbers and addresses canonically, host bits kept', () => {
    const t = emptyTree();
    t.routers.default = newRouter('065000', '10.0.0.1');
    t.vrfs.vrf_a = { vni: '0', ipRoutes: [{ prefix: '2001:DB8:0::1/64', via: 'null0' }], custom: [] };
    t.prefixLists.p = [{ action: 'permit', network: '2001:DB8::/32', le: 64 }];
    const out = serializeTree(t);
    expect(out).toContain('router bgp 65000');
    expect(out).toContain(' ipv6 route 2001:db8::1/64 null0');
    expect(out).not.toContain(' vni 0');
    expect(out).toContain('ipv6 prefix-list p permit 2001:db8::/32 le 64');
  });

  it('fails on a structurally invalid value such as an IPv6 router-id', () => {
    const t = emptyTree();
    t.routers.default = newRouter('65000', '2001:db8::1');
    expect(() => serializeTree(t)).toThrow(/router-id/);
  });

  it('an empty tree has an empty body', () => {
    expect(serializeTree(emptyTree())).toEqual([]);
  });

  it('prints protocol route maps per protocol, v4 then v6, each after a !', () => {
    const t = emptyTree();
    t.protocolRouteMaps.ospf = { v4: 'b' };
    t.protocolRouteMaps.bgp = { v4: 'a', v6: 'a6' };
    expect(serializeTree(t)).toEqual(['!', 'ip protocol bgp route-map a', '!', 'ipv6 protocol bgp route-map a6', '!', 'ip protocol ospf route-map b']);
  });
});
