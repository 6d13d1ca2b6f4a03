import { type Check, arrayOf, int, object, oneOf, optional, record, str } from './schema';

/**
 * Questions the API asks one node agent about its live state, by NATS
 * request/reply: what the reference answers by proxying the HTTP call to the
 * node (spec §1.14: zone bridges, a zone's VRF routes, a vnet's EVPN MAC/IP
 * routes). Core NATS, not JetStream: an answer is only worth something now.
 */
export const NODE_QUERY_SUBJECTS = 'sdn.node.*.query';
export function nodeQuerySubject(node: string): string {
  return `sdn.node.${node}.query`;
}

export type NodeQueryV1 =
  /** `bridges`: these bridge names; null for every bridge of the node's own /etc/network/interfaces (`localnetwork`). */
  | { v: 1; query: 'bridges'; bridges: string[] | null }
  /** Installed routes of a VRF (`show ip route vrf <vrf> json`). */
  | { v: 1; query: 'ip-vrf'; vrf: string }
  /** Best-path EVPN type-2 routes of a VNI (`show bgp l2vpn evpn route vni <vni> type 2 json`). */
  | { v: 1; query: 'mac-vrf'; vni: number };

export interface BridgePortV1 {
  name: string;
  vmid?: string;
  index?: string;
  primary_vlan?: string;
  vlans?: string[];
}
export interface BridgeV1 {
  name: string;
  /** The kernel's value, as a string ("0"/"1"). */
  vlan_filtering: string;
  ports: BridgePortV1[];
}
export interface VrfRouteV1 {
  ip: string;
  metric: number;
  protocol: string;
  nexthops: string[];
}
export interface MacVrfRouteV1 {
  ip?: string;
  mac: string;
  nexthop: string;
}

export type NodeQueryReplyV1 = { v: 1; ok: true; data: BridgeV1[] | VrfRouteV1[] | MacVrfRouteV1[] } | { v: 1; ok: false; error: string };

/** A kernel interface name: it goes into an FRR command line, so nothing else may pass. */
const ifname: Check = (v, p, out) => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(v)) out[p] = 'must be an interface name (1-15 of A-Z a-z 0-9 _ . -)';
};

const one: Check = (v, p, out) => {
  if (v !== 1) out[p] = 'must be 1';
};

export const nodeQueryV1Schema: Check = (v, p, out) => {
  object({ v: one, query: oneOf('bridges', 'ip-vrf', 'mac-vrf') })(v, p, out);
  if (Object.keys(out).length) return;
  const q = v as { query: string; bridges?: unknown };
  if (q.query === 'bridges') {
    if (q.bridges !== null) object({ bridges: arrayOf(ifname) })(v, p, out);
  } else if (q.query === 'ip-vrf') object({ vrf: ifname })(v, p, out);
  else object({ vni: int })(v, p, out);
};

export const nodeQueryReplyV1Schema: Check = (v, p, out) => {
  object({ v: one, ok: (x, at, o) => (typeof x !== 'boolean' ? (o[at] = 'must be a boolean') : undefined) })(v, p, out);
  if (Object.keys(out).length) return;
  if ((v as { ok: boolean }).ok) object({ data: arrayOf(record) })(v, p, out);
  else object({ error: str, data: optional(arrayOf(record)) })(v, p, out);
};
