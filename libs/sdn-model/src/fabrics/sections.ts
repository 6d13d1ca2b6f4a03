import type { FabricObject, RunningConfig } from '../model';
import { isPlainObject } from '../schema/normalise';
import { normaliseValue } from '../schema/properties';
import { byteOrder, text } from '../values';
import { OPENFABRIC } from './openfabric/protocol';
import { OSPF } from './ospf/protocol';
import type { FabricProtocol, FabricProtocolDef } from './protocol';

/**
 * Fabrics in their stored (section-config) form, as the reference keeps them
 * in `fabrics.cfg` and the running config (Appendix A): one section per
 * fabric (`type` `<protocol>_fabric`, key `<fabric>`) and one per member
 * node (`type` `<protocol>_node`, key `<fabric>_<node>`). Fabric IDs cannot
 * contain `_`, so the first `_` of a key separates fabric and node.
 */
export const PROTOCOLS: Readonly<Record<FabricProtocol, FabricProtocolDef>> = { openfabric: OPENFABRIC, ospf: OSPF };

export type FabricSections = Record<string, FabricObject>;

export function fabricSections(config: RunningConfig): FabricSections {
  const ids = config.fabrics?.ids;
  return isPlainObject(ids) ? (ids as FabricSections) : {};
}

/** `openfabric_fabric` → ['openfabric', 'fabric']; undefined for any other type. */
export function sectionKind(type: unknown): { protocol: FabricProtocol; kind: 'fabric' | 'node' } | undefined {
  const m = /^(openfabric|ospf)_(fabric|node)$/.exec(text(type));
  return m ? { protocol: m[1] as FabricProtocol, kind: m[2] as 'fabric' | 'node' } : undefined;
}

export function nodeKey(fabric: string, node: string): string {
  return `${fabric}_${node}`;
}

/** `<fabric>_<node>` split at the first `_`. */
export function splitNodeKey(key: string): { fabric: string; node: string } | undefined {
  const i = key.indexOf('_');
  return i > 0 ? { fabric: key.slice(0, i), node: key.slice(i + 1) } : undefined;
}

/** Fabric IDs in byte order. */
export function fabricIds(sections: FabricSections): string[] {
  return Object.keys(sections)
    .filter((k) => sectionKind(sections[k].type)?.kind === 'fabric')
    .sort(byteOrder);
}

/** Node section keys of one fabric (all fabrics without `fabric`), in byte order. */
export function nodeKeys(sections: FabricSections, fabric?: string): string[] {
  return Object.keys(sections)
    .filter((k) => sectionKind(sections[k].type)?.kind === 'node' && (fabric === undefined || splitNodeKey(k)?.fabric === fabric))
    .sort(byteOrder);
}

export interface FabricInterfaceProps {
  name: string;
  [key: string]: string | number;
}

/** `name=ens19,ip=10.0.0.1/31` (a bare first item is the name), without checks. */
export function parseInterfaceString(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim() !== '') out.name ??= part.trim();
    } else out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** The interface property strings of a node section (stored as an array; a single string is one item). */
export function interfaceStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).filter((s) => s !== '');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

/**
 * One interface in canonical stored form (keys in the protocol's order) or
 * the reason it is refused. Accepts the property string or, from clients
 * that round-trip a parsed form, an object.
 */
export function normaliseInterface(def: FabricProtocolDef, raw: unknown): { value?: string; error?: string } {
  let props: Record<string, unknown>;
  if (typeof raw === 'string') props = parseInterfaceString(raw);
  else if (isPlainObject(raw)) props = raw;
  else return { error: 'invalid format - expected a property string' };
  const known = new Map(def.interfaceProperties);
  for (const k of Object.keys(props)) if (!known.has(k)) return { error: `invalid format - unknown key '${k}'` };
  const parts: string[] = [];
  for (const [key, pdef] of def.interfaceProperties) {
    const n = normaliseValue(pdef, props[key]);
    if (n.error !== undefined) return { error: `invalid format - ${key}: ${n.error}` };
    if (n.value === undefined) {
      if (key === 'name') return { error: 'invalid format - name: property is missing' };
      continue;
    }
    parts.push(`${key}=${String(n.value)}`);
  }
  return { value: parts.join(',') };
}
