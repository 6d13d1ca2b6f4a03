import { zoneVnetStates, type NodeStatus, type ObjectState } from '@sdn/contracts';

/** A node's last status report (NodeStatus v1 or v2) and when the bus stored it (server clock: agents' clocks may drift). */
export interface NodeReport {
  status: NodeStatus;
  receivedAt: number;
}

export interface Liveness {
  /** Expected heartbeat interval when the agent does not say (`heartbeatMs` of NodeStatusV1). */
  defaultHeartbeatMs: number;
  /** Heartbeats a node may miss before it is shown offline. */
  missedHeartbeats: number;
}

/** Offline: no report for longer than `missedHeartbeats` of the node's own interval. */
export function isOffline(r: NodeReport, now: number, l: Liveness): boolean {
  return now - r.receivedAt > l.missedHeartbeats * (r.status.heartbeatMs ?? l.defaultHeartbeatMs);
}

export type ShownState = ObjectState | 'offline';

function offlineMessage(r: NodeReport, l: Liveness): string {
  return `node has sent no status for ${l.missedHeartbeats} heartbeats (last at ${new Date(r.receivedAt).toISOString()})`;
}

/** `GET /nodes/{node}/sdn/zones` (spec §1.14, §5.2): `{zone, status}` sorted by zone. */
export function nodeZones(r: NodeReport, now: number, l: Liveness): { zone: string; status: ShownState; statusmsg?: string }[] {
  const offline = isOffline(r, now, l);
  return Object.keys(r.status.zones)
    .sort()
    .map((zone) => (offline ? { zone, status: 'offline', statusmsg: offlineMessage(r, l) } : { zone, status: r.status.zones[zone].state }));
}

/** `GET /nodes/{node}/sdn/zones/{zone}/content` (spec §5.3): `{vnet, status, statusmsg?}` of the zone's vnets. */
export function zoneContent(r: NodeReport, zone: string, now: number, l: Liveness): { vnet: string; status: ShownState; statusmsg?: string }[] {
  const offline = isOffline(r, now, l);
  return zoneVnetStates(r.status, zone).map(([vnet, v]) => {
    if (offline) return { vnet, status: 'offline' as const, statusmsg: offlineMessage(r, l) };
    return v.message ? { vnet, status: v.state, statusmsg: v.message } : { vnet, status: v.state };
  });
}

export interface SdnResource {
  id: string;
  type: 'sdn';
  sdn: string;
  node: string;
  status: string;
  'zone-type'?: string;
}

/**
 * `GET /cluster/resources?type=sdn` (spec §1.15): one entry per node and
 * zone, plus the pseudo zone `localnetwork` (status `ok`) per node. An
 * offline node's entries all read `offline`.
 */
export function sdnResources(reports: Iterable<NodeReport>, zoneTypes: Record<string, string>, now: number, l: Liveness): SdnResource[] {
  const out: SdnResource[] = [];
  for (const r of [...reports].sort((a, b) => (a.status.node < b.status.node ? -1 : 1))) {
    const node = r.status.node;
    const offline = isOffline(r, now, l);
    out.push({ id: `sdn/${node}/localnetwork`, type: 'sdn', sdn: 'localnetwork', node, status: offline ? 'offline' : 'ok' });
    for (const zone of Object.keys(r.status.zones).sort()) {
      const entry: SdnResource = { id: `sdn/${node}/${zone}`, type: 'sdn', sdn: zone, node, status: offline ? 'offline' : r.status.zones[zone].state };
      if (zoneTypes[zone]) entry['zone-type'] = zoneTypes[zone];
      out.push(entry);
    }
  }
  return out;
}

/** A node's state for the `sdn_nodes` gauge: offline, error (its last attempt failed), applied (runs `running` or newer), else pending. */
export function nodeState(r: NodeReport, running: number, now: number, l: Liveness): 'applied' | 'pending' | 'error' | 'offline' {
  if (isOffline(r, now, l)) return 'offline';
  if (r.status.apply.state === 'error' && r.status.apply.version >= r.status.version) return 'error';
  return r.status.version >= running ? 'applied' : 'pending';
}

export interface ApplyNodeState {
  node: string;
  state: 'pending' | 'applied' | 'error';
  /** The config version the node runs now. */
  version: number;
  message?: string;
  /** When the node finished this apply (applied or error). */
  time?: string;
  /** Milliseconds from the apply to the node's outcome, or until now while pending. */
  ms: number;
  offline: boolean;
}

export interface ApplyTaskView {
  task: string;
  /** Of the apply request (its `X-Correlation-Id`): in its events, the config service's and the agents' logs. */
  correlationId?: string;
  version: number;
  started: string;
  /** All nodes applied (or run a newer version). */
  done: boolean;
  nodes: ApplyNodeState[];
  /** The node that took (or is taking) longest. */
  slowest: { node: string; state: ApplyNodeState['state']; ms: number } | null;
}

/**
 * Each node's state for the config version `version` applied at `started`:
 * applied once it runs that version or a newer one (the config service
 * renders only the newest config, so a node may skip a version), error when
 * its attempt at this version failed, pending otherwise.
 */
export function applyTaskView(task: string, version: number, started: Date, reports: Iterable<NodeReport>, now: number, l: Liveness): ApplyTaskView {
  const t0 = started.getTime();
  const nodes: ApplyNodeState[] = [];
  for (const r of reports) {
    const s = r.status;
    const base = { node: s.node, version: s.version, offline: isOffline(r, now, l) };
    const at = Date.parse(s.apply.at);
    if (s.version >= version) {
      const time = s.apply.version === s.version && s.apply.state === 'applied' ? s.apply.at : undefined;
      const msg = s.version > version ? { message: `superseded: runs version ${s.version}` } : {};
      nodes.push({ ...base, state: 'applied', ...msg, ...(time ? { time } : {}), ms: time ? Math.max(0, at - t0) : 0 });
    } else if (s.apply.version === version && s.apply.state === 'error') {
      nodes.push({ ...base, state: 'error', message: s.apply.message ?? 'apply failed', time: s.apply.at, ms: Math.max(0, at - t0) });
    } else nodes.push({ ...base, state: 'pending', ms: Math.max(0, now - t0) });
  }
  nodes.sort((a, b) => (a.node < b.node ? -1 : 1));
  let slowest: ApplyTaskView['slowest'] = null;
  for (const n of nodes) if (!slowest || n.ms > slowest.ms) slowest = { node: n.node, state: n.state, ms: n.ms };
  return { task, version, started: started.toISOString(), done: nodes.length > 0 && nodes.every((n) => n.state === 'applied'), nodes, slowest };
}
