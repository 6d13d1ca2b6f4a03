import { canonical, decorate, hasPendingChanges, pendingView, sectionDigest } from './views';

describe('pending view (§4.2)', () => {
  it('reproduces the reference example', () => {
    const running = { z: { type: 'vlan', bridge: 'vmbr0', mtu: 1500 } };
    const current = { z: { type: 'vlan', bridge: 'vmbr1', nodes: { n1: 1 } } };
    expect(pendingView(running, current)).toEqual({
      z: { type: 'vlan', bridge: 'vmbr0', mtu: 1500, state: 'changed', pending: { bridge: 'vmbr1', mtu: 'deleted', nodes: { n1: 1 } } },
    });
  });

  it('new, deleted and unchanged objects; 1 equals "1"; sets compare sorted', () => {
    const view = pendingView(
      { gone: { type: 'simple' }, same: { type: 'simple', mtu: 1, nodes: { b: 1, a: 1 } } },
      { fresh: { type: 'simple', mtu: 1400 }, same: { type: 'simple', mtu: '1', nodes: 'a,b' } },
    );
    expect(view).toEqual({
      gone: { type: 'simple', state: 'deleted', pending: {} },
      fresh: { type: 'simple', state: 'new', pending: { mtu: 1400 } },
      same: { type: 'simple', mtu: 1, nodes: { b: 1, a: 1 } },
    });
    expect(canonical('nodes', { b: 1, a: 1 })).toBe('a,b');
    expect(hasPendingChanges({ zones: { x: { type: 'simple' } } }, { zones: { x: { type: 'simple' } } }, ['zones'])).toBe(false);
    expect(hasPendingChanges({ zones: {} }, { zones: { x: { type: 'simple' } } }, ['zones'])).toBe(true);
  });

  it('digests change with content, not with key order', () => {
    expect(sectionDigest({ a: { x: 1, y: 2 } })).toBe(sectionDigest({ a: { y: 2, x: 1 } }));
    expect(sectionDigest({ a: { x: 1 } })).not.toBe(sectionDigest({ a: { x: 2 } }));
  });

  it('decorates: ids, sorted node lists, parsed dhcp ranges, secrets removed', () => {
    expect(decorate('zones', 'z', { type: 'evpn', exitnodes: { b: 1, a: 1 } })).toEqual({ zone: 'z', type: 'evpn', exitnodes: 'a,b' });
    expect(decorate('dns', 'd', { type: 'powerdns', key: 'secret', pending: { key: 'new' } })).toEqual({ dns: 'd', type: 'powerdns', pending: {} });
    expect(decorate('subnets', 'z-10.0.0.0-24', { vnet: 'v', 'dhcp-range': ['start-address=10.0.0.2,end-address=10.0.0.9'] })).toEqual({
      subnet: 'z-10.0.0.0-24',
      id: 'z-10.0.0.0-24',
      zone: 'z',
      network: '10.0.0.0',
      mask: '24',
      cidr: '10.0.0.0/24',
      vnet: 'v',
      type: 'subnet',
      'dhcp-range': [{ 'start-address': '10.0.0.2', 'end-address': '10.0.0.9' }],
    });
  });
});
