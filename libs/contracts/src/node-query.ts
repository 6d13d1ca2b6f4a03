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
  | { v: 1; query: 'mac-vrf'; vni: number }
  /**
   * A fabric's live state on the node (spec Appendix A): its routes, its
   * neighbors or its interfaces. The asker reads the running config and
   * names the fabric's protocol and this node's interfaces in it (without
   * `dummy_<fabric>`, which the node adds): FRR's OSPF output does not name
   * the fabric, so the interfaces are what ties a route or neighbor to it.
   */
  | { v: 1; query: FabricQueryKind; fabric: string; protocol: 'openfabric' | 'ospf'; interfaces: string[] };

export type FabricQueryKind = 'fabric-routes' | 'fabric-neighbors' | 'fabric-interfaces';

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

/** A route the fabric's protocol installed: destination and next hops (address, else interface). */
export interface FabricRouteV1 {
  route: string;
  via: string[];
}
/** An adjacency (OpenFabric: the neighbor's hostname; OSPF: its interface address) with FRR's state and uptime text. */
export interface FabricNeighborV1 {
  neighbor: string;
  status: string;
  uptime: string;
}
/** A fabric interface as the protocol sees it (`type`: FRR's circuit or network type). */
export interface FabricInterfaceV1 {
  name: string;
  type: string;
  state: string;
}

export type NodeQueryReplyV1 =
  | { v: 1; ok: true; data: BridgeV1[] | VrfRouteV1[] | MacVrfRouteV1[] | FabricRouteV1[] | FabricNeighborV1[] | FabricInterfaceV1[] }
  | { v: 1; ok: false; error: string };

/** A kernel interface name: it goes into an FRR command line, so nothing else may pass. */
const ifname: Check = (v, p, out) => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(v)) out[p] = 'must be an interface name (1-15 of A-Z a-z 0-9 _ . -)';
};

/** `pve-sdn-fabric-id`. */
const fabricId: Check = (v, p, out) => {
  if (typeof v !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]$/.test(v)) out[p] = 'must be a fabric ID (2-8 of a-z A-Z 0-9 -, not starting or ending with -)';
};

const one: Check = (v, p, out) => {
  if (v !== 1) out[p] = 'must be 1';
};

export const nodeQueryV1Schema: Check = (v, p, out) => {
  object({ v: one, query: oneOf('bridges', 'ip-vrf', 'mac-vrf', 'fabric-routes', 'fabric-neighbors', 'fabric-interfaces') })(v, p, out);
  if (Object.keys(out).length) return;
  const q = v as { query: string; bridges?: unknown };
  if (q.query === 'bridges') {
    if (q.bridges !== null) object({ bridges: arrayOf(ifname) })(v, p, out);
  } else if (q.query === 'ip-vrf') object({ vrf: ifname })(v, p, out);
  else if (q.query === 'mac-vrf') object({ vni: int })(v, p, out);
  else object({ fabric: fabricId, protocol: oneOf('openfabric', 'ospf'), interfaces: arrayOf(ifname) })(v, p, out);
};

export const nodeQueryReplyV1Schema: Check = (v, p, out) => {
  object({ v: one, ok: (x, at, o) => (typeof x !== 'boolean' ? (o[at] = 'must be a boolean') : undefined) })(v, p, out);
  if (Object.keys(out).length) return;
  if ((v as { ok: boolean }).ok) object({ data: arrayOf(record) })(v, p, out);
  else object({ error: str, data: optional(arrayOf(record)) })(v, p, out);
};
