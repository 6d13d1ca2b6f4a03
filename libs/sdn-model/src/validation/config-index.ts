import type { ObjectKind } from '../schema/kind';
import { cidrBounds } from '../schema/formats';
import { isPlainObject, normaliseObject, SCHEMAS, type SdnConfig } from '../schema/normalise';
import { parseSubnetId } from '../schema/subnet-id';
import { int, text } from '../values';

/** What the cross-object rules group a vnet by, read from its normalised value. */
export interface VnetFacts {
  zone: string;
  tag: number | undefined;
}

/** Address block of a subnet ID, for overlap look-ups. */
export interface SubnetSpan {
  family: number;
  prefix: number;
  first: bigint;
  last: bigint;
}

interface IndexedSpan extends SubnetSpan {
  id: string;
}

const blockKey = (family: number, first: bigint, last: bigint) => `${family}/${first}/${last}`;

/** Order of the span list: family, then start address, then ID. */
function spanBefore(a: IndexedSpan, family: number, first: bigint, id: string): boolean {
  return a.family < family || (a.family === family && (a.first < first || (a.first === first && a.id < id)));
}

interface SubnetEntry {
  raw: unknown;
  /** Normalised `vnet`, plus the stored text when it differs (the edits' own checks read the stored one). */
  vnetKeys: string[];
  span: SubnetSpan | undefined;
}

interface VnetEntry {
  raw: unknown;
  facts: VnetFacts;
  /** Normalised zone, plus the stored text when it differs. */
  zoneKeys: string[];
}

/** A map from key to a set of IDs. */
class Groups<K> {
  private readonly map = new Map<K, Set<string>>();
  add(key: K, id: string): void {
    let s = this.map.get(key);
    if (!s) this.map.set(key, (s = new Set()));
    s.add(id);
  }
  delete(key: K, id: string): void {
    const s = this.map.get(key);
    if (!s) return;
    s.delete(id);
    if (!s.size) this.map.delete(key);
  }
  get(key: K | undefined): ReadonlySet<string> {
    return (key !== undefined && this.map.get(key)) || EMPTY;
  }
}
const EMPTY: ReadonlySet<string> = new Set();

export function vnetFacts(raw: unknown): VnetFacts {
  const v = normaliseObject(SCHEMAS.vnets, raw).value;
  return { zone: text(v.zone), tag: int(v.tag) };
}

function keysOf(normalised: unknown, raw: unknown): string[] {
  const n = text(normalised);
  const r = isPlainObject(raw) || raw === undefined ? '' : text(raw);
  return r && r !== n ? [n, r] : [n];
}

export function subnetSpan(id: string): SubnetSpan | undefined {
  const p = parseSubnetId(id);
  return p ? { family: p.parsed.family, prefix: p.parsed.prefix, ...cidrBounds(p.parsed) } : undefined;
}

/**
 * Look-up tables over the vnets and subnets of one configuration, so an edit
 * can find the few objects its change can affect (same VNI, same zone, the
 * subnets of a vnet, overlapping blocks) without scanning every object.
 *
 * The index describes one configuration; whoever holds it must `set` every
 * change made to that configuration (the API does so while folding events).
 * Every object it returns is checked against the configuration by identity
 * before use, so a stale entry falls back to full validation rather than
 * giving a wrong answer.
 */
export class ConfigIndex {
  private readonly vnets = new Map<string, VnetEntry>();
  private readonly subnets = new Map<string, SubnetEntry>();
  private readonly byTag = new Groups<number>();
  private readonly byZone = new Groups<string>();
  private readonly untaggedByZone = new Groups<string>();
  private readonly subnetsByVnet = new Groups<string>();
  private readonly subnetsByIdZone = new Groups<string>();
  /** Subnet blocks sorted by spanBefore, and the same by exact block, for overlap look-ups. */
  private readonly spans: IndexedSpan[] = [];
  private readonly byBlock = new Groups<string>();

  static build(config: SdnConfig): ConfigIndex {
    const index = new ConfigIndex();
    for (const kind of ['vnets', 'subnets'] as const) {
      const section = (config as Record<string, unknown>)[kind];
      if (!isPlainObject(section) || !isPlainObject(section.ids)) continue;
      for (const id of Object.keys(section.ids)) index.set(kind, id, section.ids[id]);
    }
    return index;
  }

  /** Records that `kind`/`id` now holds `raw` (undefined: removed). Kinds other than vnets and subnets are read from the configuration itself. */
  set(kind: ObjectKind | 'fabrics', id: string, raw: unknown): void {
    if (kind === 'vnets') this.setVnet(id, raw);
    else if (kind === 'subnets') this.setSubnet(id, raw);
  }

