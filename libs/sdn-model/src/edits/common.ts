import type { ObjectKind } from '../schema/kind';
import { SCHEMAS, addError, isPlainObject, type ParamErrors, type SdnConfig } from '../schema/normalise';
import { validateConfig } from '../validation/validate-config';

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
 */
export function resultErrors(before: SdnConfig, after: SdnConfig, kind: ObjectKind, id: string | undefined): ParamErrors {
  const old = messages(validateConfig(before));
  const now = validateConfig(after);
  const own: ParamErrors = {};
  const elsewhere: ParamErrors = {};
  const prefix = id === undefined ? undefined : `${kind}.${id}`;
  for (const [path, msg] of Object.entries(now)) {
    for (const m of msg.split('; ')) {
      if (prefix !== undefined && path === prefix) addError(own, SCHEMAS[kind].idParam, m);
      else if (prefix !== undefined && path.startsWith(`${prefix}.`)) addError(own, path.slice(prefix.length + 1), m);
      else if (!old.has(`${path}\u0000${m}`)) addError(elsewhere, path, m);
    }
  }
  return Object.keys(own).length ? own : elsewhere;
}
