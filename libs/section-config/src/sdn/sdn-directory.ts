/**
 * A Proxmox node's `/etc/pve/sdn` directory as data: the section-config
 * files (`zones.cfg`, `vnets.cfg`, …) and the `.running-config` JSON, read
 * into objects in the running config's canonical form and written back the
 * way pve-network writes them. Pure: the caller reads and writes the files.
 */
import { byteOrder, normaliseConfig, normaliseValue, type KindSchema, type ObjectKind, type PropertyDef, SCHEMAS, sectionKind, splitNodeKey } from '@sdn/model';
import { parseSectionConfig, SectionConfigError, type ParsedSection } from '../format/parse';
import { type WritableSection, writeSectionConfig } from '../format/write';

export type SdnFileSection = ObjectKind | 'fabrics';

/** The files of `/etc/pve/sdn`, in the order objects must be created (an object's references first). */
export const SDN_FILES: ReadonlyArray<readonly [SdnFileSection, string]> = [
  ['ipams', 'ipams.cfg'],
  ['dns', 'dns.cfg'],
  ['fabrics', 'fabrics.cfg'],
  ['controllers', 'controllers.cfg'],
  ['zones', 'zones.cfg'],
  ['vnets', 'vnets.cfg'],
  ['subnets', 'subnets.cfg'],
];
export const RUNNING_CONFIG_FILE = '.running-config';
/** Sections of the running config (§0.2: IPAMs and DNS servers take effect at once and are not in it). */
export const RUNNING_SECTIONS: readonly SdnFileSection[] = ['zones', 'vnets', 'subnets', 'controllers', 'fabrics'];

export type SdnObject = Record<string, unknown>;

/** An object read from a `.cfg` file, with where it came from (for messages). */
export interface SourceObject {
  id: string;
  /** Canonical running-config form, `type` included. */
  object: SdnObject;
  file: string;
  line: number;
  /** Why this object cannot be imported as it is (unknown type or property); it is still parsed. */
  refusal?: string;
}

export interface SdnDirectory {
  /** Objects of each `.cfg` file present, in file order. Absent files are absent keys. */
  sections: Partial<Record<SdnFileSection, SourceObject[]>>;
  /** The parsed `.running-config`, when the directory has one. */
  running?: RunningConfigJson;
}

export interface RunningConfigJson {
  version?: number;
  [section: string]: { ids: Record<string, SdnObject> } | number | undefined;
}

// Fabric sections are parsed by Rust code outside pve-network; the only array key they have is `interfaces`.
const FABRIC_ARRAY_KEYS = new Set(['interfaces']);

function schemaOf(section: SdnFileSection): KindSchema | undefined {
  return section === 'fabrics' ? undefined : SCHEMAS[section];
}

function isArrayKey(section: SdnFileSection, key: string): boolean {
  const schema = schemaOf(section);
  if (!schema) return FABRIC_ARRAY_KEYS.has(key);
  return schema.properties[key]?.kind === 'dhcp-ranges';
}

/** One `.cfg` file's text → its objects. Syntax and value errors throw SectionConfigError. */
export function readSdnFile(section: SdnFileSection, file: string, text: string): SourceObject[] {
  const parsed = parseSectionConfig(text, file, { isArrayKey: (_type, key) => isArrayKey(section, key) });
  return parsed.map((s) => readSection(section, file, s));
}