  private setVnet(id: string, raw: unknown): void {
    const old = this.vnets.get(id);
    if (old) {
      if (old.facts.tag !== undefined) this.byTag.delete(old.facts.tag, id);
      for (const z of old.zoneKeys) {
        this.byZone.delete(z, id);
        this.untaggedByZone.delete(z, id);
      }
      this.vnets.delete(id);
    }
    if (raw === undefined) return;
    const facts = vnetFacts(raw);
    const zoneKeys = keysOf(facts.zone, isPlainObject(raw) ? raw.zone : undefined);
    this.vnets.set(id, { raw, facts, zoneKeys });
    if (facts.tag !== undefined) this.byTag.add(facts.tag, id);
    for (const z of zoneKeys) {
      this.byZone.add(z, id);
      if (facts.tag === undefined) this.untaggedByZone.add(z, id);
    }
  }

  private setSubnet(id: string, raw: unknown): void {
    const old = this.subnets.get(id);
    if (old) {
      for (const v of old.vnetKeys) this.subnetsByVnet.delete(v, id);
      this.subnetsByIdZone.delete(parseSubnetId(id)?.zone ?? '', id);
      if (old.span) {
        this.spans.splice(this.lowerBound(old.span.family, old.span.first, id), 1);
        this.byBlock.delete(blockKey(old.span.family, old.span.first, old.span.last), id);
      }
      this.subnets.delete(id);
    }
    if (raw === undefined) return;
    const normalised = normaliseObject(SCHEMAS.subnets, raw).value;
    const vnetKeys = keysOf(normalised.vnet, isPlainObject(raw) ? raw.vnet : undefined);
    const span = subnetSpan(id);
    this.subnets.set(id, { raw, vnetKeys, span });
    if (span) {
      this.spans.splice(this.lowerBound(span.family, span.first, id), 0, { ...span, id });
      this.byBlock.add(blockKey(span.family, span.first, span.last), id);
    }
    for (const v of vnetKeys) this.subnetsByVnet.add(v, id);
    this.subnetsByIdZone.add(parseSubnetId(id)?.zone ?? '', id);
  }

  /** How many vnets or subnets the index holds. */
  size(kind: 'vnets' | 'subnets'): number {
    return (kind === 'vnets' ? this.vnets : this.subnets).size;
  }

  /** The stored object the index saw for `kind`/`id` (vnets and subnets only). */
  raw(kind: 'vnets' | 'subnets', id: string): unknown {
    return (kind === 'vnets' ? this.vnets : this.subnets).get(id)?.raw;
  }

  vnetFacts(id: string): VnetFacts | undefined {
    return this.vnets.get(id)?.facts;
  }

  vnetsWithTag(tag: number | undefined): ReadonlySet<string> {
    return this.byTag.get(tag);
  }

  /** Vnets whose zone (normalised or stored) is `zone`. */
  vnetsInZone(zone: string): ReadonlySet<string> {
    return this.byZone.get(zone);
  }

  untaggedVnetsInZone(zone: string): ReadonlySet<string> {
    return this.untaggedByZone.get(zone);
  }

  /** Subnets whose vnet (normalised or stored) is `vnet`. */
  subnetsOfVnet(vnet: string): ReadonlySet<string> {
    return this.subnetsByVnet.get(vnet);
  }

  /** Subnets whose ID names `zone`. */
  subnetsWithIdZone(zone: string): ReadonlySet<string> {
    return this.subnetsByIdZone.get(zone);
  }

  /** First position in the span list not before (family, first, id). */
  private lowerBound(family: number, first: bigint, id: string): number {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (spanBefore(this.spans[mid], family, first, id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Subnets whose block overlaps `span`. CIDR blocks nest or are disjoint, so
   * a block overlapping `span` either starts inside it (a range of the sorted
   * list) or is one of its enclosing blocks (one look-up per shorter prefix).
   */
  subnetsOverlapping(span: SubnetSpan): string[] {
    const out = new Set<string>();
    for (let i = this.lowerBound(span.family, span.first, ''); i < this.spans.length; i++) {
      const s = this.spans[i];
      if (s.family !== span.family || s.first > span.last) break;
      out.add(s.id);
    }
    const bits = BigInt(span.family === 4 ? 32 : 128);
    for (let p = 0; p < span.prefix; p++) {
      const host = (1n << (bits - BigInt(p))) - 1n;
      const first = span.first & ~host;
      for (const id of this.byBlock.get(blockKey(span.family, first, first | host))) out.add(id);
    }
    return [...out];
  }
}
