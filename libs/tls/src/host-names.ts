import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** Names and addresses a server certificate for this host should cover. */
export interface HostIdentity {
  dns: string[];
  ips: string[];
}

/**
 * This host's names (short and full hostname, `localhost`) and every
 * interface address but link-local ones, plus `extra` (the listen host, SDN_TLS_NAMES: names a
 * load balancer or container network gives the API).
 */
export function hostIdentity(extra: string[] = [], interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): HostIdentity {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const h = hostname().toLowerCase();
  if (h) {
    dns.add(h);
    dns.add(h.split('.')[0]);
  }
  for (const list of Object.values(interfaces)) for (const a of list ?? []) if (!isLinkLocal(a.address)) ips.add(a.address.replace(/%.*$/, ''));
  for (const e of extra.map((x) => x.trim()).filter(Boolean)) {
    if (isIP(e)) ips.add(e);
    // Wildcard listen addresses are no name a client can reach.
    else if (e !== '0.0.0.0' && e !== '::') dns.add(e.toLowerCase());
  }
  ips.delete('0.0.0.0');
  ips.delete('::');
  return { dns: [...dns].filter((d) => /^[a-z0-9*]([a-z0-9.-]*[a-z0-9])?$/.test(d)).sort(), ips: [...ips].sort() };
}

/**
 * fe80::/10 and 169.254.0.0/16: no client reaches a server by them without a
 * zone, and every container's veth brings a new one. Covering them reissued
 * the certificate (a new fingerprint for pinned clients) whenever a container
 * started on the host.
 */
function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address) || address.startsWith('169.254.');
}
