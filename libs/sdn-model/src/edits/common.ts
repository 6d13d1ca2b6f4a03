import type { ObjectKind } from '../schema/kind';
import { SCHEMAS, addError, isPlainObject, type ParamErrors, type SdnConfig } from '../schema/normalise';
import type { ValidationErrors } from '../model';
import { parseSubnetId } from '../schema/subnet-id';
import { text } from '../values';
import type { ConfigIndex } from '../validation/config-index';
import type { ValidationOptions } from '../validation/context';
import { scopedValidation } from '../validation/incremental';
import { gatewayProblem } from '../validation/subnet-rules';
import { validateConfig } from '../validation/validate-config';
import type { EditResult } from './result';

/** Request parameters the API handles itself; they are not object properties. */
export const API_ONLY_PARAMS: readonly string[] = ['digest', 'lock-token'];

export function ids(config: SdnConfig, kind: ObjectKind): Record<string, Record<string, unknown>> {
  const section = (config as Record<string, unknown>)[kind];
  if (!isPlainObject(section) || !isPlainObject(section.ids)) return {};
  return section.ids as Record<string, Record<string, unknown>>;
}

export function hasObject(config: SdnConfig, kind: ObjectKind, id: string): boolean {
  return Object.prototype.hasOwnProperty.call(ids(config, kind), id);
}

/** A copy of `config` with one object set (or removed when `value` is undefined); nothing is shared mutably. */
export function withObject(config: SdnConfig, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined): SdnConfig {
  const next: Record<string, unknown> = { ...config };
  const section: Record<string, Record<string, unknown>> = { ...ids(config, kind) };
  if (value === undefined) delete section[id];
  else section[id] = value;
  next[kind] = { ids: section };
  return next as SdnConfig;
}

/** G6 wording of the reference. */
export function notFound(kind: ObjectKind, id: string): string {
  if (kind === 'vnets') return `sdn vnet '${id}' does not exist`;
  if (kind === 'subnets') return `sdn subnet '${id}' does not exist`;
  return `sdn '${id}' does not exist`;
}

export function stripApiParams(params: Record<string, unknown>, extra: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(params)) if (!API_ONLY_PARAMS.includes(k) && !extra.includes(k)) out[k] = params[k];
  return out;
}

/** Candidates first from the index when there is one; the predicate decides on the stored objects either way. */
function storedMatching(config: SdnConfig, kind: 'vnets' | 'subnets', candidates: Iterable<string> | undefined, match: (o: Record<string, unknown>, id: string) => boolean): string[] {
  const all = ids(config, kind);
  const out: string[] = [];
  for (const id of candidates ?? Object.keys(all)) if (Object.prototype.hasOwnProperty.call(all, id) && match(all[id], id)) out.push(id);
  return out;
}

/** Stored subnets whose ID names `zone` (Z5). */
export function subnetsOfZone(config: SdnConfig, zone: string, index?: ConfigIndex): string[] {
  return storedMatching(config, 'subnets', index?.subnetsWithIdZone(zone), (_, id) => parseSubnetId(id)?.zone === zone);
}

/** Stored subnets whose `vnet` is `vnet` (V3, V5). */
export function subnetsOfVnet(config: SdnConfig, vnet: string, index?: ConfigIndex): string[] {
  return storedMatching(config, 'subnets', index?.subnetsOfVnet(vnet), (o) => text(o.vnet) === vnet);
}

/** Stored vnets whose `zone` is `zone` (Z6). */
export function vnetsOfZone(config: SdnConfig, zone: string, index?: ConfigIndex): string[] {
  return storedMatching(config, 'vnets', index?.vnetsInZone(zone), (o) => text(o.zone) === zone);
}

function messages(errors: Record<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [path, msg] of Object.entries(errors)) for (const m of msg.split('; ')) out.add(`${path}\u0000${m}`);
  return out;
}

