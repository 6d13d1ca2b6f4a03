import { sameAddress, sameName } from './naming';

/**
 * PowerDNS rrset edits for address records, as pure functions: given the rrset
 * currently in the zone (or none) they return the single rrset change to PATCH,
 * or null when the zone already is in the wanted state. Returning null is what
 * makes a redelivered event a no-op.
 */

/** TTL as configured: the reference passes the stored value through, so "3600" stays a string. */
export type Ttl = number | string;

export interface PdnsRecord {
  content: string;
  disabled: boolean;
  name?: string;
  type?: string;
  [key: string]: unknown;
}

export interface PdnsRrset {
  name: string;
  type: string;
  ttl?: Ttl;
  records: PdnsRecord[];
  [key: string]: unknown;
}

export interface RrsetChange {
  changetype: 'REPLACE' | 'DELETE';
  name: string;
  type: string;
  ttl?: Ttl;
  records: PdnsRecord[];
}

/** The rrset of that name and type in a zone listing (names compare case-insensitively). */
export function findRrset(rrsets: PdnsRrset[] | undefined, name: string, type: string): PdnsRrset | undefined {
  return (rrsets ?? []).find((r) => r.type === type && sameName(r.name, name));
}

/** A record as the reference writes it: content, disabled=false, and the rrset's name and type repeated. */
export function newRecord(name: string, type: string, content: string): PdnsRecord {
  return { content, disabled: false, name, type };
}

/**
 * Adds `ip` to the rrset `name`/`type`: existing records first (verbatim), the
 * new one appended, ttl from the server config (§6.6 "add A/AAAA").
 */
export function addAddressChange(existing: PdnsRrset | undefined, name: string, type: string, ip: string, ttl: Ttl): RrsetChange | null {
  const records = existing?.records ?? [];
  if (records.some((r) => sameAddress(r.content, ip))) return null;
  return { changetype: 'REPLACE', name, type, ttl, records: [...records, newRecord(name, type, ip)] };
}

/**
 * Removes `ip` from the rrset: REPLACE with the remaining records and the
 * existing rrset's ttl, or DELETE (no ttl) when nothing remains (§6.6).
 */
export function removeAddressChange(existing: PdnsRrset | undefined, name: string, type: string, ip: string): RrsetChange | null {
  if (!existing) return null;
  const remaining = existing.records.filter((r) => !sameAddress(r.content, ip));
  if (remaining.length === existing.records.length) return null;
  if (remaining.length) return { changetype: 'REPLACE', name, type, ttl: existing.ttl, records: remaining };
  return { changetype: 'DELETE', name, type, records: [] };
}

/** PTR: always a full REPLACE of the reverse name with one record `<target>.` (§6.6). */
export function ptrReplaceChange(reverse: string, target: string, ttl: Ttl): RrsetChange {
  const content = target.endsWith('.') ? target : `${target}.`;
  return { changetype: 'REPLACE', name: reverse, type: 'PTR', ttl, records: [newRecord(reverse, 'PTR', content)] };
}

export function ptrDeleteChange(reverse: string): RrsetChange {
  return { changetype: 'DELETE', name: reverse, type: 'PTR', records: [] };
}
