import { describe, expect, it } from 'vitest';
import { type ClusterStatus, nodeState, treeRows } from './tree';

const status: ClusterStatus = {
  running: 3,
  nodes: [
    {
      node: 'pve1',
      version: 3,
      offline: false,
      heartbeatAt: '',
      apply: { version: 3, state: 'applied', at: '' },
      zones: [
        { zone: 'za', status: 'available', vnets: { available: 2, pending: 0, error: 0 }, errors: [] },
        { zone: 'zb', status: 'error', statusmsg: 'boom', vnets: { available: 0, pending: 0, error: 1 }, errors: [{ vnet: 'v9', statusmsg: 'boom' }] },
      ],
    },
    { node: 'pve2', version: 2, offline: true, heartbeatAt: '', apply: { version: 2, state: 'applied', at: '' }, zones: [] },
  ],
};

describe('status tree rows', () => {
  it('shows nodes closed, zones of open nodes, vnets of open zones', () => {
    expect(treeRows(status, new Set(), new Set(), new Map()).map((r) => r.key)).toEqual(['pve1', 'pve2']);
    const rows = treeRows(status, new Set(['pve1']), new Set(['pve1/za']), new Map([['pve1/za', [{ vnet: 'v1', status: 'available' as const }]]]));
    expect(rows.map((r) => r.key)).toEqual(['pve1', 'pve1/za', 'pve1/za/v1', 'pve1/zb', 'pve2']);
    expect(treeRows(status, new Set(['pve1']), new Set(['pve1/zb']), new Map()).map((r) => r.key)).toEqual(['pve1', 'pve1/za', 'pve1/zb', 'pve1/zb/…', 'pve2']);
  });

  it('filters by zone or node name and opens the matching nodes', () => {
    expect(treeRows(status, new Set(), new Set(), new Map(), 'zb').map((r) => r.key)).toEqual(['pve1', 'pve1/zb']);
    expect(treeRows(status, new Set(), new Set(), new Map(), 'pve2').map((r) => r.key)).toEqual(['pve2']);
  });

  it('rates a node by its worst zone, offline first', () => {
    expect(nodeState(status.nodes[0])).toBe('error');
    expect(nodeState(status.nodes[1])).toBe('offline');
  });
});
