import * as ipaddr from 'ipaddr.js';
import { isSet, sortedKeys, text, type RunningConfig, type Zone } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import { tunnelMtu, zoneMtu } from '../ifupdown/mtu';
import { DHCP_PORTS_FILE, dhcpPortMac, isDhcpPortZone, servesDhcp, type DhcpPortsSpec } from './dhcp-ports';

/** Where the reference keeps a DHCP zone's dnsmasq files (§6.8); bundle paths are relative to it. */
export const DNSMASQ_CONFIG_ROOT = '/etc/dnsmasq.d';
export const DNSMASQ_LEASE_ROOT = '/var/lib/misc';

/**
 * Zone types whose vnet bridges carry the subnet gateways on every node, so
 * a dnsmasq on the node's bridge serves the guests of that node. The
 * reference has simple only; evpn is ours (anycast gateway on every node).
 */
export const NODE_GATEWAY_DHCP_TYPES: ReadonlySet<string> = new Set(['simple', 'evpn']);

/** `<zone>/<file>` → content, the files of `/etc/dnsmasq.d/` one node runs. */
export type DnsmasqFiles = Record<string, string>;

/** The ethers file of a zone (reservations MAC → IPs), relative to DNSMASQ_CONFIG_ROOT. */
export function ethersPath(zone: string): string {
  return `${zone}/ethers`;
}

/**
 * The DHCP zones served on `node` (sorted): `dhcp` set, deployed on the node,
 * and either a node-gateway type or a port zone (dhcp-ports.ts) that names
 * the node among its `dhcp-nodes`.
 */
export function dhcpZonesOfNode(config: RunningConfig, node: string): string[] {
  const zones = config.zones?.ids ?? {};
  return sortedKeys(zones).filter((id) => {
    const z = zones[id];
    if (!isSet(z.dhcp) || !(NODE_GATEWAY_DHCP_TYPES.has(text(z.type)) || isDhcpPortZone(z))) return false;
    return servesDhcp(z, node);
  });
}

/**
 * The dnsmasq configuration of every DHCP zone on the node, in the
 * reference's layout (§6.8): `<zone>/00-default.conf` and one
 * `<zone>/10-<vnet>.conf` per vnet that has something to serve. Undefined
 * when the node serves no DHCP zone. Unlike the reference (quirk: pending
 * subnets) the subnets come from the running config, like everything else
 * the node runs. The ethers file is not here: it follows the IPAM, not the
 * applied config, and the agent keeps it.
 */
export function renderDnsmasq(config: RunningConfig, facts: Pick<NodeFacts, 'nodename'>): DnsmasqFiles | undefined {
  const zones = dhcpZonesOfNode(config, facts.nodename);
  if (!zones.length) return undefined;
  const files: DnsmasqFiles = {};
  const vnets = config.vnets?.ids ?? {};
  for (const zoneId of zones) {
    const zone = config.zones!.ids[zoneId];
    const ports = isDhcpPortZone(zone);
    files[`${zoneId}/00-default.conf`] = defaultConf(zoneId, dhcpMtu(zone), !ports);
    const spec: DhcpPortsSpec = { vnets: {} };
    for (const vnetId of sortedKeys(vnets).filter((v) => text(vnets[v].zone) === zoneId)) {
      const { lines, subnets } = vnetLines(config, zoneId, vnetId);
      if (!lines.length) continue;
      // In a port zone the DHCP port inside the namespace carries the vnet's name: the same line serves both layouts.
      files[`${zoneId}/10-${vnetId}.conf`] = [...lines, `interface=${vnetId}`].join('\n') + '\n';
      spec.vnets[vnetId] = { mac: dhcpPortMac(zoneId, vnetId, facts.nodename), subnets };
    }
    if (ports) files[`${zoneId}/${DHCP_PORTS_FILE}`] = JSON.stringify(spec, null, 1) + '\n';
  }
  return files;
}

