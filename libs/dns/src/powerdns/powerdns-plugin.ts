import type { DnsPlugin, DnsServerConfig } from '../plugin';
import { PowerDnsHttp, PowerDnsHttpError, type FetchLike } from './http';
import { addressRecordType, canonicalIp, forwardFqdn, reverseName, sameName } from './naming';
import { PatchBatcher } from './patch-batcher';
import { reverseZone } from './reverse-zone';
import { ZoneReader } from './zone-reader';
import { addAddressChange, findRrset, ptrDeleteChange, ptrReplaceChange, removeAddressChange, type PdnsRrset, type RrsetChange, type Ttl } from './rrset';

/** TTL when the server object has none (or 0), as in the reference (§2.7). */
export const DEFAULT_TTL = 14400;

/**
 * Concurrent GETs per server. Unbounded, a burst of events opens one
 * connection per request, PowerDNS' webserver listen backlog overflows, and
 * the dropped SYNs come back only after the 1 s TCP retransmit (seen as a
 * 1.2 s tail in bench:dns). Writes do not queue behind reads: they have their
 * own lane (PatchBatcher). At most 2 of the reads are for one zone; lookups
 * waiting behind them share one listing of the zone when that is cheaper
 * than their own GETs (ZoneReader).
 */
const READS = 7;

interface ZoneListing {
  rrsets?: PdnsRrset[];
}

/**
 * The PowerDNS plugin (§6.6). The write of each operation is the reference's
 * request byte for byte (conformance vectors). Deliberate differences:
 * - errors are never swallowed ("noerr"): the DNS service must know whether
 *   PowerDNS accepted a change before it acknowledges the event;
 * - the rrset lookup before an A/AAAA add or delete asks for that rrset only,
 *   unless enough lookups of the zone wait that one listing is cheaper;
 * - PATCHes to one server are serialised, and those queued for the same zone
 *   are merged into one (PatchBatcher); a lone change is sent as is.
 */
export class PowerDnsPlugin implements DnsPlugin {
  private readonly http: PowerDnsHttp;
  private readonly ttl: Ttl;
  private readonly reversemaskv6?: number;
  private readonly writes: PatchBatcher;
  /** Reads in flight to this server; with the one write of the batcher, at most READS + 1 connections. */
  private readonly reads: ZoneReader;

  constructor(config: DnsServerConfig, opts: { fetch?: FetchLike; timeoutMs?: number } = {}) {
    if (!config.url) throw new PowerDnsHttpError('dns server has no url');
    this.http = new PowerDnsHttp({ url: config.url, key: String(config.key ?? ''), fetch: opts.fetch, timeoutMs: opts.timeoutMs });
    // Pass the configured value through unchanged (a string stays a string, as in the reference's bodies).
    this.ttl = isSetTtl(config.ttl) ? (config.ttl as Ttl) : DEFAULT_TTL;
    const mask = Number(config.reversemaskv6);
    this.reversemaskv6 = Number.isInteger(mask) && mask > 0 ? mask : undefined;
    this.reads = new ZoneReader({
      max: READS,
      fetch: async (zone, name, type) => {
        // rrset_name/rrset_type: PowerDNS ≥ 4.7; older servers ignore them and list the zone (findRrset filters).
        const filter = name && type ? `?rrset_name=${encodeURIComponent(name)}&rrset_type=${type}` : '';
        return (await this.http.request<ZoneListing>('GET', `/zones/${zone}${filter}`))?.rrsets ?? [];
      },
    });
    this.writes = new PatchBatcher((zone, rrsets) => this.http.request('PATCH', `/zones/${zone}`, { rrsets }).then(() => undefined));
  }

  async verifyZone(zone: string): Promise<void> {
    try {
      await this.reads.run(() => this.http.request('GET', `/zones/${zone}?rrsets=false`));
    } catch (e) {
      throw wrap(`can't read zone ${zone}`, e);
    }
  }

  async verifyServer(): Promise<void> {
    try {
      await this.reads.run(() => this.http.request('GET', ''));
    } catch (e) {
      throw wrap('dns api error', e);
    }
  }

  async addARecord(zone: string, hostname: string, ip: string): Promise<void> {
    const fqdn = forwardFqdn(hostname, zone);
    const type = addressRecordType(ip);
    const rrsets = await this.zoneRrsets(zone, fqdn, type);
    const change = addAddressChange(findRrset(rrsets, fqdn, type), fqdn, type, canonicalIp(ip), this.ttl);
    if (change) await this.patch(zone, change, `error add ${fqdn} to zone ${zone}`);
  }

  async delARecord(zone: string, hostname: string, ip: string): Promise<void> {
    const fqdn = forwardFqdn(hostname, zone);
    const type = addressRecordType(ip);
    const rrsets = await this.zoneRrsets(zone, fqdn, type);
    const change = removeAddressChange(findRrset(rrsets, fqdn, type), fqdn, type, ip);
    if (change) await this.patch(zone, change, `error delete ${fqdn} from zone ${zone}`);
  }

  /**
   * Removes `ip` from every A/AAAA rrset of the zone except `exceptFqdn`. Used
   * when a hostname changes and the event does not carry the old name: the
   * records holding the address are the old name (the reference instead looks
   * the old name up in its IPAM, §6.7).
   */
  async delAddressFromOtherNames(zone: string, ip: string, exceptFqdn?: string): Promise<string[]> {
    const type = addressRecordType(ip);
    const removed: string[] = [];
    for (const rrset of await this.zoneRrsets(zone)) {
      if (rrset.type !== type || (exceptFqdn && sameName(rrset.name, exceptFqdn))) continue;
      const change = removeAddressChange(rrset, rrset.name, type, ip);
      if (!change) continue;
      await this.patch(zone, change, `error delete ${rrset.name} from zone ${zone}`);
      removed.push(rrset.name);
    }
    return removed;
  }

  async addPtrRecord(zone: string, hostname: string, ip: string): Promise<void> {
    const reverse = reverseName(ip);
    await this.patch(zone, ptrReplaceChange(reverse, hostname, this.ttl), `error add ${reverse} to zone ${zone}`);
  }

  async delPtrRecord(zone: string, ip: string): Promise<void> {
    const reverse = reverseName(ip);
    await this.patch(zone, ptrDeleteChange(reverse), `error delete ${reverse} from zone ${zone}`);
  }

  reverseZone(cidr: string, ip: string): string {
    return reverseZone(cidr, ip, this.reversemaskv6);
  }

  /**
   * The zone's rrsets; a zone that cannot be read is an error, as in the
   * reference. With `name`/`type` it asks only for that rrset: the reference
   * fetches the whole zone on every add and delete, which grows with the
   * zone. Under a backlog, lookups of one zone share a listing (ZoneReader).
   */
  private async zoneRrsets(zone: string, name?: string, type?: string): Promise<PdnsRrset[]> {
    try {
      return await this.reads.rrsets(zone, name, type);
    } catch (e) {
      throw wrap(`can't read zone ${zone}`, e);
    }
  }

  private async patch(zone: string, change: RrsetChange, context: string): Promise<void> {
    try {
      await this.writes.submit(zone, change);
    } catch (e) {
      throw wrap(context, e);
    }
  }
}

function isSetTtl(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && Number(v) !== 0;
}

/** Keeps the HTTP status on the wrapped error so retry decisions still see it. */
function wrap(context: string, e: unknown): PowerDnsHttpError {
  const status = e instanceof PowerDnsHttpError ? e.status : undefined;
  return new PowerDnsHttpError(`${context}: ${(e as Error)?.message ?? String(e)}`, status);
}
