import { declaredBridges, interfaceAddresses, parseInterfaces, type BridgeFacts, type NodeFacts, type Route } from '@sdn/render';

/** The subset of `ip -j -d link` the facts need. */
export interface IpLink {
  ifname: string;
  address?: string;
  link_type?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: { vlan_filtering?: number } };
}
/** The subset of `ip -j addr`. */
export interface IpAddr {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}
/** The subset of `ip -j route` / `ip -6 -j route`. */
export interface IpRoute {
  dst: string;
  dev?: string;
  gateway?: string;
  prefsrc?: string;
  type?: string;
}

export interface FactsInput {
  node: string;
  /** `/etc/network/interfaces`, or null when missing. */
  interfacesText: string | null;
  /** Devices the current SDN file declares: results of SDN, not facts about the node. */
  sdnDevices: Set<string>;
  links: IpLink[];
  addrs: IpAddr[];
  routes4: IpRoute[];
  routes6: IpRoute[];
  frrLocal: string | null;
}

/** Guest NICs come and go with VMs; they are not facts the renderer uses. */
const GUEST_PORT = /^(tap|veth|fwpr|fwln|fwbr)/;

/**
 * NodeFacts from the node's interfaces file and kernel state. Pure, so the
 * mapping is tested from captured `ip -j` output. Devices the SDN file
 * creates are left out: otherwise every apply would change the facts, the
 * config service would re-render, and facts and bundles would chase each other.
 */
export function buildFacts(input: FactsInput): NodeFacts {
  const file = parseInterfaces(input.interfacesText ?? '');
  const ours = (name: string | undefined) => name !== undefined && (input.sdnDevices.has(name) || GUEST_PORT.test(name));

  const bridges: Record<string, BridgeFacts> = {};
  for (const l of input.links) {
    if (l.linkinfo?.info_kind !== 'bridge' || ours(l.ifname)) continue;
    const ports = input.links.filter((p) => p.master === l.ifname && !ours(p.ifname)).map((p) => p.ifname);
    bridges[l.ifname] = { ovs: false, vlanAware: l.linkinfo.info_data?.vlan_filtering === 1, ports };
  }
  // The file says what the administrator configured (port order, OVS); it wins over the kernel.
  for (const [name, b] of Object.entries(declaredBridges(file))) {
    bridges[name] = { ovs: b.ovs, vlanAware: b.vlanAware || (bridges[name]?.vlanAware ?? false), ports: b.ports };
  }

  const macs: Record<string, string> = {};
  for (const l of input.links) if (l.link_type === 'ether' && l.address && !ours(l.ifname)) macs[l.ifname] = l.address;

  const routes: Route[] = [];
  for (const [family, list] of [['inet', input.routes4], ['inet6', input.routes6]] as const) {
    for (const r of list) {
      if (r.type && r.type !== 'unicast') continue;
      if (ours(r.dev)) continue;
      routes.push({ dst: normaliseDst(r.dst, family), dev: r.dev ?? null, src: r.prefsrc ?? sourceFor(input.addrs, r.dev, family) });
    }
  }

  const facts: NodeFacts = { nodename: input.node, interfaces: file, addresses: interfaceAddresses(file), routes, bridges, macs, frrLocal: input.frrLocal };
  return facts;
}

function normaliseDst(dst: string, family: 'inet' | 'inet6'): string {
  if (dst === 'default') return family === 'inet' ? '0.0.0.0/0' : '::/0';
  if (dst.includes('/')) return dst;
  return `${dst}/${family === 'inet' ? 32 : 128}`;
}

/**
 * The source the kernel would pick on `dev` when the route names none (a
 * gateway route): the device's first global address of that family, what
 * `ip route get` reports in the simple cases the renderer asks about.
 */
function sourceFor(addrs: IpAddr[], dev: string | undefined, family: 'inet' | 'inet6'): string | null {
  const a = addrs.find((x) => x.ifname === dev)?.addr_info?.find((i) => i.family === family && (i.scope ?? 'global') === 'global');
  return a?.local ?? null;
}
