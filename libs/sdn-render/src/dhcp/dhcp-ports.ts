import { createHash } from 'node:crypto';
import { DHCP_PORT_ZONE_TYPES, isSet, nodeList, text, type Zone } from '@sdn/model';
import { deployedOn } from '../node-scope';

/**
 * VLAN, QinQ and VXLAN zones have no address on the nodes, so a node serves
 * DHCP as Neutron's DHCP agent does: from a port on each vnet (a veth into
 * the vnet bridge) inside a network namespace of its own, with an address
 * the built-in IPAM reserves for that node. The port's MAC is derived from
 * (zone, vnet, node), so the config service (which reserves) and the agent
 * (which plugs) name the same IPAM entry without talking to each other.
 * Several serving nodes answer on one wire (a VXLAN floods a DISCOVER to
 * all of them): only static entries (`dhcp-ignore=tag:!known`, `static`
 * ranges) keep their answers equal; a dynamic range here would let two
 * nodes lease one address to two guests.
 */

/** The file of a port zone that lists its ports, beside the dnsmasq files (dnsmasq reads only `*.conf`). */
export const DHCP_PORTS_FILE = 'dhcp-ports.json';

/** `<zone>/dhcp-ports.json`: per vnet served, the port's MAC and the subnets it needs an address in. */
export interface DhcpPortsSpec {
  vnets: Record<string, { mac: string; subnets: string[] }>;
}

export function isDhcpPortZone(zone: Zone): boolean {
  return isSet(zone.dhcp) && DHCP_PORT_ZONE_TYPES.has(text(zone.type));
}

/** Whether `node` serves the zone's DHCP: deployed there and one of `dhcp-nodes` (unset: every node of the zone). */
export function servesDhcp(zone: Zone, node: string): boolean {
  if (!deployedOn(nodeList(zone.nodes), node)) return false;
  if (!isDhcpPortZone(zone)) return true;
  const serving = nodeList(zone['dhcp-nodes']);
  return serving.length === 0 || serving.includes(node);
}

/** A locally administered unicast MAC, stable for (zone, vnet, node). */
export function dhcpPortMac(zone: string, vnet: string, node: string): string {
  const h = createHash('sha256').update(`sdn-dhcp-port\0${zone}\0${vnet}\0${node}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The hostname of a DHCP port's IPAM entry: says what holds the address to whoever reads the IPAM. */
export function dhcpPortHostname(node: string): string {
  return `dhcp-port-${node}`;
}

/** The node whose DHCP port holds an IPAM entry, or undefined when the entry is no DHCP port's. */
export function dhcpPortNodeOf(entry: { zone?: string; vnet?: string; mac?: string | null; hostname?: string | null }): string | undefined {
  const m = /^dhcp-port-(.+)$/.exec(entry.hostname ?? '');
  if (!m || !entry.zone || !entry.vnet || !entry.mac) return undefined;
  return entry.mac.toLowerCase() === dhcpPortMac(entry.zone, entry.vnet, m[1]) ? m[1] : undefined;
}

/** The interface names of a vnet's DHCP port: on the node, in the vnet bridge; in the namespace, named as the vnet (dnsmasq's `interface=` line). */
export function dhcpPortHostIfname(vnet: string): string {
  return `dhcp_${vnet}`;
}

/** The outer end of the vnet's DHCP port when its zone serves DHCP from ports (the bridge must keep it across ifreloads), else undefined. */
export function dhcpPortOfBridge(zone: Zone, vnet: string): string | undefined {
  return isDhcpPortZone(zone) ? dhcpPortHostIfname(vnet) : undefined;
}

/** The network namespace of a zone's DHCP ports, under the node's root (`/run/netns`: `ip netns exec sdn-dhcp-<zone>` reaches it). */
export function dhcpNetnsPath(zone: string): string {
  return `/run/netns/sdn-dhcp-${zone}`;
}
