import type { Controller, DnsServer, Ipam, RunningConfig, Section, Subnet, Vnet, Zone } from '../model';
import { CONTROLLER_SCHEMA } from './controllers';
import { DNS_SCHEMA } from './dns';
import { IPAM_SCHEMA } from './ipams';
import { OBJECT_KINDS, typeAllows, type KindSchema, type ObjectKind } from './kind';
import { normaliseValue } from './properties';
import { SUBNET_SCHEMA } from './subnets';
import { VNET_SCHEMA } from './vnets';
import { ZONE_SCHEMA } from './zones';

/** Per-parameter errors in the reference's style: `{field: message}`. */
export type ParamErrors = Record<string, string>;

export const SCHEMAS: Readonly<Record<ObjectKind, KindSchema>> = {
  zones: ZONE_SCHEMA,
  vnets: VNET_SCHEMA,
  subnets: SUBNET_SCHEMA,
  controllers: CONTROLLER_SCHEMA,
  ipams: IPAM_SCHEMA,
  dns: DNS_SCHEMA,
};

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Adds a message to an error map; several problems on one key are joined. */
export function addError(errors: Record<string, string>, key: string, message: string): void {
  // Own keys only: a request key such as `constructor` must not find Object.prototype's.
  const prev = Object.prototype.hasOwnProperty.call(errors, key) ? errors[key] : undefined;
  if (prev === undefined) errors[key] = message;
  else if (!prev.split('; ').includes(message)) errors[key] = `${prev}; ${message}`;
}

export interface NormaliseResult<T> {
  /** The object in canonical stored form; keys whose value was invalid are left out. */
  value: T;
  errors: ParamErrors;
}

export interface NormaliseOptions {
  /** Skip the required-key check (used for partial update parameters). */
  partial?: boolean;
}

/**
 * Checks an object of `schema`'s kind against its type's option table and
 * property formats (G4, G5, §0.4) and returns it in canonical stored form.
 * Never throws; a non-object yields an empty value and an error on `type`.
 */
export function normaliseObject<T = Record<string, unknown>>(schema: KindSchema, raw: unknown, options: NormaliseOptions = {}): NormaliseResult<T> {
  const errors: ParamErrors = {};
  const value: Record<string, unknown> = {};
  if (!isPlainObject(raw)) {
    errors.type = `${schema.label} object must be a JSON object`;
    return { value: value as T, errors };
  }

  const typeNames = Object.keys(schema.types);
  let type: string | undefined;
  const rawType = raw.type;
  if (rawType === undefined || rawType === null || rawType === '') {
    if (schema.implicitType) type = schema.implicitType;
    else if (!options.partial) errors.type = "missing value for required option 'type'";
  } else if (typeof rawType === 'string' && typeNames.includes(rawType)) {
    type = rawType;
  } else {
    errors.type = `value '${typeof rawType === 'string' ? rawType : JSON.stringify(rawType)}' does not have a value in the enumeration '${typeNames.join(', ')}'`;
  }
  if (type !== undefined) value.type = type;
  const typeOptions = type !== undefined ? schema.types[type] : undefined;

  for (const key of Object.keys(raw)) {
    if (key === 'type') continue;
    const def = Object.prototype.hasOwnProperty.call(schema.properties, key) ? schema.properties[key] : undefined;
    // With an unknown type only the namespace can be checked.
    const allowed = def !== undefined && (typeOptions === undefined ? type === undefined : typeAllows(typeOptions, key));
    if (!allowed) {
      addError(errors, key, `unexpected property '${key}'`);
      continue;
    }
    const n = normaliseValue(def, raw[key]);
    if (n.error !== undefined) addError(errors, key, n.error);
    else if (n.value !== undefined) value[key] = n.value;
  }

  if (typeOptions && !options.partial) {
    for (const key of typeOptions.required) {
      if (value[key] === undefined && errors[key] === undefined) errors[key] = `missing value for required option '${key}'`;
    }
  }
  return { value: value as T, errors };
}

