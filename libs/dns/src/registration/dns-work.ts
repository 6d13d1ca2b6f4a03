import ipaddr from 'ipaddr.js';
import type { IpEventV1 } from '@sdn/contracts';
import type { DnsServerConfig } from '../plugin';
import { canonicalIp, composeHostname, forwardFqdn } from '../powerdns/naming';
import { reverseZone } from '../powerdns/reverse-zone';

/**
 * Turns an IP event plus the running config into the DNS work it implies,
 * following the reference's preconditions (§6.6 end, §6.7): forward records
 * need the zone's `dns` and `dnszone` and a hostname; PTR records need
 * `reversedns`, `dnszone`, a non-empty reverse zone and a hostname; PTR
 * deletion needs only `reversedns` and a reverse zone. Pure: no I/O.
 */

/** The slice of the running config this needs (the reference's JSON shape). */
export interface DnsRunningConfig {
  zones?: { ids?: Record<string, { dns?: unknown; reversedns?: unknown; dnszone?: unknown; [k: string]: unknown }> };
  subnets?: { ids?: Record<string, { vnet?: unknown; dnszoneprefix?: unknown; [k: string]: unknown }> };
  dns?: { ids?: Record<string, DnsServerConfig> };
}

export interface DnsTarget {
  /** DNS server id (`dns.ids.<id>`) and its config. */
  serverId: string;
  server: DnsServerConfig;
  /** Zone the PATCH goes to: the forward `dnszone`, or the computed reverse zone. */
  zone: string;
}

export interface DnsWork {
  /** Canonical address. */
  ip: string;
  /** `<hostname>[.<dnszoneprefix>]`, when the event has a hostname. */
  hostname?: string;
  /** Forward zone target; `fqdn` set when there is a hostname. */
  forward?: DnsTarget & { fqdn?: string };
  /** Reverse zone target; `ptrTarget` (`host[.prefix].dnszone`) set when a PTR may be added. */
  reverse?: DnsTarget & { ptrTarget?: string };
}

export type DnsPlan = { work: DnsWork } | { skip: string };

export function planDnsWork(running: DnsRunningConfig, ev: IpEventV1): DnsPlan {
  const zone = running.zones?.ids?.[ev.zone];
  if (!zone) return { skip: `zone ${ev.zone} is not in the running config` };
  const dnsId = str(zone.dns);
  const reverseId = str(zone.reversedns);
  const dnszone = str(zone.dnszone);
  if (!dnsId && !reverseId) return { skip: `zone ${ev.zone} has no dns` };

  const ip = canonicalIp(ev.ip);
  const subnet = findSubnet(running, ev, ip);
  const hostname = ev.hostname ? composeHostname(ev.hostname, str(subnet?.config.dnszoneprefix)) : undefined;
  const work: DnsWork = { ip, hostname };

  if (dnsId && dnszone) {
    work.forward = { serverId: dnsId, server: server(running, dnsId), zone: dnszone, fqdn: hostname ? forwardFqdn(hostname, dnszone) : undefined };
  }
  if (reverseId) {
    if (!subnet) throw new Error(`can't find subnet ${ev.subnet} of ip ${ip} in the running config`);
    const srv = server(running, reverseId);
    const mask = Number(srv.reversemaskv6);
    // As in the reference, this can fail (IPv6 mask not a multiple of 4) even when no PTR would be written.
    const rz = reverseZone(subnet.cidr, ip, Number.isInteger(mask) && mask > 0 ? mask : undefined);
    if (rz) {
      work.reverse = { serverId: reverseId, server: srv, zone: rz, ptrTarget: hostname && dnszone ? `${hostname}.${dnszone.replace(/^\.+|\.+$/g, '')}` : undefined };
    }
  }
  if (!work.forward && !work.reverse) return { skip: `zone ${ev.zone} has no dns zone for ${ip}` };
  return { work };
}

/**
 * What of the event's place the running config lacks: its zone, or the subnet holding its address.
 * Undefined when both are there. A gateway event waits on this (§6.1 registers the gateway when the
 * subnet is created, usually before the apply that brings zone and subnet into the running config).
 */
export function configGap(running: DnsRunningConfig, ev: IpEventV1): string | undefined {
  if (!running.zones?.ids?.[ev.zone]) return `zone ${ev.zone} is not in the running config`;
  if (!findSubnet(running, ev, canonicalIp(ev.ip))) return `subnet ${ev.subnet} of ip ${ev.ip} is not in the running config`;
  return undefined;
}

/** Dns server object by id; a zone naming a missing server is a config error the operator must fix. */
function server(running: DnsRunningConfig, id: string): DnsServerConfig {
  const s = running.dns?.ids?.[id];
  if (!s) throw new Error(`dns server '${id}' does not exist in the running config`);
  return s;
}

/**
 * The event's subnet: by stored id (`<zone>-<addr>-<len>`), by id built from
 * a CIDR, or else the subnet of the vnet containing the address.
 */
function findSubnet(running: DnsRunningConfig, ev: IpEventV1, ip: string): { id: string; cidr: string; config: Record<string, unknown> } | undefined {
  const ids = running.subnets?.ids ?? {};
  const candidates = [ev.subnet, `${ev.zone}-${String(ev.subnet).replace('/', '-')}`];
  for (const id of candidates) {
    const cidr = cidrOfId(id);
    if (ids[id] && cidr) return { id, cidr, config: ids[id] };
  }
  const addr = ipaddr.parse(ip);
  for (const id of Object.keys(ids).sort()) {
    const cidr = cidrOfId(id);
    if (!cidr || (ev.vnet && ids[id].vnet !== ev.vnet)) continue;
    const [net, len] = ipaddr.parseCIDR(cidr);
    if (net.kind() === addr.kind() && addr.match(net, len)) return { id, cidr, config: ids[id] };
  }
  return undefined;
}

/** `<zone>-<addr>-<len>` → `<addr>/<len>` (zone ids and addresses never contain '-', §3.4). */
function cidrOfId(id: string): string | undefined {
  const parts = String(id).split('-');
  if (parts.length !== 3) return undefined;
  const cidr = `${parts[1]}/${parts[2]}`;
  try {
    ipaddr.parseCIDR(cidr);
    return cidr;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v);
}
