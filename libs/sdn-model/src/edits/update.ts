import { checkConfigId } from '../schema/formats';
import { BUILTIN_IPAM } from '../schema/ipams';
import type { ObjectKind } from '../schema/kind';
import { typeAllows } from '../schema/kind';
import { SCHEMAS, addError, isPlainObject, normaliseObject, type ParamErrors, type SdnConfig } from '../schema/normalise';
import { splitList, text } from '../values';
import { accepted, editErrors, hasObject, ids, liftsGatewayCheck, notFound, stripApiParams, subnetsOfVnet, subnetsOfZone } from './common';
import { refused as refuse, type EditOptions, type EditResult } from './result';

export function deleteList(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return splitList(raw);
  if (Array.isArray(raw) && raw.every((k) => typeof k === 'string')) return raw.flatMap((k) => splitList(k));
  return undefined;
}

/** Whether the two values are the same setting (`1` and `"1"` are, §4.2). */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || (a !== undefined && b !== undefined && text(a) === text(b));
}

/**
 * PUT of an object on the pending configuration: apply `delete` (G8), then
 * the given keys, then check the resulting object and configuration (B.15).
 * `params` may carry the ID parameter (the path) and, for subnets, the path
 * `vnet`, which must be the subnet's own vnet (B.16). `digest` and
 * `lock-token` are ignored (the API's job).
 */
export function updateObject(config: SdnConfig, kind: ObjectKind, id: string, params: unknown, options: EditOptions = {}): EditResult {
  const schema = SCHEMAS[kind];
  // `pve` always exists (§1.12), stored or not.
  const builtin = kind === 'ipams' && id === BUILTIN_IPAM && !hasObject(config, kind, id);
  if (!hasObject(config, kind, id) && !builtin) return refuse('not-found', { [schema.idParam]: notFound(kind, id) });
  if (!isPlainObject(params)) return refuse('invalid', { [schema.idParam]: 'parameters must be an object' });
  const current = builtin ? { type: BUILTIN_IPAM } : ids(config, kind)[id];
  const { value: currentValue, errors: currentErrors } = normaliseObject(schema, current);
  const type = text(currentValue.type) || text(current.type);

  const errors: ParamErrors = {};
  if (params[schema.idParam] !== undefined && text(params[schema.idParam]) !== id) errors[schema.idParam] = `${schema.idParam} does not match the object`;
  let set = stripApiParams(params, [schema.idParam, 'delete']);
  if (kind === 'subnets' && set.vnet !== undefined) {
    if (text(set.vnet) !== text(current.vnet)) return refuse('invalid', { vnet: 'wrong vnet' });
    const { vnet: _pathVnet, ...rest } = set;
    set = rest;
  }
  // `type` is not updatable; a client echoing the current type back is harmless.
  if (set.type !== undefined) {
    if (text(set.type) !== type) errors.type = `unexpected property 'type'`;
    const { type: _t, ...rest } = set;
    set = rest;
  }

  // G8
  const toDelete = deleteList(params.delete);
  const typeOptions = schema.types[type];
  if (toDelete === undefined) errors.delete = "value does not look like a list of configuration IDs";
  for (const key of toDelete ?? []) {
    const bad = checkConfigId(key);
    if (bad) addError(errors, 'delete', bad);
    else if (!typeOptions || !typeAllows(typeOptions, key) || !Object.prototype.hasOwnProperty.call(schema.properties, key)) addError(errors, 'delete', `no such option '${key}'`);
    else if (kind === 'vnets' && key === 'zone') addError(errors, 'zone', 'cannot delete zone'); // V2
    else if (typeOptions.required.includes(key)) addError(errors, 'delete', `unable to delete required option '${key}'`);
    else if (set[key] !== undefined) addError(errors, 'delete', `cannot set and delete property '${key}' at the same time!`);
  }

  const { value: changes, errors: keyErrors } = normaliseObject(schema, { ...set, type }, { partial: true });
  for (const [k, m] of Object.entries(keyErrors)) addError(errors, k, m);
  if (Object.keys(errors).length) return refuse('invalid', errors);

  const next: Record<string, unknown> = { ...currentValue };
  // Stored values that are invalid are kept as they are, so the result check
  // reports them instead of the update silently dropping them.
  for (const key of Object.keys(currentErrors)) if (key !== 'type' && current[key] !== undefined) next[key] = current[key];
  for (const key of toDelete ?? []) delete next[key];
  for (const key of Object.keys(set)) {
    // A key sent empty (or false) is stored as absent, as the section-config writer does.
    if (changes[key] === undefined) delete next[key];
    else next[key] = changes[key];
  }

  if (kind === 'zones') {
    // Z5: subnets are registered in the zone's IPAM, moving them is not supported.
    if (!sameValue(currentValue.ipam, next.ipam) && subnetsOfZone(config, id, options.index).length) {
      return refuse('invalid', { ipam: "can't change ipam if a subnet is already defined in this zone" });
    }
    // Z11 applies on update too.
    if (next.type === 'evpn' && next.mac === undefined && options.generateMac) next.mac = options.generateMac();
  }
  if (kind === 'vnets' && text(next.zone) !== text(currentValue.zone)) {
    // V3
    if (subnetsOfVnet(config, id, options.index).length) return refuse('invalid', { zone: "can't change zone if subnets exist" });
  }

  const problems = editErrors(config, kind, id, next, options.index, options.gatewayOutsideSubnet);
  if (Object.keys(problems).length) return refuse('invalid', problems);
  return accepted(config, kind, id, next, liftsGatewayCheck(config, kind, id, next, options.gatewayOutsideSubnet));
}
