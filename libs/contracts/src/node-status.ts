import { nodeStatusV1Schema, type NodeStatusV1, type ObjectState } from './messages';
import { int, mapOf, nonEmptyStr, object, oneOf, optional, str, type Check } from './schema';

/** One vnet's state on a node, as v1 carries it (less the zone). */
export interface VnetStateV1 {
  state: ObjectState;
  message?: string;
}

/**
 * The vnets of one zone on a node (NodeStatus v2): every vnet in `vnets` is
 * in `state` (with `message`) unless `other` gives its own state. The usual
 * case, all of a zone's vnets in one state, is then a list of names rather
 * than thousands of objects; a vnet in error keeps its own message.
 */
export interface NodeStatusVnetGroupV2 {
  state: ObjectState;
  message?: string;
  /** The zone's vnets on the node, in the order v1 lists them. */
  vnets: string[];
  /** Vnets whose state or message differs from the group's. */
  other?: Record<string, VnetStateV1>;
}

/**
 * Message on `sdn.node.<node>.status`, version 2: NodeStatusV1 with `vnets`
 * grouped by zone (`vnetsByZone`; zone `''` holds the vnets whose zone the
 * running config does not know, as v1's `zone: ''`). Lossless: `nodeStatusV1Of`
 * gives back the v1 message. Heartbeats resend the status, so its size is
 * paid by every reader every few seconds: 2500 vnets are ~25 KB here against
 * ~130 KB (and 2500 objects to decode and check) in v1.
 */
export interface NodeStatusV2 extends Omit<NodeStatusV1, 'vnets'> {
  v: 2;
  vnetsByZone: Record<string, NodeStatusVnetGroupV2>;
}

/** What a status reader accepts: either version (`v` tells them apart). */
export type NodeStatus = NodeStatusV1 | NodeStatusV2;

export function isNodeStatusV2(s: NodeStatus): s is NodeStatusV2 {
  return (s as { v?: unknown }).v === 2;
}

const stateCheck = oneOf('available', 'pending', 'error');
const vnetStateCheck = object({ state: stateCheck, message: optional(str) });

/** Vnet names are unique across the whole message, and `other` only refines listed vnets. */
const vnetGroupsCheck: Check = (v, p, out) => {
  const before = Object.keys(out).length;
  groupsShape(v, p, out);
  if (Object.keys(out).length > before) return;
  const seen = new Set<string>();
  for (const [zone, g] of Object.entries(v as Record<string, NodeStatusVnetGroupV2>)) {
    for (const name of g.vnets) {
      if (seen.has(name)) out[`${p}.${zone}.vnets`] = `lists vnet '${name}' more than once`;
      seen.add(name);
    }
    const other = g.other ? Object.keys(g.other) : [];
    if (!other.length) continue;
    const mine = new Set(g.vnets);
    for (const name of other) if (!mine.has(name)) out[`${p}.${zone}.other.${name}`] = 'is not in the group';
  }
};

/** An array of non-empty strings, checked without a path per item (lists hold thousands). */
const namesCheck: Check = (v, p, out) => {
  if (!Array.isArray(v)) {
    out[p] = 'must be an array';
    return;
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string' || v[i] === '') {
      out[`${p}[${i}]`] = 'must be a non-empty string';
      return;
    }
  }
};

const groupsShape: Check = mapOf(object({ state: stateCheck, message: optional(str), vnets: namesCheck, other: optional(mapOf(vnetStateCheck)) }));

export const nodeStatusV2Schema: Check = object({
  node: nonEmptyStr,
  version: int,
  apply: object({ version: int, state: oneOf('applied', 'error', 'pending'), message: optional(str), task: optional(str), correlationId: optional(str), at: nonEmptyStr }),
  v: isTwo,
  zones: mapOf(object({ state: stateCheck, message: optional(str) })),
  vnetsByZone: vnetGroupsCheck,
  heartbeatAt: nonEmptyStr,
  heartbeatMs: optional(int),
});

function isTwo(v: unknown, p: string, out: Record<string, string>): void {
  if (v !== 2) out[p] = 'must be 2';
}

