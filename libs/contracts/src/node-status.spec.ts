import {
  check,
  CONTRACTS,
  groupVnetsV2,
  isNodeStatusV2,
  nodeStatusV1Of,
  nodeStatusV2Of,
  vnetStatesV1,
  zoneVnetStates,
  type NodeStatusV1,
  type NodeStatusV2,
} from './index';

const v1: NodeStatusV1 = {
  node: 'pve1',
  version: 4,
  apply: { version: 5, state: 'error', message: 'ifreload failed', task: 'UPID:t', at: '2026-01-01T00:00:01Z' },
  zones: { za: { state: 'error' }, zb: { state: 'available' } },
  vnets: {
    a1: { zone: 'za', state: 'available' },
    a2: { zone: 'za', state: 'error', message: 'missing vmbr9' },
    b1: { zone: 'zb', state: 'available' },
    a3: { zone: 'za', state: 'available' },
    g1: { zone: '', state: 'error', message: "unknown zone 'ghost' configured" },
    g2: { zone: '', state: 'error', message: "unknown zone 'other' configured" },
  },
  heartbeatAt: '2026-01-01T00:00:02Z',
  heartbeatMs: 5000,
};

describe('NodeStatus v2', () => {
  it('groups vnets by zone, listing only the vnets that differ from their group (each with its message)', () => {
    const v2 = nodeStatusV2Of(v1);
    expect(v2.vnetsByZone).toEqual({
      za: { state: 'available', vnets: ['a1', 'a2', 'a3'], other: { a2: { state: 'error', message: 'missing vmbr9' } } },
      zb: { state: 'available', vnets: ['b1'] },
      '': { state: 'error', message: "unknown zone 'ghost' configured", vnets: ['g1', 'g2'], other: { g2: { state: 'error', message: "unknown zone 'other' configured" } } },
    });
    // Readers that look only at the head of a message find the same fields first.
    expect(Object.keys(v2).slice(0, 4)).toEqual(['node', 'version', 'apply', 'v']);
    expect(check(CONTRACTS.nodeStatusV2.schema, v2)).toEqual({});
  });

  it('is lossless: v1 -> v2 -> v1 gives the same message, and vnets of a zone keep their order', () => {
    const v2 = nodeStatusV2Of(v1);
    expect(nodeStatusV1Of(v2)).toEqual(v1);
    expect(nodeStatusV1Of(v1)).toBe(v1);
    expect(vnetStatesV1(v2)).toEqual(v1.vnets);
    for (const zone of ['za', 'zb', '', 'nozone']) expect(zoneVnetStates(v2, zone)).toEqual(zoneVnetStates(v1, zone));
    expect(zoneVnetStates(v2, 'za')).toEqual([
      ['a1', { state: 'available' }],
      ['a2', { state: 'error', message: 'missing vmbr9' }],
      ['a3', { state: 'available' }],
    ]);
  });

  it('takes the most frequent state of a zone as its group state', () => {
    const vnets: NodeStatusV1['vnets'] = { x: { zone: 'z', state: 'available' } };
    for (const n of ['y1', 'y2', 'y3']) vnets[n] = { zone: 'z', state: 'error', message: 'missing vmbr1' };
    expect(groupVnetsV2(vnets)).toEqual({ z: { state: 'error', message: 'missing vmbr1', vnets: ['x', 'y1', 'y2', 'y3'], other: { x: { state: 'available' } } } });
  });

  it('a 2500-vnet status is a fraction of its v1 size', () => {
    const vnets: NodeStatusV1['vnets'] = {};
    for (let i = 0; i < 2500; i++) vnets[`vnet${i}`] = { zone: 'vxzone', state: 'available' };
    const big = { ...v1, zones: { vxzone: { state: 'available' as const } }, vnets };
    expect(JSON.stringify(nodeStatusV2Of(big)).length * 4).toBeLessThan(JSON.stringify(big).length);
  });

  it('rejects vnets listed twice, refinements of unlisted vnets and malformed groups', () => {
    const v2 = nodeStatusV2Of(v1);
    const twice: NodeStatusV2 = { ...v2, vnetsByZone: { ...v2.vnetsByZone, zb: { state: 'available', vnets: ['b1', 'a1'] } } };
    expect(check(CONTRACTS.nodeStatusV2.schema, twice)).toEqual({ 'vnetsByZone.zb.vnets': "lists vnet 'a1' more than once" });
    const stray: NodeStatusV2 = { ...v2, vnetsByZone: { zb: { state: 'available', vnets: ['b1'], other: { zz: { state: 'error' } } } } };
    expect(check(CONTRACTS.nodeStatusV2.schema, stray)).toEqual({ 'vnetsByZone.zb.other.zz': 'is not in the group' });
    expect(check(CONTRACTS.nodeStatusV2.schema, { ...v2, vnetsByZone: { zb: { state: 'fine', vnets: ['b1', ''] } } })).toEqual({
      'vnetsByZone.zb.state': 'must be one of available, pending, error',
      'vnetsByZone.zb.vnets[1]': 'must be a non-empty string',
    });
    expect(check(CONTRACTS.nodeStatusV2.schema, { ...v2, v: 3 })).toEqual({ v: 'must be 2' });
  });

  it('readers accept v1 and v2 through one contract, and no other version', () => {
    expect(check(CONTRACTS.anyNodeStatus.schema, v1)).toEqual({});
    expect(check(CONTRACTS.anyNodeStatus.schema, nodeStatusV2Of(v1))).toEqual({});
    expect(check(CONTRACTS.anyNodeStatus.schema, { ...v1, version: -1 })).toEqual({ version: 'must be a non-negative integer' });
    expect(check(CONTRACTS.anyNodeStatus.schema, { ...nodeStatusV2Of(v1), vnetsByZone: [] })).toEqual({ vnetsByZone: 'must be an object' });
    expect(check(CONTRACTS.anyNodeStatus.schema, { ...v1, v: 9 })).toEqual({ v: 'unknown NodeStatus version 9' });
    expect([isNodeStatusV2(v1), isNodeStatusV2(nodeStatusV2Of(v1))]).toEqual([false, true]);
    // The v1 contract itself is unchanged: a v2 message does not pass it.
    expect(check(CONTRACTS.nodeStatus.schema, nodeStatusV2Of(v1))).toEqual({ vnets: 'must be an object' });
  });
});
