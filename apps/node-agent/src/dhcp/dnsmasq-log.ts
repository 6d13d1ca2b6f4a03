import type { DhcpLeaseRequest } from '@sdn/ipam';

/** What a node reports of a lease: the request without the zone (the dnsmasq instance's). */
export type LeaseReport = Omit<DhcpLeaseRequest, 'zone'>;

const MAC = '([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})';
const IP4 = '(\\d{1,3}(?:\\.\\d{1,3}){3})';
/** dnsmasq's log_packet lines (rfc2131.c): `DHCP<TYPE>(<interface>) [<ip> ]<mac>[ <extra>]`, an xid before them with log-dhcp. */
const DISCOVER_IGNORED = new RegExp(`DHCPDISCOVER\\(([^)\\s]+)\\) (?:${IP4} )?${MAC} ignored\\s*$`);
const ACK = new RegExp(`DHCPACK\\(([^)\\s]+)\\) ${IP4} ${MAC}(?: (\\S+))?\\s*$`);
const RELEASE = new RegExp(`DHCPRELEASE\\(([^)\\s]+)\\) ${IP4} ${MAC}(?:\\s.*)?$`);

/**
 * The lease event in a line of dnsmasq's log, if any. The log is the one
 * place dnsmasq tells of a DISCOVER it ignored (an unknown MAC: no
 * dhcp-script runs for it), and the same stream carries the ACK (with the
 * client's host name) and the RELEASE, so one reader serves all three.
 * The interface is the vnet (the reference names the bridge after it).
 */
export function leaseReportOf(line: string): LeaseReport | undefined {
  let m = DISCOVER_IGNORED.exec(line);
  if (m) return { op: 'discover', vnet: m[1], mac: m[3].toLowerCase() };
  m = ACK.exec(line);
  if (m) return { op: 'bound', vnet: m[1], ip: m[2], mac: m[3].toLowerCase(), ...(m[4] ? { hostname: m[4] } : {}) };
  m = RELEASE.exec(line);
  if (m) return { op: 'released', vnet: m[1], ip: m[2], mac: m[3].toLowerCase() };
  return undefined;
}
