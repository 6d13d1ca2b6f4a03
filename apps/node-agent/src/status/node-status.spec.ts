import type { RunningConfig } from '@sdn/model';
import { localVersion, zoneVnetStatus, type IfaceState } from './node-status';

const running: RunningConfig = {
  version: 7,
  zones: { ids: { vx: { type: 'vxlan', peers: '192.168.0.1' }, only2: { type: 'simple', nodes: 'node2' }, vl: { type: 'vlan', bridge: 'vmbr0' } } },
  vnets: { ids: { a: { zone: 'vx', tag: 100 }, b: { zone: 'only2' }, c: { zone: 'ghost' }, d: { zone: 'vl', tag: 5 } } },
};
const all = (s: IfaceState) => () => s;

describe('spec §5 status', () => {
  it('reads #version from the first line', () => {
    expect(localVersion('#version:12\n\nauto a\n')).toBe(12);
    expect(localVersion('auto a\n')).toBeNull();
    expect(localVersion(null)).toBeNull();
  });

  it('is empty without a running config', () => {
    expect(zoneVnetStatus('node1', null, 3, all('pass'))).toEqual({ zones: {}, vnets: {} });
  });

  it('is pending while the local file is missing or too old', () => {
    const s = zoneVnetStatus('node1', running, 6, all('pass'));
    expect(s.zones).toEqual({ vx: { state: 'pending' }, vl: { state: 'pending' } });
    expect(s.vnets.a).toEqual({ zone: 'vx', state: 'pending', message: 'local sdn network configuration is too old, please reload' });
    expect(zoneVnetStatus('node1', running, null, all('pass')).vnets.a.message).toMatch(/not yet generated/);
  });

  it('is available when up to date, omits zones of other nodes, flags unknown zones', () => {
    const s = zoneVnetStatus('node1', running, 7, all('pass'));
    expect(s.zones).toEqual({ vx: { state: 'available' }, vl: { state: 'available' } });
    expect(s.vnets).toEqual({ a: { zone: 'vx', state: 'available' }, c: { zone: '', state: 'error', message: "unknown zone 'ghost' configured" }, d: { zone: 'vl', state: 'available' } });
  });

  it('turns vnet and zone to error when interfaces are missing or fail', () => {
    const s = zoneVnetStatus('node1', running, 7, (n) => (n === 'a' ? 'missing' : n === 'vmbr0' ? 'fail' : 'pass'));
    expect(s.vnets.a).toEqual({ zone: 'vx', state: 'error', message: "vnet is not generated. Please check the 'reload network' task log." });
    expect(s.vnets.d).toEqual({ zone: 'vl', state: 'error', message: 'error vmbr0' });
    expect(s.zones).toEqual({ vx: { state: 'error' }, vl: { state: 'error' } });
  });
});
