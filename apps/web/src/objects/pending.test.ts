import { describe, expect, it } from 'vitest';
import { pendingChanges, pendingValues } from './pending';

describe('pending state', () => {
  it('lists what changes, what is new and what goes', () => {
    expect(pendingChanges({ zone: 'z1', type: 'vxlan', mtu: 1450, state: 'changed', pending: { mtu: 1400, nodes: 'deleted' } })).toEqual(['mtu: 1450 → 1400', 'nodes: (unset) → (removed)']);
    expect(pendingChanges({ zone: 'z1', type: 'vxlan', state: 'new', pending: { peers: '10.0.0.1' } })).toEqual(['peers: 10.0.0.1']);
    expect(pendingChanges({ zone: 'z1', state: 'deleted', pending: {} })).toEqual(['deleted at the next apply']);
    expect(pendingChanges({ zone: 'z1', mtu: 1450 })).toEqual([]);
  });

  it('gives the values after the apply', () => {
    expect(pendingValues({ zone: 'z1', type: 'vxlan', mtu: 1450, nodes: 'a', state: 'changed', pending: { mtu: 1400, nodes: 'deleted' }, digest: 'x' })).toEqual({ zone: 'z1', type: 'vxlan', mtu: 1400 });
  });
});