export const normaliseZone = (raw: unknown, options?: NormaliseOptions) => normaliseObject<Zone>(ZONE_SCHEMA, raw, options);
export const normaliseVnet = (raw: unknown, options?: NormaliseOptions) => normaliseObject<Vnet>(VNET_SCHEMA, raw, options);
export const normaliseSubnet = (raw: unknown, options?: NormaliseOptions) => normaliseObject<Subnet>(SUBNET_SCHEMA, raw, options);
export const normaliseController = (raw: unknown, options?: NormaliseOptions) => normaliseObject<Controller>(CONTROLLER_SCHEMA, raw, options);
export const normaliseIpam = (raw: unknown, options?: NormaliseOptions) => normaliseObject<Ipam>(IPAM_SCHEMA, raw, options);
export const normaliseDns = (raw: unknown, options?: NormaliseOptions) => normaliseObject<DnsServer>(DNS_SCHEMA, raw, options);

/** The whole configuration the model library works on: running-config sections plus IPAMs and DNS servers. */
export type SdnConfig = RunningConfig;

const TOP_LEVEL_KEYS = new Set<string>(['version', 'fabrics', ...OBJECT_KINDS]);

export interface NormalisedConfig {
  config: SdnConfig;
  /** Problems by path (`zones.myzone.tag`). */
  errors: Record<string, string>;
}

/**
 * Canonical form of a whole configuration plus every shape, ID, key and
 * format problem by path. Sections that are absent stay absent (IPAMs and DNS
 * servers are not part of a running config, §0.2); fabrics are passed through
 * untouched because their schema is outside this library. Never throws.
 */
export function normaliseConfig(input: unknown): NormalisedConfig {
  const errors: Record<string, string> = {};
  const config: SdnConfig = {};
  if (!isPlainObject(input)) {
    errors.config = 'configuration must be a JSON object';
    return { config, errors };
  }
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL_KEYS.has(key)) addError(errors, key, `unexpected property '${key}'`);
  }
  if (input.version !== undefined && input.version !== null) {
    const v = normaliseValue({ kind: 'integer', min: 0 }, input.version);
    if (v.error) errors.version = v.error;
    else config.version = v.value as number;
  }
  if (input.fabrics !== undefined) {
    if (isPlainObject(input.fabrics) && isPlainObject(input.fabrics.ids)) config.fabrics = input.fabrics as unknown as SdnConfig['fabrics'];
    else errors.fabrics = "section must be an object with an 'ids' object";
  }
  for (const kind of OBJECT_KINDS) {
    const section = input[kind];
    if (section === undefined) continue;
    // Prototype-free, so an ID such as `__proto__` is stored as an ID.
    const out: Section<Record<string, unknown>> = { ids: Object.create(null) as Record<string, Record<string, unknown>> };
    (config as Record<string, unknown>)[kind] = out;
    // An empty section is written as `{}` by the reference (Perl's empty hash).
    if (isPlainObject(section) && Object.keys(section).length === 0) continue;
    if (!isPlainObject(section) || !isPlainObject(section.ids)) {
      errors[kind] = "section must be an object with an 'ids' object";
      continue;
    }
    for (const key of Object.keys(section)) {
      if (key !== 'ids') addError(errors, `${kind}.${key}`, `unexpected property '${key}'`);
    }
    const schema = SCHEMAS[kind];
    for (const id of Object.keys(section.ids)) {
      const idErr = schema.checkId(id);
      if (idErr) addError(errors, `${kind}.${id}`, idErr);
      const raw = section.ids[id];
      if (!isPlainObject(raw)) {
        addError(errors, `${kind}.${id}`, `${schema.label} object must be a JSON object`);
        continue;
      }
      const { value, errors: objErrors } = normaliseObject(schema, raw);
      for (const [k, msg] of Object.entries(objErrors)) addError(errors, `${kind}.${id}.${k}`, msg);
      Object.defineProperty(out.ids, id, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return { config, errors };
}