/** Either version, told apart by `v` (absent: v1). */
export const nodeStatusSchema: Check = (v, p, out) => {
  const version = (v as { v?: unknown } | null)?.v;
  if (version === undefined) nodeStatusV1Schema(v, p, out);
  else if (version === 2) nodeStatusV2Schema(v, p, out);
  else out[p ? `${p}.v` : 'v'] = `unknown NodeStatus version ${JSON.stringify(version)}`;
};

/**
 * Groups v1's per-vnet map by zone. Each group's own state is its most
 * frequent one, so only the exceptions (typically errors, each with its
 * message) are listed individually.
 */
export function groupVnetsV2(vnets: NodeStatusV1['vnets']): NodeStatusV2['vnetsByZone'] {
  const byZone = new Map<string, { names: string[]; keys: string[] }>();
  for (const name in vnets) {
    const e = vnets[name];
    let z = byZone.get(e.zone);
    if (!z) byZone.set(e.zone, (z = { names: [], keys: [] }));
    z.names.push(name);
    z.keys.push(stateKey(e));
  }
  const out: NodeStatusV2['vnetsByZone'] = {};
  for (const [zone, { names, keys }] of byZone) {
    const counts = new Map<string, number>();
    let top = keys[0];
    for (const k of keys) {
      const n = (counts.get(k) ?? 0) + 1;
      counts.set(k, n);
      if (n > (counts.get(top) ?? 0)) top = k;
    }
    const { state, message } = vnets[names[keys.indexOf(top)]];
    const group: NodeStatusVnetGroupV2 = message === undefined ? { state, vnets: names } : { state, message, vnets: names };
    for (let i = 0; i < names.length; i++) {
      if (keys[i] === top) continue;
      const e = vnets[names[i]];
      (group.other ??= {})[names[i]] = e.message === undefined ? { state: e.state } : { state: e.state, message: e.message };
    }
    out[zone] = group;
  }
  return out;
}

function stateKey(e: VnetStateV1): string {
  return e.message === undefined ? e.state : `${e.state}\n${e.message}`;
}

/** The vnets of `zone` with their states, in the order the node lists them (either version). */
export function zoneVnetStates(s: NodeStatus, zone: string): [string, VnetStateV1][] {
  if (isNodeStatusV2(s)) {
    const g = s.vnetsByZone[zone];
    if (!g) return [];
    const base: VnetStateV1 = g.message === undefined ? { state: g.state } : { state: g.state, message: g.message };
    return g.vnets.map((name) => [name, g.other?.[name] ?? base]);
  }
  return Object.entries(s.vnets)
    .filter(([, v]) => v.zone === zone)
    .map(([name, v]) => [name, v.message === undefined ? { state: v.state } : { state: v.state, message: v.message }]);
}

/** v1's per-vnet map of either version (v2's vnets come zone by zone). */
export function vnetStatesV1(s: NodeStatus): NodeStatusV1['vnets'] {
  return isNodeStatusV2(s) ? expandVnetGroups(s.vnetsByZone) : s.vnets;
}

/** v1's per-vnet map of v2's groups. */
export function expandVnetGroups(groups: NodeStatusV2['vnetsByZone']): NodeStatusV1['vnets'] {
  const vnets: NodeStatusV1['vnets'] = {};
  for (const [zone, g] of Object.entries(groups)) {
    for (const name of g.vnets) {
      const e = g.other?.[name] ?? g;
      vnets[name] = e.message === undefined ? { zone, state: e.state } : { zone, state: e.state, message: e.message };
    }
  }
  return vnets;
}

/** The v2 message of a v1 one (same fields, vnets grouped). */
export function nodeStatusV2Of(s: NodeStatusV1): NodeStatusV2 {
  const { node, version, apply, zones, vnets, heartbeatAt, heartbeatMs } = s;
  // `node`, `version` and `apply` lead, as in v1: readers may look at the head of a message only.
  return { node, version, apply, v: 2, zones, vnetsByZone: groupVnetsV2(vnets), heartbeatAt, ...(heartbeatMs === undefined ? {} : { heartbeatMs }) };
}

/** The v1 message of either version. */
export function nodeStatusV1Of(s: NodeStatus): NodeStatusV1 {
  if (!isNodeStatusV2(s)) return s;
  const { node, version, apply, zones, heartbeatAt, heartbeatMs } = s;
  return { node, version, apply, zones, vnets: vnetStatesV1(s), heartbeatAt, ...(heartbeatMs === undefined ? {} : { heartbeatMs }) };
}
