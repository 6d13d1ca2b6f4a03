import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** Names and addresses a server certificate for this host should cover. */
export interface HostIdentity {
  dns: string[];
  ips: string[];
  /**
   * The interfaces' addresses: covered when a certificate is issued, but one
   * that appears later does not reissue it (container bridges and veths come
   * and go; each reissue changed the fingerprint that clients pin). Names and
   * addresses asked for (`dns`, `ips`) do.
   */
  discovered?: string[];
}

/**
 * This host's names (short and full hostname, `localhost`), loopback and
 * `extra` (asked for), and every interface address but link-local ones
 * (discovered), with `extra` (the listen host, SDN_TLS_NAMES: names a
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
  const discovered = new Set<string>();
  for (const list of Object.values(interfaces)) for (const a of list ?? []) if (!isLinkLocal(a.address)) discovered.add(a.address.replace(/%.*$/, ''));
  for (const e of extra.map((x) => x.trim()).filter(Boolean)) {
    if (isIP(e)) ips.add(e);
    // Wildcard listen addresses are no name a client can reach.
    else if (e !== '0.0.0.0' && e !== '::') dns.add(e.toLowerCase());
  }
  ips.delete('0.0.0.0');
  ips.delete('::');
  for (const ip of ips) discovered.delete(ip);
  return { dns: [...dns].filter((d) => /^[a-z0-9*]([a-z0-9.-]*[a-z0-9])?$/.test(d)).sort(), ips: [...ips].sort(), discovered: [...discovered].sort() };
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