/** The MTU announced by DHCP option 26 and RAs: the MTU of the zone's bridges. */
function dhcpMtu(zone: Zone): string {
  const type = text(zone.type);
  return type === 'evpn' || type === 'vxlan' ? tunnelMtu(zone) : (zoneMtu(zone) ?? '1500');
}

/**
 * `routerAdvertisements`: only where the node is the subnets' gateway; a
 * DHCP port is no router, the guests' IPv6 router is on the wire.
 */
function defaultConf(zone: string, mtu: string, routerAdvertisements: boolean): string {
  const dir = `${DNSMASQ_CONFIG_ROOT}/${zone}`;
  const ra = routerAdvertisements ? 'enable-ra\nquiet-ra\n' : '';
  return `except-interface=lo
${ra}bind-dynamic
no-hosts
dhcp-leasefile=${DNSMASQ_LEASE_ROOT}/dnsmasq.${zone}.leases
dhcp-hostsfile=${dir}/ethers
dhcp-ignore=tag:!known

dhcp-option=26,${mtu}
${routerAdvertisements ? `ra-param=*,mtu:${mtu},0\n` : ''}
# Send an empty WPAD option. This may be REQUIRED to get windows 7 to behave.
dhcp-option=252,"\\n"

# Send microsoft-specific option to tell windows to release the DHCP lease
# when it shuts down. Note the "i" flag, to tell dnsmasq to send the
# value as a four-byte integer - that's what microsoft wants.
dhcp-option=vendor:MSFT,2,1i

# If a DHCP client claims that its name is "wpad", ignore that.
# This fixes a security hole. see CERT Vulnerability VU#598349
dhcp-name-match=set:wpad-ignore,wpad
dhcp-ignore-names=tag:wpad-ignore
`;
}

/**
 * The lines of one vnet: per subnet of the vnet whose ID names the zone
 * (sorted), a static-only range over the whole network (the configured
 * `dhcp-range` values only steer IPAM allocation, quirk 28), the router and
 * the DNS server. IPv6 subnets without gateway are skipped as in the
 * reference (validation refuses them, this guards older running configs).
 */
function vnetLines(config: RunningConfig, zoneId: string, vnetId: string): { lines: string[]; subnets: string[] } {
  const subnets = config.subnets?.ids ?? {};
  const lines: string[] = [];
  const served: string[] = [];
  for (const id of sortedKeys(subnets)) {
    const s = subnets[id];
    if (text(s.vnet) !== vnetId || !id.startsWith(`${zoneId}-`)) continue;
    const [, network = '', prefix = ''] = id.split('-');
    if (!ipaddr.isValid(network)) continue;
    const v6 = ipaddr.parse(network).kind() === 'ipv6';
    const gateway = isSet(s.gateway) ? text(s.gateway) : undefined;
    if (v6 && !gateway) continue;
    const mask = v6 ? prefix : ipaddr.IPv4.subnetMaskFromPrefixLength(Number(prefix)).toString();
    lines.push(`dhcp-range=set:${id},${network},static,${mask},infinite`);
    served.push(id);
    if (!v6 && gateway) lines.push(`dhcp-option=tag:${id},option:router,${gateway}`);
    if (isSet(s['dhcp-dns-server'])) lines.push(`dhcp-option=tag:${id},${v6 ? 'option6' : 'option'}:dns-server,${text(s['dhcp-dns-server'])}`);
  }
  return { lines, subnets: served };
}

/** One reservation per MAC (§6.8 step 3): `<mac>,<ip4>`, `<mac>,[<ip6>]` or `<mac>,<ip4>,[<ip6>]`. */
export interface Reservation {
  mac: string;
  ip4?: string;
  ip6?: string;
}

/** The ethers file for `reservations`, sorted by MAC so that equal sets give equal files (a reload only on change). */
export function renderEthers(reservations: Reservation[]): string {
  const lines = [...reservations]
    .filter((r) => r.ip4 || r.ip6)
    .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0))
    .map((r) => [r.mac, ...(r.ip4 ? [r.ip4] : []), ...(r.ip6 ? [`[${r.ip6}]`] : [])].join(','));
  return lines.map((l) => `${l}\n`).join('');
}