function readSection(section: SdnFileSection, file: string, s: ParsedSection): SourceObject {
  const schema = schemaOf(section);
  const object: SdnObject = { type: s.type };
  if (!schema) {
    // Kept as written (strings; repeated keys as arrays) so an export can give them back unchanged;
    // the API checks the values. The section id is the running config's `id` (the file does not repeat it).
    for (const o of s.options) {
      if (o.key === 'id') throw new SectionConfigError(file, o.line, `section '${s.id}': 'id' is the section's name, not a property`);
      const v = o.value ?? '1';
      if (FABRIC_ARRAY_KEYS.has(o.key)) ((object[o.key] ??= []) as string[]).push(v);
      else object[o.key] = v;
    }
    object.id = s.id;
    const kind = sectionKind(s.type);
    let refusal: string | undefined;
    if (!kind) refusal = `fabric section type '${s.type}' is not supported (supported: openfabric_fabric, openfabric_node, ospf_fabric, ospf_node)`;
    else if (kind.kind === 'node' && !splitNodeKey(s.id)) refusal = `fabric node section '${s.id}' is not named <fabric>_<node>`;
    return { id: s.id, object, file, line: s.line, ...(refusal ? { refusal } : {}) };
  }
  const typeOptions = schema.types[s.type];
  let refusal: string | undefined;
  if (!typeOptions) refusal = `${schema.label} type '${s.type}' is not supported (supported: ${Object.keys(schema.types).join(', ')})`;
  const arrays: Record<string, string[]> = {};
  for (const o of s.options) {
    const def: PropertyDef | undefined = Object.prototype.hasOwnProperty.call(schema.properties, o.key) ? schema.properties[o.key] : undefined;
    if (!def || (typeOptions && !typeOptions.required.includes(o.key) && !typeOptions.optional.includes(o.key))) {
      refusal ??= `unexpected property '${o.key}' for ${schema.label} type '${s.type}' (${file} line ${o.line})`;
      continue;
    }
    // A bare key is a flag: the reference reads it as 1 for booleans and refuses it for anything else.
    if (o.value === undefined && def.kind !== 'boolean') throw new SectionConfigError(file, o.line, `property '${o.key}' of section '${s.id}' has no value`);
    if (def.kind === 'dhcp-ranges') {
      (arrays[o.key] ??= []).push(o.value!);
      continue;
    }
    const n = normaliseValue(def, o.value ?? '1');
    if (n.error) throw new SectionConfigError(file, o.line, `section '${s.id}', property '${o.key}': ${n.error}`);
    if (n.value !== undefined) object[o.key] = n.value;
  }
  for (const [key, values] of Object.entries(arrays)) {
    const n = normaliseValue(schema.properties[key], values);
    if (n.error) {
      const line = s.options.find((o) => o.key === key)?.line ?? s.line;
      throw new SectionConfigError(file, line, `section '${s.id}', property '${key}': ${n.error}`);
    }
    if (n.value !== undefined) object[key] = n.value;
  }
  if (typeOptions && !refusal) {
    for (const key of typeOptions.required) {
      if (object[key] === undefined) throw new SectionConfigError(file, s.line, `section '${s.id}' (${s.type}): missing value for required option '${key}'`);
    }
  }
  if (!refusal && s.id !== s.id.trim()) refusal = `invalid id '${s.id}'`;
  const idError = schema.checkId(s.id);
  if (idError && !refusal) refusal = `invalid ${schema.label} id '${s.id}': ${idError}`;
  return { id: s.id, object, file, line: s.line, ...(refusal ? { refusal } : {}) };
}

/** Line and column of a JSON.parse error position, for a message that names the line. */
function jsonErrorLine(text: string, e: Error): number {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return 1;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/** `.running-config` text → the running config, checked like an applied one. Errors name the file, line or path. */
export function readRunningConfig(file: string, text: string): RunningConfigJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SectionConfigError(file, jsonErrorLine(text, e as Error), `not valid JSON: ${(e as Error).message}`);
  }
  const { config, errors } = normaliseConfig(raw);
  const first = Object.entries(errors)[0];
  if (first) throw new SectionConfigError(file, 1, `${first[0]}: ${first[1]}`);
  return config as unknown as RunningConfigJson;
}

/**
 * Every file of the directory that is present (`files`: file name → text).
 * Throws SectionConfigError at the first malformed file, so that nothing is
 * imported from a directory with one.
 */
export function readSdnDirectory(files: Readonly<Record<string, string | undefined>>): SdnDirectory {
  const out: SdnDirectory = { sections: {} };
  for (const [section, name] of SDN_FILES) {
    const text = files[name];
    if (text !== undefined) out.sections[section] = readSdnFile(section, name, text);
  }
  const running = files[RUNNING_CONFIG_FILE];
  if (running !== undefined && running.trim() !== '') out.running = readRunningConfig(RUNNING_CONFIG_FILE, running);
  return out;
}

