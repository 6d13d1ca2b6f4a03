import { nameKey } from './naming';
import type { PdnsRrset } from './rrset';

/** One rrset lookup; `name`/`type` absent = the whole zone. */
interface Waiting {
  zone: string;
  name?: string;
  type?: string;
  resolve: (rrsets: PdnsRrset[]) => void;
  reject: (e: unknown) => void;
}

type Job = { read: Waiting } | { task: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export interface ZoneReaderOptions {
  /** GET of one rrset (`?rrset_name=&rrset_type=`), or of the whole zone without name/type. */
  fetch(zone: string, name?: string, type?: string): Promise<PdnsRrset[]>;
  /** Requests in flight at once. */
  max: number;
  /** Reads of one zone in flight at once (default 2, see `perZone`); the lookups behind them wait and may share a listing. */
  perZone?: number;
  /** Waiting lookups of a zone never listed before that are answered by a listing (default 4; see `threshold`). */
  firstListingAt?: number;
}

/**
 * Reads of one DNS server: at most `max` requests at a time and `perZone`
 * per zone, with lookups that wait for the same zone answered together.
 * PowerDNS (4.7) closes the connection after every API call and builds a
 * backend per request, so a single-rrset GET costs the server and this client
 * about what listing 250 rrsets adds. At a low rate every lookup is its own
 * single-rrset GET, sent at once. When lookups arrive faster than the zone's
 * reads complete they wait, and as soon as enough wait that one listing of
 * the zone is cheaper than their separate GETs, one listing answers them all
 * (bench:dns on a busy machine: ~1000 GETs for 1000 allocations became ~200). The listing is
 * requested after every lookup it answers was asked, so it is at least as
 * fresh as their own GETs would have been.
 */
export class ZoneReader {
  private readonly queue: Job[] = [];
  private active = 0;
  /** Zone → reads of it in flight. */
  private readonly zoneActive = new Map<string, number>();
  /** Zone → rrsets in its last listing, to weigh a listing against single GETs. */
  private readonly sizes = new Map<string, number>();

  constructor(private readonly opts: ZoneReaderOptions) {
    if (!(opts.max >= 1)) throw new Error(`zone reader needs max >= 1, got ${opts.max}`);
  }

  /** The rrsets named `name` of type `type` (or every rrset of the zone without them). */
  rrsets(zone: string, name?: string, type?: string): Promise<PdnsRrset[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ read: { zone, name, type, resolve, reject } });
      this.pump();
    });
  }

  /** Any other request to the server, in the same slots and queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /**
   * Waiting lookups of a zone worth one listing: with n rrsets the listing
   * pays off from 1 + n/250 lookups (measured against PowerDNS 4.7 with
   * sqlite: a single-rrset GET ~2 ms of CPU on both ends, a listing ~2 ms plus
   * ~7 ms per 1000 rrsets). A zone not listed yet is listed from
   * `firstListingAt` lookups; that listing tells its size, so a zone too big
   * to be worth listing is listed once.
   */
  threshold(zone: string): number {
    const n = this.sizes.get(key(zone));
    if (n === undefined) return this.opts.firstListingAt ?? 4;
    return Math.max(2, Math.ceil(1 + n / 250));
  }

  /**
   * Reads of a zone in flight at once. Holding lookups back is what lets them
   * share a listing; for a zone so big that a listing would need more waiting
   * lookups than the server's slots can hold, it would only add delay, so
   * those lookups use every slot as single GETs.
   */
  private perZone(zone: string): number {
    return this.threshold(zone) > 2 * this.opts.max ? this.opts.max : Math.min(this.opts.max, this.opts.perZone ?? 2);
  }

  private pump(): void {
    // First come first served, except that a lookup whose zone has no free read slot lets later jobs pass.
    for (let i = 0; i < this.queue.length && this.active < this.opts.max; ) {
      const job = this.queue[i];
      if ('task' in job) {
        this.queue.splice(i, 1);
        this.start(undefined, (async () => job.task())(), job.resolve, job.reject);
        continue;
      }
      const zone = key(job.read.zone);
      if ((this.zoneActive.get(zone) ?? 0) >= this.perZone(zone)) {
        i++;
        continue;
      }
      const waiting = this.queue.filter((j): j is { read: Waiting } => 'read' in j && key(j.read.zone) === zone).map((j) => j.read);
      const r = job.read;
      if (r.name !== undefined && r.type !== undefined && waiting.length < this.threshold(zone)) {
        this.queue.splice(i, 1);
        this.start(zone, this.opts.fetch(r.zone, r.name, r.type), r.resolve as (v: unknown) => void, r.reject);
        continue;
      }
      // One listing answers every lookup of the zone waiting now.
      for (let k = this.queue.length - 1; k >= 0; k--) {
        const j = this.queue[k];
        if ('read' in j && key(j.read.zone) === zone) this.queue.splice(k, 1);
      }
      const listing = this.opts.fetch(r.zone).then((rrsets) => {
        this.sizes.set(zone, rrsets.length);
        return rrsets;
      });
      this.start(
        zone,
        listing,
        (listed) => {
          const rrsets = listed as PdnsRrset[];
          const byName = new Map<string, PdnsRrset[]>();
          for (const s of rrsets) {
            const k = `${s.type} ${nameKey(s.name)}`;
            byName.set(k, [...(byName.get(k) ?? []), s]);
          }
          for (const w of waiting) w.resolve(w.name === undefined || w.type === undefined ? rrsets : (byName.get(`${w.type} ${nameKey(w.name)}`) ?? []));
        },
        (e) => {
          for (const w of waiting) w.reject(e);
        },
      );
    }
  }

  private start(zone: string | undefined, p: Promise<unknown>, resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
    this.active++;
    if (zone !== undefined) this.zoneActive.set(zone, (this.zoneActive.get(zone) ?? 0) + 1);
    p.then(resolve, reject).finally(() => {
      this.active--;
      if (zone !== undefined) {
        const n = (this.zoneActive.get(zone) ?? 1) - 1;
        if (n > 0) this.zoneActive.set(zone, n);
        else this.zoneActive.delete(zone);
      }
      this.pump();
    });
  }
}

function key(zone: string): string {
  return zone.toLowerCase().replace(/\.$/, '');
}
