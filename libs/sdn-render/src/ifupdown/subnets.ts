import * as ipaddr from 'ipaddr.js';
import { isSet, sortedKeys, text, type RunningConfig } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import { OUTSIDE_TARGET_V4, OUTSIDE_TARGET_V6, routeLookup, type RouteAnswer } from '../facts/route-lookup';

/** One subnet of a vnet as the generators see it (rendering.md §1.3). */
export interface VnetSubnet {
  id: string;
  /** `<network>/<mask>` from the id, network verbatim (host bits kept, IPv6 text not normalised). */
  cidr: string;
  mask: string;
  /** The gateway when set. */
  gateway?: string;
  /** Decided by the gateway alone; no gateway counts as IPv4. */
  ipVersion: 4 | 6;
  snat: boolean;
}

export function ipVersionOfGateway(gateway: string | undefined): 4 | 6 {
  // Every IPv6 address has a colon; the check spares ipaddr.js's full parse for the IPv4 majority.
  return gateway !== undefined && gateway.includes(':') && ipaddr.IPv6.isValid(gateway) ? 6 : 4;
}

/**
 * Subnets whose `vnet` is this vnet, in byte order of id. Everything is
 * derived from the id `<zone>-<network>-<mask>` because the reference does
 * so, not from the subnet's own properties.
 */
export function subnetsOfVnet(config: RunningConfig, vnetId: string): VnetSubnet[] {
  return subnetsByVnet(config).get(vnetId) ?? [];
}

/*
 * The grouping is cluster-wide work: it is the same for every node, so it is
 * computed once per config snapshot and reused while rendering each node
 * (a running config is never mutated once applied). Without it every vnet
 * re-sorted every subnet: quadratic in the size of the cluster.
 */
const byVnetCache = new WeakMap<object, Map<string, VnetSubnet[]>>();

function subnetsByVnet(config: RunningConfig): Map<string, VnetSubnet[]> {
  const ids = config.subnets?.ids ?? {};
  let index = byVnetCache.get(ids);
  if (index) return index;
  index = new Map();
  for (const id of sortedKeys(ids)) {
    const subnet = ids[id];
    if (!subnet || typeof subnet.vnet !== 'string') continue;
    const [, network = '', mask = ''] = id.split('-');
    const gateway = isSet(subnet.gateway) ? text(subnet.gateway) : undefined;
    const list = index.get(subnet.vnet) ?? [];
    list.push({ id, cidr: `${network}/${mask}`, mask, gateway, ipVersion: ipVersionOfGateway(gateway), snat: isSet(subnet.snat) });
    index.set(subnet.vnet, list);
  }
  byVnetCache.set(ids, index);
  return index;
}

/** The node's way out, per family: where SNAT rules send traffic and which source they set. */
export interface OutsideRoutes {
  v4: RouteAnswer;
  v6: RouteAnswer;
}

export function outsideRoutes(facts: NodeFacts): OutsideRoutes {
  return { v4: routeLookup(facts, OUTSIDE_TARGET_V4), v6: routeLookup(facts, OUTSIDE_TARGET_V6) };
}

/** Equal for two nodes exactly when their SNAT lines are equal. */
export function outsideRoutesKey(o: OutsideRoutes): string {
  return `${o.v4.iface} ${o.v4.ip} ${o.v6.iface} ${o.v6.ip}`;
}

export interface SubnetLineOptions {
  /** `up ip route add <cidr> dev <vnet>` for IPv4 /32 subnets (simple zones only). */
  hostRoutes: boolean;
  /** The node's way out when SNAT rules may be emitted on it at all (EVPN: exit nodes only). */
  snatVia?: OutsideRoutes;
}

/**
 * The per-subnet lines at the top of an L3 vnet bridge stanza, subnet after
 * subnet (§1.4 step 1, §1.8 step 1): the gateway address (each gateway string
 * once per vnet), the /32 host route, the SNAT block.
 */
export function subnetLines(vnetId: string, subnets: readonly VnetSubnet[], options: SubnetLineOptions): string[] {
  const lines: string[] = [];
  const gatewaysSeen = new Set<string>();
  for (const s of subnets) {
    if (s.gateway !== undefined && !gatewaysSeen.has(s.gateway)) {
      gatewaysSeen.add(s.gateway);
      lines.push(`address ${s.gateway}/${s.mask}`);
    }
    if (options.hostRoutes && Number(s.mask) === 32 && s.ipVersion === 4) lines.push(`up ip route add ${s.cidr} dev ${vnetId}`);
    if (options.snatVia && s.snat) lines.push(...snatLines(s, options.snatVia));
  }
  return lines;
}

/**
 * SNAT towards the node's outgoing address. The conntrack-zone pair is
 * repeated per subnet because the reference does not de-duplicate it.
 */
export function snatLines(subnet: VnetSubnet, outside: OutsideRoutes): string[] {
  const route = subnet.ipVersion === 6 ? outside.v6 : outside.v4;
  if (!route.ip || !route.iface) return [];
  const tool = subnet.ipVersion === 6 ? 'ip6tables' : 'iptables';
  const rule = `POSTROUTING -s '${subnet.cidr}' -o ${route.iface} -j SNAT --to-source ${route.ip}`;
  return [
    `post-up ${tool} -t nat -A ${rule}`,
    `post-down ${tool} -t nat -D ${rule}`,
    `post-up ${tool} -t raw -I PREROUTING -i fwbr+ -j CT --zone 1`,
    `post-down ${tool} -t raw -D PREROUTING -i fwbr+ -j CT --zone 1`,
  ];
}

/** `ip-forward on` / `ip6-forward on` for the families that have a gateway on this vnet. */
export function forwardingLines(subnets: readonly VnetSubnet[]): string[] {
  const withGateway = subnets.filter((s) => s.gateway !== undefined);
  const lines: string[] = [];
  if (withGateway.some((s) => s.ipVersion === 4)) lines.push('ip-forward on');
  if (withGateway.some((s) => s.ipVersion === 6)) lines.push('ip6-forward on');
  return lines;
}
