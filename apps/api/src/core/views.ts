/**
 * Read-side shaping of objects (pure): the reference's pending view (§4.2),
 * section digests and the per-kind response decorations.
 */
import { createHash } from 'node:crypto';
import { byteOrder, splitList, ZONE_NODE_SET_KEYS } from '@sdn/model';
import { sectionRevision, type SdnObject, type SectionName } from '@sdn/event-store';
import { SECRET_PROPERTIES } from '@sdn/secrets';

type Ids = Readonly<Record<string, SdnObject>>;

const SET_KEYS = new Set([...ZONE_NODE_SET_KEYS, 'dhcp-range', 'interfaces']);

/** §4.2 canonical encoding: sets/arrays as sorted comma lists, everything else as its string. */
export function canonical(key: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (SET_KEYS.has(key)) {
    const items = Array.isArray(v) ? v.map(String) : typeof v === 'object' ? Object.keys(v as object) : splitList(v);
    return [...items].sort(byteOrder).join(',');
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The merged pending view of §4.2: running values on top, `state` and `pending` for differences. */
export function pendingView(running: Ids, current: Ids): Record<string, SdnObject> {
  const out: Record<string, SdnObject> = {};
  for (const id of Object.keys(running).sort(byteOrder)) {
    const r = running[id];
    const c = current[id];
    const o: SdnObject = (out[id] = {});
    const gone = !c || !Object.keys(c).length;
    if (gone) o.state = 'deleted';
    for (const k of Object.keys(r)) {
      o[k] = r[k];
      if (gone) continue;
      if (c[k] === undefined) {
        ((o.pending ??= {}) as SdnObject)[k] = 'deleted';
        o.state = 'changed';
      } else if (canonical(k, r[k]) !== canonical(k, c[k])) o.state = 'changed';
    }
  }
  for (const id of Object.keys(current).sort(byteOrder)) {
    const c = current[id];
    const r = running[id];
    const o: SdnObject = (out[id] ??= {});
    if (!r) o.state = 'new';
    for (const k of Object.keys(c)) {
      if (k === 'type' || k === 'vnet') o[k] = c[k];
      else if (!r || r[k] === undefined || canonical(k, r[k]) !== canonical(k, c[k])) ((o.pending ??= {}) as SdnObject)[k] = c[k];
      if (r && r[k] === undefined && c[k] !== undefined) o.state = 'changed';
    }
  }
  for (const o of Object.values(out)) if (o.state) o.pending ??= {};
  return out;
}

/** True when any staged object differs between pending and running (the lock's "pending changes"). */
export function hasPendingChanges(running: Record<string, Ids>, current: Record<string, Ids>, sections: readonly string[]): boolean {
  return sections.some((s) => Object.values(pendingView(running[s] ?? {}, current[s] ?? {})).some((o) => o.state));
}

const digests = new WeakMap<object, { rev: number; digest: string }>();

/**
 * The section's digest: SHA-1 over its canonical content, like the
 * reference's digest of the whole `.cfg` file. Cached per section object and
 * its revision (a write batch may change a section in place before commit).
 */
export function sectionDigest(ids: Ids): string {
  const rev = sectionRevision(ids);
  const hit = digests.get(ids);
  if (hit && hit.rev === rev) return hit.digest;
  const h = createHash('sha1');
  for (const id of Object.keys(ids).sort(byteOrder)) h.update(JSON.stringify([id, sortKeys(ids[id])]));
  const digest = h.digest('hex');
  digests.set(ids, { rev, digest });
  return digest;
}

function sortKeys(o: SdnObject): [string, unknown][] {
  return Object.keys(o)
    .sort(byteOrder)
    .map((k) => [k, o[k]]);
}

/** Write-only properties: accepted on create/update, stored sealed (@sdn/secrets), never returned. */
export const SECRET_KEYS = SECRET_PROPERTIES as Partial<Record<SectionName, readonly string[]>>;

function nodeListString(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).sort(byteOrder).join(',');
  return v;
}

function parseRange(s: unknown): Record<string, string> | null {
  if (typeof s === 'object' && s) return s as Record<string, string>;
  const o: Record<string, string> = {};
  for (const part of String(s).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) o[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return o['start-address'] && o['end-address'] ? o : null;
}

/** Per-kind response decorations applied to one object (top level and `pending`). */
export function decorate(section: SectionName, id: string, o: SdnObject): SdnObject {
  const out: SdnObject = { ...o };
  for (const k of SECRET_KEYS[section] ?? []) delete out[k];
  const fix = (x: SdnObject) => {
    for (const k of ZONE_NODE_SET_KEYS) if (k in x) x[k] = nodeListString(x[k]);
    if (Array.isArray(x['dhcp-range'])) x['dhcp-range'] = x['dhcp-range'].map(parseRange).filter(Boolean);
  };
  fix(out);
  if (out.pending && typeof out.pending === 'object') {
    const p = { ...(out.pending as SdnObject) };
    for (const k of SECRET_KEYS[section] ?? []) delete p[k];
    fix(p);
    out.pending = p;
  }
  const idKey = { zones: 'zone', vnets: 'vnet', subnets: 'subnet', controllers: 'controller', ipams: 'ipam', dns: 'dns', fabrics: 'id' }[section];
  out[idKey] = id;
  if (section === 'subnets') {
    const [zone, network, mask] = id.split('-');
    Object.assign(out, { id, zone, network, mask, cidr: `${network}/${mask}` });
    out.type ??= 'subnet';
  }
  if (section === 'vnets') out.type ??= 'vnet';
  return out;
}
