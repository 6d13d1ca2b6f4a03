import type { RunningConfig } from '@sdn/model';
import { nodeScope } from '@sdn/render';
import { expandVnetGroups } from '@sdn/contracts';
import { localVersion, zoneVnetStatus, zoneVnetStatusV2, type IfaceState, type KnownConfig } from './node-status';

const running: RunningConfig = {
  version: 7,
  zones: { ids: { vx: { type: 'vxlan', peers: '192.168.0.1' }, only2: { type: 'simple', nodes: 'node2' }, vl: { type: 'vlan', bridge: 'vmbr0' } } },
  vnets: { ids: { a: { zone: 'vx', tag: 100 }, b: { zone: 'only2' }, c: { zone: 'ghost' }, d: { zone: 'vl', tag: 5 } } },
};
// What node1's bundle of that config carries (the config service computes it the same way).
const known: KnownConfig = { version: 7, scope: nodeScope(running, 'node1') };
const all = (s: IfaceState) => () => s;

describe('spec §5 status', () => {
  it('reads #version from the first line', () => {
    expect(localVersion('#version:12\n\nauto a\n')).toBe(12);
    expect(localVersion('auto a\n')).toBeNull();
    expect(localVersion(null)).toBeNull();
  });

  it('is empty before any bundle', () => {
    expect(zoneVnetStatus(null, 3, all('pass'))).toEqual({ zones: {}, vnets: {} });
  });

  it('is pending while the local file is missing or too old', () => {
    const s = zoneVnetStatus(known, 6, all('pass'));
    expect(s.zones).toEqual({ vx: { state: 'pending' }, vl: { state: 'pending' } });
    expect(s.vnets.a).toEqual({ zone: 'vx', state: 'pending', message: 'local sdn network configuration is too old, please reload' });
    expect(zoneVnetStatus(known, null, all('pass')).vnets.a.message).toMatch(/not yet generated/);
  });

  it('is available when up to date, omits zones of other nodes, flags unknown zones', () => {
    const s = zoneVnetStatus(known, 7, all('pass'));
    expect(s.zones).toEqual({ vx: { state: 'available' }, vl: { state: 'available' } });
    expect(s.vnets).toEqual({ a: { zone: 'vx', state: 'available' }, c: { zone: '', state: 'error', message: "unknown zone 'ghost' configured" }, d: { zone: 'vl', state: 'available' } });
  });

  it('turns vnet and zone to error when interfaces are missing or fail', () => {
    const s = zoneVnetStatus(known, 7, (n) => (n === 'a' ? 'missing' : n === 'vmbr0' ? 'fail' : 'pass'));
    expect(s.vnets.a).toEqual({ zone: 'vx', state: 'error', message: "vnet is not generated. Please check the 'reload network' task log." });
    expect(s.vnets.d).toEqual({ zone: 'vl', state: 'error', message: 'error vmbr0' });
    expect(s.zones).toEqual({ vx: { state: 'error' }, vl: { state: 'error' } });
  });

  it('in v2 form: one state per zone, vnets in error listed with their own message, unknown zones under ""', () => {
    const s = zoneVnetStatusV2(known, 7, (n) => (n === 'a' ? 'missing' : n === 'vmbr0' ? 'fail' : 'pass'));
    expect(s.zones).toEqual({ vx: { state: 'error' }, vl: { state: 'error' } });
    // A zone whose every vnet is in error takes that as its group state.
    expect(s.vnetsByZone).toEqual({
      vx: { state: 'error', message: "vnet is not generated. Please check the 'reload network' task log.", vnets: ['a'] },
      '': { state: 'error', message: "unknown zone 'ghost' configured", vnets: ['c'] },
      vl: { state: 'error', message: 'error vmbr0', vnets: ['d'] },
    });
    expect(zoneVnetStatusV2(known, 6, all('pass')).vnetsByZone.vx).toEqual({ state: 'pending', message: 'local sdn network configuration is too old, please reload', vnets: ['a'] });
    expect(zoneVnetStatusV2(null, 7, all('pass'))).toEqual({ zones: {}, vnetsByZone: {} });
  });

  it('in v2 form says the same as v1 for many vnets, listing only the exceptions', () => {
    const vnets: Record<string, { zone: string }> = {};
    for (let i = 0; i < 300; i++) vnets[`v${i}`] = { zone: i % 3 ? 'vx' : 'vl' };
    vnets.lost = { zone: 'ghost' };
    const many: KnownConfig = { version: 7, scope: { zones: { vx: { type: 'vxlan' }, vl: { type: 'vlan', bridge: 'vmbr0' } }, vnets } };
    const iface = (n: string): IfaceState => (n === 'v7' || n === 'v9' ? 'missing' : 'pass');
    const v2 = zoneVnetStatusV2(many, 7, iface);
    expect(expandVnetGroups(v2.vnetsByZone)).toEqual(zoneVnetStatus(many, 7, iface).vnets);
    expect(v2.vnetsByZone.vx.state).toBe('available');
    expect(v2.vnetsByZone.vx.other).toEqual({ v7: { state: 'error', message: "vnet is not generated. Please check the 'reload network' task log." } });
    expect(v2.vnetsByZone.vl.other).toEqual({ v9: { state: 'error', message: "vnet is not generated. Please check the 'reload network' task log." } });
    expect(v2.vnetsByZone.vl.vnets).toEqual(Object.keys(vnets).filter((n) => vnets[n].zone === 'vl'));
  });
});
