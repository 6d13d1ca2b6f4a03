import type { RunningConfig } from '@sdn/model';
import { nodeScope } from './node-scope';

const config: RunningConfig = {
  version: 3,
  zones: { ids: { all: { type: 'vxlan', peers: '10.0.0.1' }, only2: { type: 'simple', nodes: 'n2' }, vl: { type: 'vlan', bridge: 'vmbr0', nodes: 'n1,n2' } } },
  vnets: { ids: { a: { zone: 'all', tag: 5 }, b: { zone: 'only2' }, c: { zone: 'ghost' }, d: { zone: 'vl', tag: 7 }, e: {} } },
};

describe('nodeScope', () => {
  it('keeps the zones deployed on the node, their vnets, and vnets of unknown zones', () => {
    expect(nodeScope(config, 'n1')).toEqual({
      zones: { all: { type: 'vxlan' }, vl: { type: 'vlan', bridge: 'vmbr0' } },
      vnets: { a: { zone: 'all' }, c: { zone: 'ghost' }, d: { zone: 'vl' } },
    });
    expect(Object.keys(nodeScope(config, 'n2').zones).sort()).toEqual(['all', 'only2', 'vl']);
    expect(nodeScope(config, 'n3')).toEqual({ zones: { all: { type: 'vxlan' } }, vnets: { a: { zone: 'all' }, c: { zone: 'ghost' } } });
  });
  it('shares one frozen result between nodes with the same zones', () => {
    const other: RunningConfig = { ...config, zones: { ids: { all: { type: 'vxlan' } } } };
    expect(nodeScope(other, 'x')).toBe(nodeScope(other, 'y'));
    expect(Object.isFrozen(nodeScope(other, 'x').vnets)).toBe(true);
  });
});
