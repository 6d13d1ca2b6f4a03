import type { InterfacesFile } from './interfaces-file';

/** What the kernel would answer for "which source address and device reach X". */
export interface Route {
  /** Destination prefix, e.g. `0.0.0.0/0`, `192.168.0.0/24`, `::/0`. */
  dst: string;
  /** Outgoing device. */
  dev: string | null;
  /** Preferred source address (`src` in `ip route`), or null when the kernel has none. */
  src: string | null;
}

/** Facts about one bridge of the node, as the zone renderers need them. */
export interface BridgeFacts {
  /** Open vSwitch bridge rather than a Linux bridge. */
  ovs: boolean;
  /** Linux bridge with `bridge-vlan-aware yes` (vlan filtering). */
  vlanAware: boolean;
  /** Physical ports of the bridge, in configured order. */
  ports: string[];
}

/**
 * Everything the renderer knows about one node besides the running config.
 * The node agent discovers these on the node; tests build them from the
 * conformance vectors' mocks. Rendering is a pure function of (config, facts).
 */
export interface NodeFacts {
  /** Node name (hostname), used for `nodes`/`exitnodes` and FRR `hostname`. */
  nodename: string;
  /** The parsed `/etc/network/interfaces`, for reference and discovery. */
  interfaces?: InterfacesFile;
  /**
   * Address (without prefix length) configured on each interface's
   * `inet` stanza in `/etc/network/interfaces`; the own-IP lookup matches
   * peers against these.
   */
  addresses: Record<string, string>;
  /** The node's routing table; lookups pick the longest matching prefix. */
  routes: Route[];
  /** Bridges by name. A bridge not listed is treated as a plain Linux bridge without ports. */
  bridges: Record<string, BridgeFacts>;
  /** MAC address per interface (router-id fallback for IPv6 underlays). */
  macs: Record<string, string>;
  /** Contents of `/etc/frr/frr.conf.local`, or null when the node has none. */
  frrLocal?: string | null;
}

export const PLAIN_BRIDGE: BridgeFacts = Object.freeze({ ovs: false, vlanAware: false, ports: [] }) as BridgeFacts;

export function bridgeFacts(facts: NodeFacts, bridge: string | undefined): BridgeFacts {
  return (bridge !== undefined && facts.bridges[bridge]) || PLAIN_BRIDGE;
}
