/**
 * What the control plane needs from a DNS server plugin (§6.6): the
 * reference has exactly one type, `powerdns`, but zones name their forward and
 * reverse servers by id, so callers work against this interface.
 *
 * `zone` is the DNS zone the PATCH goes to; `hostname` is the full name
 * without the zone for forward records (`host[.prefix]`) and the full name
 * without trailing dot for PTR targets (`host[.prefix].zone`).
 * Every call resolves when the server accepted the change (or it already
 * held), and rejects otherwise.
 */
export interface DnsPlugin {
  /** Throws `can't read zone <zone>: …` unless the zone exists on the server. */
  verifyZone(zone: string): Promise<void>;
  /** Reachability check used when a DNS server object is created or updated (§3.6 I3). */
  verifyServer(): Promise<void>;
  addARecord(zone: string, hostname: string, ip: string): Promise<void>;
  delARecord(zone: string, hostname: string, ip: string): Promise<void>;
  /** Removes `ip` from every A/AAAA name of the zone except `exceptFqdn`; returns the names changed. */
  delAddressFromOtherNames(zone: string, ip: string, exceptFqdn?: string): Promise<string[]>;
  addPtrRecord(zone: string, hostname: string, ip: string): Promise<void>;
  delPtrRecord(zone: string, ip: string): Promise<void>;
  /** Reverse zone for `ip` in subnet `cidr`; '' = none (PTR skipped). */
  reverseZone(cidr: string, ip: string): string;
}

/** A DNS server object as stored in the config (`dns.ids.<id>`, §2.7). */
export interface DnsServerConfig {
  type: string;
  url?: string;
  key?: string;
  ttl?: unknown;
  reversemaskv6?: unknown;
  fingerprint?: string;
  [key: string]: unknown;
}
