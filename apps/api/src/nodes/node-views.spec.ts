import { nodeStatusV2Of, type NodeStatusV1 } from '@sdn/contracts';
import { apiConfig } from '@sdn/config';
import { applyTaskView, isOffline, nodeZones, sdnResources, zoneContent, type Liveness, type NodeReport } from './node-views';

const liveness: Liveness = { defaultHeartbeatMs: 1000, missedHeartbeats: 3 };
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const report = (node: string, version: number, apply: Partial<NodeStatusV1['apply']>, receivedAt = T0, heartbeatMs?: number): NodeReport => ({
  status: { node, version, apply: { version, state: 'applied', at: at(0), ...apply }, zones: {}, vnets: {}, heartbeatAt: at(0), ...(heartbeatMs ? { heartbeatMs } : {}) },
  receivedAt,
});

describe('liveness', () => {
  it("counts missed heartbeats in the node's own interval, else the default", () => {
    expect(isOffline(report('a', 1, {}, T0), T0 + 3000, liveness)).toBe(false);
    expect(isOffline(report('a', 1, {}, T0), T0 + 3001, liveness)).toBe(true);
    expect(isOffline(report('a', 1, {}, T0, 10_000), T0 + 29_000, liveness)).toBe(false);
  });
  it('reads its settings from the environment and refuses nonsense', () => {
    expect(apiConfig({}).liveness).toEqual({ defaultHeartbeatMs: 5000, missedHeartbeats: 3 });
    expect(apiConfig({ SDN_NODE_HEARTBEAT_MS: '2000', SDN_NODE_MISSED_HEARTBEATS: '5' }).liveness).toEqual({ defaultHeartbeatMs: 2000, missedHeartbeats: 5 });
    expect(() => apiConfig({ SDN_NODE_MISSED_HEARTBEATS: '0' })).toThrow(/^SDN_NODE_MISSED_HEARTBEATS must be a whole number from 1/);
  });
});

describe('applyTaskView', () => {
  const started = new Date(T0);
  it('applied, error, pending and superseded nodes; the slowest is the one still pending', () => {
    const v = applyTaskView(
      'UPID:t',
      5,
      started,
      [
        report('n1', 5, { at: at(800) }, T0 + 900),
        report('n2', 4, { version: 5, state: 'error', message: 'ifreload failed', at: at(300) }, T0 + 900),
        report('n3', 4, { version: 4, at: at(-100) }, T0 + 900),
        report('n4', 6, { at: at(2000) }, T0 + 2100),
      ],
      T0 + 2500,
      liveness,
    );
    expect(v.nodes).toEqual([
      { node: 'n1', version: 5, state: 'applied', time: at(800), ms: 800, offline: false },
      { node: 'n2', version: 4, state: 'error', message: 'ifreload failed', time: at(300), ms: 300, offline: false },
      { node: 'n3', version: 4, state: 'pending', ms: 2500, offline: false },
      { node: 'n4', version: 6, state: 'applied', message: 'superseded: runs version 6', time: at(2000), ms: 2000, offline: false },
    ]);
    expect(v.slowest).toEqual({ node: 'n3', state: 'pending', ms: 2500 });
    expect(v.done).toBe(false);
  });
  it('is done when every node applied, and names the slowest', () => {
    const v = applyTaskView('UPID:t', 5, started, [report('n1', 5, { at: at(400) }), report('n2', 5, { at: at(1200) })], T0 + 5000, liveness);
    expect(v).toMatchObject({ done: true, slowest: { node: 'n2', state: 'applied', ms: 1200 } });
  });
});

describe('views of NodeStatus v1 and v2 reports', () => {
  const v1 = report('n1', 2, {}, T0, 1000);
  v1.status = {
    ...v1.status,
    zones: { za: { state: 'error' }, zb: { state: 'pending' } },
    vnets: {
      a1: { zone: 'za', state: 'available' },
      b1: { zone: 'zb', state: 'pending', message: 'local sdn network configuration is too old, please reload' },
      a2: { zone: 'za', state: 'error', message: 'missing vmbr9' },
      a3: { zone: 'za', state: 'available' },
    },
  };
  const v2: NodeReport = { ...v1, status: nodeStatusV2Of(v1.status as NodeStatusV1) };

  it('are the same, online and offline, with the vnets of a zone in the order the node sent them', () => {
    for (const now of [T0 + 100, T0 + 10_000]) {
      expect(nodeZones(v2, now, liveness)).toEqual(nodeZones(v1, now, liveness));
      for (const zone of ['za', 'zb', 'none']) expect(zoneContent(v2, zone, now, liveness)).toEqual(zoneContent(v1, zone, now, liveness));
      expect(sdnResources([v2], { za: 'simple' }, now, liveness)).toEqual(sdnResources([v1], { za: 'simple' }, now, liveness));
    }
    expect(zoneContent(v2, 'za', T0 + 100, liveness)).toEqual([
      { vnet: 'a1', status: 'available' },
      { vnet: 'a2', status: 'error', statusmsg: 'missing vmbr9' },
      { vnet: 'a3', status: 'available' },
    ]);
    expect(applyTaskView('UPID:t', 2, new Date(T0), [v2], T0 + 100, liveness)).toEqual(applyTaskView('UPID:t', 2, new Date(T0), [v1], T0 + 100, liveness));
  });
});