/**
 * The problems an edit leaves in the resulting configuration (B.15): every
 * problem of the edited object (it must end up valid), keyed by field, plus
 * any problem the edit newly caused elsewhere, keyed by its full path.
 * Problems that already existed elsewhere do not block unrelated edits.
 * `before`/`now`: the problems before and after the edit, on (at least) every
 * path the edit can change.
 */
export function newProblems(before: ValidationErrors, now: ValidationErrors, kind: ObjectKind | 'fabrics', id: string | undefined, idParam = kind === 'fabrics' ? 'id' : SCHEMAS[kind].idParam): ParamErrors {
  const old = messages(before);
  const own: ParamErrors = {};
  const elsewhere: ParamErrors = {};
  const prefix = id === undefined ? undefined : `${kind}.${id}`;
  for (const [path, msg] of Object.entries(now)) {
    for (const m of msg.split('; ')) {
      if (prefix !== undefined && path === prefix) addError(own, idParam, m);
      else if (prefix !== undefined && path.startsWith(`${prefix}.`)) addError(own, path.slice(prefix.length + 1), m);
      else if (!old.has(`${path}\u0000${m}`)) addError(elsewhere, path, m);
    }
  }
  return Object.keys(own).length ? own : elsewhere;
}

/** newProblems of `before` and `after` validated in full. */
function resultErrors(before: SdnConfig, after: SdnConfig, kind: ObjectKind, id: string | undefined, options: ValidationOptions): ParamErrors {
  return newProblems(validateConfig(before, options), validateConfig(after, options), kind, id);
}

/** Whether the edit gives subnet `id` a gateway it did not have: a create with one, or an update changing it. */
function setsGateway(before: SdnConfig, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined): boolean {
  if (kind !== 'subnets' || value === undefined || text(value.gateway) === '') return false;
  return !hasObject(before, kind, id) || text(ids(before, kind)[id].gateway) !== text(value.gateway);
}

/**
 * Whether an edit stores a gateway outside its subnet because the request
 * lifted S4 (`gateway-outside-subnet`): what its event records.
 */
export function liftsGatewayCheck(before: SdnConfig, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined, lift: boolean | undefined): boolean {
  return lift === true && setsGateway(before, kind, id, value) && gatewayProblem(id, value!.gateway) !== undefined;
}

/**
 * The problems of setting `kind`/`id` to `value` (undefined: deleting it; a
 * deleted object has no problems of its own, only those it leaves elsewhere).
 * With an index describing `before` only the affected part is validated;
 * the answer is the same. S4 is checked only on the gateway the edit sets,
 * and not at all with `liftGateway` (see ValidationOptions.checkGateway): a
 * gateway accepted outside its subnet stays accepted while it is unchanged.
 */
export function editErrors(before: SdnConfig, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined, index: ConfigIndex | undefined, liftGateway = false): ParamErrors {
  const ownId = value === undefined ? undefined : id;
  const checked = !liftGateway && setsGateway(before, kind, id, value);
  const options: ValidationOptions = { checkGateway: (subnet) => checked && subnet === id };
  const scoped = index && scopedValidation(before, index, kind, id, value, options);
  if (scoped) return newProblems(scoped.before, scoped.after, kind, ownId);
  return resultErrors(before, withObject(before, kind, id, value), kind, ownId, options);
}

/**
 * An accepted edit. The resulting configuration is only built when asked for:
 * copying a section of thousands of objects for every edit is what a caller
 * that only needs the object (the API) must not pay for.
 */
export function accepted(before: SdnConfig, kind: ObjectKind, id: string, value: Record<string, unknown> | undefined, gatewayOutsideSubnet = false): EditResult {
  let config: SdnConfig | undefined;
  const result = { ok: true, id, object: value ?? null, ...(gatewayOutsideSubnet ? { gatewayOutsideSubnet } : {}) } as EditResult & { ok: true };
  Object.defineProperty(result, 'config', {
    enumerable: true,
    get: () => (config ??= withObject(before, kind, id, value)),
  });
  return result;
}
