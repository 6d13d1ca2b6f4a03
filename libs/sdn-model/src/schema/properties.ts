import { checkFormat, checkNoControlChars, isListFormat, type FormatName } from './formats';
import { formatDhcpRange, parseDhcpRange } from './subnet-id';
import { splitList } from '../values';

/**
 * One property of the unified per-kind namespace (§0.4). The `kind` decides
 * the canonical stored form produced by `normaliseValue`:
 * integers → numbers, booleans → 1 (false is stored as absent), node sets →
 * `{node: 1}`, dhcp ranges → array of property strings, everything else →
 * the string as given (the reference stores values verbatim).
 */
export type PropertyRule =
  | { kind: 'string'; format?: FormatName; pattern?: RegExp; patternMessage?: string; maxLength?: number; upperCase?: boolean }
  | { kind: 'integer'; min?: number; max?: number; multipleOf?: number; multipleMessage?: string }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'node-set' }
  | { kind: 'dhcp-ranges' };

/**
 * What a client reads about a property (the API document, the CLI's help,
 * the panel's dialogs): said once here, beside the rule that checks it.
 * `default` is the behaviour when the property is absent; the API never
 * stores it.
 */
export interface PropertyDoc {
  description: string;
  default?: string | number | boolean;
  /** A secret (a token, a key): accepted, stored sealed, never answered. */
  writeOnly?: boolean;
}

export type PropertyDef = PropertyRule & PropertyDoc;

export interface NormalisedValue {
  /** Canonical value; `undefined` means "not stored" (unset, empty or false). */
  value?: unknown;
  error?: string;
}

const INT_RE = /^[+-]?\d+$/;

function scalarString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return raw ? '1' : '0';
  return undefined;
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'array';
  if (typeof raw === 'object') return 'object';
  return String(raw);
}

/** JSON-schema style boolean parsing of the reference (1/0, true/false, yes/no, on/off). */
export function parseBoolean(raw: unknown): 0 | 1 | undefined {
  if (raw === true || raw === 1) return 1;
  if (raw === false || raw === 0) return 0;
  if (typeof raw === 'string') {
    if (/^(1|true|yes|on)$/i.test(raw.trim())) return 1;
    if (/^(0|false|no|off)$/i.test(raw.trim())) return 0;
  }
  return undefined;
}

function normaliseInteger(def: Extract<PropertyRule, { kind: 'integer' }>, raw: unknown): NormalisedValue {
  let n: number | undefined;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) n = raw;
  else if (typeof raw === 'string' && INT_RE.test(raw.trim())) n = Number(raw.trim());
  if (n === undefined || !Number.isSafeInteger(n)) return { error: `type check ('integer') failed - got '${describe(raw)}'` };
  if (def.min !== undefined && n < def.min) return { error: `value must have a minimum value of ${def.min}` };
  if (def.max !== undefined && n > def.max) return { error: `value must have a maximum value of ${def.max}` };
  if (def.multipleOf !== undefined && n % def.multipleOf !== 0) {
    return { error: def.multipleMessage ?? `value must be a multiple of ${def.multipleOf}` };
  }
  return { value: n };
}

function normaliseString(def: Extract<PropertyRule, { kind: 'string' }>, raw: unknown): NormalisedValue {
  const s = scalarString(raw);
  if (s === undefined) return { error: `type check ('string') failed - got '${describe(raw)}'` };
  // Empty strings are not written by the section-config writer (§0.3).
  if (s === '') return {};
  const ctrl = checkNoControlChars(s);
  if (ctrl) return { error: ctrl };
  if (def.maxLength !== undefined && s.length > def.maxLength) return { error: `value may only be ${def.maxLength} characters long` };
  if (def.pattern && !def.pattern.test(s)) return { error: def.patternMessage ?? 'value does not match the regex pattern' };
  if (def.format) {
    const err = checkFormat(def.format, s);
    if (err) return { error: err };
    // An empty list is valid but stores nothing.
    if (isListFormat(def.format) && splitList(s).length === 0) return {};
  }
  return { value: def.upperCase ? s.toUpperCase() : s };
}

function normaliseNodeSet(raw: unknown): NormalisedValue {
  let names: string[];
  if (typeof raw === 'string') names = splitList(raw);
  else if (Array.isArray(raw)) {
    if (!raw.every((n) => typeof n === 'string')) return { error: 'value does not look like a valid node name' };
    names = raw.flatMap((n) => splitList(n));
  } else if (raw !== null && typeof raw === 'object') {
    const rec = raw as Record<string, unknown>;
    names = Object.keys(rec).filter((k) => rec[k] !== undefined && rec[k] !== null && rec[k] !== 0 && rec[k] !== false && rec[k] !== '0');
  } else return { error: `type check ('string') failed - got '${describe(raw)}'` };
  for (const n of names) {
    const err = checkFormat('pve-node', n);
    if (err) return { error: err };
  }
  if (names.length === 0) return {};
  const set: Record<string, 1> = {};
  for (const n of [...new Set(names)].sort()) set[n] = 1;
  return { value: set };
}

function normaliseDhcpRanges(raw: unknown): NormalisedValue {
  const items = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      if (item.trim() === '') continue;
      const { error } = parseDhcpRange(item);
      if (error) return { error };
      out.push(item);
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      // Clients that round-trip the GET response send the parsed object form.
      const o = item as Record<string, unknown>;
      const start = scalarString(o['start-address']);
      const end = scalarString(o['end-address']);
      const extra = Object.keys(o).filter((k) => k !== 'start-address' && k !== 'end-address');
      if (extra.length) return { error: `invalid format - unknown key '${extra[0]}'` };
      if (!start) return { error: 'invalid format - start-address: property is missing' };
      if (!end) return { error: 'invalid format - end-address: property is missing' };
      out.push(formatDhcpRange({ 'start-address': start, 'end-address': end }));
    } else {
      return { error: `invalid format - expected a property string, got '${describe(item)}'` };
    }
  }
  return out.length ? { value: out } : {};
}

/** Checks one raw value against its definition and returns its canonical form. */
export function normaliseValue(def: PropertyRule, raw: unknown): NormalisedValue {
  if (raw === undefined || raw === null) return {};
  switch (def.kind) {
    case 'integer':
      if (raw === '') return {};
      return normaliseInteger(def, raw);
    case 'boolean': {
      if (raw === '') return {};
      const b = parseBoolean(raw);
      if (b === undefined) return { error: `type check ('boolean') failed - got '${describe(raw)}'` };
      return b ? { value: 1 } : {};
    }
    case 'enum': {
      const s = scalarString(raw);
      if (s === '') return {};
      if (s === undefined || !def.values.includes(s)) {
        return { error: `value '${describe(raw)}' does not have a value in the enumeration '${def.values.join(', ')}'` };
      }
      return { value: s };
    }
    case 'string':
      return normaliseString(def, raw);
    case 'node-set':
      return normaliseNodeSet(raw);
    case 'dhcp-ranges':
      return normaliseDhcpRanges(raw);
  }
}