/** The objects of `section` in the directory: the `.cfg` file when present, else the running config's. */
export function directoryObjects(dir: SdnDirectory, section: SdnFileSection): SourceObject[] {
  const fromFile = dir.sections[section];
  if (fromFile) return fromFile;
  const ids = (dir.running?.[section] as { ids?: Record<string, SdnObject> } | undefined)?.ids ?? {};
  return Object.keys(ids)
    .sort(byteOrder)
    .map((id) => ({ id, object: ids[id], file: RUNNING_CONFIG_FILE, line: 1 }));
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Section type word in the file: vnets and subnets have a single one. */
function sectionType(section: SdnFileSection, o: SdnObject): string {
  const schema = schemaOf(section);
  return String(o.type ?? schema?.implicitType ?? '');
}

/** A value of the running config (or of an API answer) in its file form. */
function fileValue(def: PropertyDef | undefined, v: unknown): string | string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (def?.kind === 'node-set') {
    const names = typeof v === 'string' ? v.split(/[,;\s]+/).filter(Boolean) : Array.isArray(v) ? v.map(String) : Object.keys(v as object);
    return [...names].sort(byteOrder).join(',');
  }
  if (def?.kind === 'dhcp-ranges' || Array.isArray(v)) {
    const items = Array.isArray(v) ? v : [v];
    return items.map((x) => (x && typeof x === 'object' ? Object.entries(x as Record<string, unknown>).map(([k, y]) => `${k}=${String(y)}`).join(',') : String(x)));
  }
  if (def?.kind === 'boolean') return v === true || v === 1 || v === '1' ? '1' : '0';
  return String(v);
}

/**
 * Objects of one section → that `.cfg` file's text, sections sorted by id.
 * `mayLack`: required keys an object may be without (secrets an API never returns).
 */
export function writeSdnFile(section: SdnFileSection, ids: Readonly<Record<string, SdnObject>>, mayLack: readonly string[] = []): string {
  const schema = schemaOf(section);
  const sections: WritableSection[] = Object.keys(ids)
    .sort(byteOrder)
    .map((id) => {
      const o = ids[id];
      const props: Record<string, string | string[] | undefined> = {};
      for (const [k, v] of Object.entries(o)) {
        // A fabric section's `id` is its header's id (the reference's fabrics.cfg has no `id` line).
        if (k === 'type' || (section === 'fabrics' && k === 'id')) continue;
        props[k] = fileValue(schema?.properties[k], v);
      }
      return { type: sectionType(section, o), id, props };
    });
  const required = (type: string) => (schema?.types[type]?.required ?? []).filter((k) => !mayLack.includes(k));
  return writeSectionConfig(sections, { requiredKeys: required });
}

/** A value in the running config's canonical form (node sets as `{node: 1}`, dhcp ranges as strings). */
function runningValue(def: PropertyDef | undefined, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (!def) return v;
  if (def.kind === 'dhcp-ranges') return fileValue(def, v);
  const n = normaliseValue(def, v);
  return n.error ? v : n.value;
}

export function canonicalObject(section: SdnFileSection, o: SdnObject): SdnObject {
  const schema = schemaOf(section);
  const out: SdnObject = {};
  for (const k of Object.keys(o).sort(byteOrder)) {
    const v = k === 'type' ? o[k] : runningValue(schema?.properties[k], o[k]);
    if (v !== undefined) out[k] = v;
  }
  if (schema?.implicitType && out.type === undefined) out.type = schema.implicitType;
  return out;
}

export interface SdnExport {
  version?: number;
  /** Objects per section (IPAMs and DNS servers included; they are written to their files but not to `.running-config`). */
  sections: Partial<Record<SdnFileSection, Record<string, SdnObject>>>;
}

/** The whole directory: every section's `.cfg` file and `.running-config`. File name → text. */
export function writeSdnDirectory(e: SdnExport, opts: { mayLack?: Partial<Record<SdnFileSection, readonly string[]>> } = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [section, name] of SDN_FILES) {
    const ids = e.sections[section];
    if (ids) files[name] = writeSdnFile(section, ids, opts.mayLack?.[section]);
  }
  const running: Record<string, unknown> = {};
  if (e.version !== undefined) running.version = e.version;
  for (const section of RUNNING_SECTIONS) {
    const ids = e.sections[section] ?? {};
    running[section] = { ids: Object.fromEntries(Object.keys(ids).sort(byteOrder).map((id) => [id, canonicalObject(section, ids[id])])) };
  }
  files[RUNNING_CONFIG_FILE] = JSON.stringify(running);
  return files;
}
