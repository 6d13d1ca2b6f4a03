import { type ObjectKind, SCHEMAS } from '@sdn/model';
import { canonicalObject, type SdnObject } from '@sdn/section-config';
import { SECRET_PROPERTIES } from '@sdn/secrets';
import type { ApiClient } from '../client/api-client';

/** Keys the API adds to an object in its answers (ids, derived subnet fields, view markers). */
const DERIVED: Record<ObjectKind, readonly string[]> = {
  zones: ['zone', 'digest', 'state', 'pending'],
  vnets: ['vnet', 'digest', 'state', 'pending'],
  subnets: ['subnet', 'id', 'zone', 'network', 'mask', 'cidr', 'digest', 'state', 'pending'],
  controllers: ['controller', 'digest', 'state', 'pending'],
  ipams: ['ipam', 'digest', 'state', 'pending'],
  dns: ['dns', 'digest', 'state', 'pending'],
};

export const secretKeys = (kind: ObjectKind): readonly string[] => SECRET_PROPERTIES[kind] ?? [];

/** An object of an API answer → its canonical running-config form (no derived keys). */
export function fromApi(kind: ObjectKind, o: Record<string, unknown>): SdnObject {
  const rest: SdnObject = {};
  for (const [k, v] of Object.entries(o)) if (!DERIVED[kind].includes(k)) rest[k] = v;
  return canonicalObject(kind, rest);
}

const base = (kind: ObjectKind) => `/cluster/sdn/${kind}`;

/** Every object of a kind through the API, in the given view (running=1 for the running config). Keyed by id. */
export async function listObjects(client: ApiClient, kind: ObjectKind, view: { running?: boolean } = {}): Promise<Record<string, SdnObject>> {
  const params = view.running ? { running: 1 } : {};
  const idKey = SCHEMAS[kind].idParam;
  let rows: Record<string, unknown>[];
  if (kind === 'subnets') {
    const vnets = await client.call<{ vnet: string }[]>('GET', base('vnets'), params);
    rows = [];
    for (const v of vnets) rows.push(...(await client.call<Record<string, unknown>[]>('GET', `${base('vnets')}/${encodeURIComponent(v.vnet)}/subnets`, params)));
  } else {
    rows = await client.call<Record<string, unknown>[]>('GET', base(kind), params);
  }
  // A pending view lists deleted objects too; they are not part of it.
  return Object.fromEntries(rows.filter((r) => r.state !== 'deleted').map((r) => [String(kind === 'subnets' ? (r.id ?? r.subnet) : r[idKey]), fromApi(kind, r)]));
}

/** A canonical value in the form the API takes as a parameter (node sets as lists). */
function apiValue(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).sort().join(',');
  return v;
}

function apiProps(o: SdnObject, skip: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => !skip.includes(k))
      .map(([k, v]) => [k, apiValue(v)]),
  );
}

/** `zone-10.0.0.0-24` → `10.0.0.0/24`. */
export function subnetCidr(id: string): string {
  if (id.includes('/')) return id;
  const [, ip, mask] = id.split('-');
  return `${ip}/${mask}`;
}

/**
 * The API generates an anycast MAC for an EVPN zone without one (Z11), as
 * the reference's API does; but a zone that has none in the files renders
 * without `hwaddress` on the reference's nodes, so an import keeps it so
 * (`generate-mac=0`, our API's extension).
 */
function keepAsGiven(kind: ObjectKind, o: SdnObject): Record<string, unknown> {
  return kind === 'zones' && o.type === 'evpn' && o.mac === undefined ? { 'generate-mac': 0 } : {};
}

/** What the caller lets the API accept that it refuses by default. */
export interface WriteFlags {
  /** A subnet's gateway outside the subnet (the API's `gateway-outside-subnet=1`): only sent when set. */
  gatewayOutsideSubnet?: boolean;
}

const flagParams = (f: WriteFlags): Record<string, unknown> => (f.gatewayOutsideSubnet ? { 'gateway-outside-subnet': 1 } : {});

/** Creates `o` as it is: nothing is filled in that the object does not have. */
export async function createObject(client: ApiClient, kind: ObjectKind, id: string, o: SdnObject, flags: WriteFlags = {}): Promise<void> {
  if (kind === 'subnets') {
    await client.call('POST', `${base('vnets')}/${encodeURIComponent(String(o.vnet))}/subnets`, { ...apiProps(o, ['vnet']), subnet: subnetCidr(id), type: 'subnet', ...flagParams(flags) } as never);
    return;
  }
  await client.call('POST', base(kind), { ...apiProps(o, []), [SCHEMAS[kind].idParam]: id, ...keepAsGiven(kind, o) } as never);
}

/** Changes an object into `target`: `set` are its keys that differ, `remove` the keys it lacks. */
export async function updateObject(client: ApiClient, kind: ObjectKind, id: string, target: SdnObject, set: SdnObject, remove: readonly string[], vnet?: string, flags: WriteFlags = {}): Promise<void> {
  const path = kind === 'subnets' ? `${base('vnets')}/${encodeURIComponent(String(vnet))}/subnets/${encodeURIComponent(id)}` : `${base(kind)}/${encodeURIComponent(id)}`;
  const params: Record<string, unknown> = { ...apiProps(set, ['type', 'vnet']), ...keepAsGiven(kind, target), ...flagParams(flags) };
  if (remove.length) params.delete = remove.join(',');
  await client.call('PUT', path, params as never);
}
