import ipaddr from 'ipaddr.js';
import type { FabricObject, RunningConfig } from '../model';
import { newProblems, stripApiParams } from '../edits/common';
import { refused as refuse, type EditErrorCode } from '../edits/result';
import { deleteList } from '../edits/update';
import { checkFabricId, checkPveNode, parseCidr } from '../schema/formats';
import { addError, isPlainObject, type ParamErrors } from '../schema/normalise';
import { normaliseValue, type PropertyDef } from '../schema/properties';
import { sortedKeys, text } from '../values';
import { FABRIC_MESSAGES as M, FABRIC_PROTOCOLS, type FabricProtocol, type FabricProtocolDef } from './protocol';
import { fabricSections, nodeKey, nodeKeys, normaliseInterface, PROTOCOLS, sectionKind, type FabricSections } from './sections';
import { fabricErrors, fabricPropertyDefs, NODE_PROPERTIES } from './validate';

/**
 * An accepted fabric edit: the section to store under `id` (null: removed)
 * and, for a fabric deletion, the member node sections that go with it.
 */
export type FabricEditResult =
  | { ok: true; id: string; object: FabricObject | null; removedNodes: string[] }
  | { ok: false; code: EditErrorCode; errors: ParamErrors };

const ok = (id: string, object: FabricObject | null, removedNodes: string[] = []): FabricEditResult => ({ ok: true, id, object, removedNodes });
const no = (code: EditErrorCode, errors: ParamErrors): FabricEditResult => refuse(code, errors) as FabricEditResult;

function protocolParam(raw: unknown, errors: ParamErrors): FabricProtocolDef | undefined {
  if (raw === undefined || raw === null || raw === '') {
    errors.protocol = "missing value for required option 'protocol'";
    return undefined;
  }
  if (typeof raw !== 'string' || !(FABRIC_PROTOCOLS as readonly string[]).includes(raw)) {
    errors.protocol = `value '${typeof raw === 'string' ? raw : JSON.stringify(raw)}' does not have a value in the enumeration '${FABRIC_PROTOCOLS.join(', ')}'`;
    return undefined;
  }
  return PROTOCOLS[raw as FabricProtocol];
}

/** Checks and canonicalises `props` against `defs`; `interfaces` through the protocol's property strings. */
function normaliseProps(def: FabricProtocolDef, defs: Record<string, PropertyDef>, props: Record<string, unknown>, errors: ParamErrors, withInterfaces: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    if (withInterfaces && key === 'interfaces') {
      const raw = props[key];
      const items = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
      const list: string[] = [];
      for (const item of items) {
        if (item === '') continue;
        const n = normaliseInterface(def, item);
        if (n.error) addError(errors, 'interfaces', n.error);
        else list.push(n.value!);
      }
      out.interfaces = list;
      continue;
    }
    const pdef = Object.prototype.hasOwnProperty.call(defs, key) ? defs[key] : undefined;
    if (!pdef) {
      addError(errors, key, `unexpected property '${key}'`);
      continue;
    }
    const n = normaliseValue(pdef, props[key]);
    if (n.error !== undefined) addError(errors, key, n.error);
    else out[key] = n.value;
  }
  // The reference stores prefixes canonically (network address, host bits cleared).
  for (const key of ['ip_prefix', 'ip6_prefix']) if (typeof out[key] === 'string') out[key] = canonicalPrefix(out[key] as string);
  return out;
}

export function canonicalPrefix(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) return cidr;
  const net = c.family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${net.toString()}/${c.prefix}`;
}

function withSection(sections: FabricSections, id: string, value: FabricObject | null, removed: string[] = []): RunningConfig {
  const next: FabricSections = { ...sections };
  for (const k of removed) delete next[k];
  if (value === null) delete next[id];
  else next[id] = value;
  return { fabrics: { ids: next } };
}

/** The problems the edit leaves (B.15 as for every object): the edited section's own, else any it newly caused. */
function problems(sections: FabricSections, id: string, value: FabricObject | null, removed: string[] = []): ParamErrors {
  const after = fabricSections(withSection(sections, id, value, removed));
  return newProblems(fabricErrors(sections), fabricErrors(after), 'fabrics', value === null ? undefined : id);
}

function finish(sections: FabricSections, id: string, value: FabricObject | null, removed: string[] = []): FabricEditResult {
  const p = problems(sections, id, value, removed);
  return Object.keys(p).length ? no(value === null ? 'in-use' : 'invalid', p) : ok(id, value, removed);
}

/** POST /cluster/sdn/fabrics/fabric: `id`, `protocol` and the protocol's properties. */
export function createFabric(config: RunningConfig, params: unknown): FabricEditResult {
  if (!isPlainObject(params)) return no('invalid', { id: 'parameters must be an object' });
  const sections = fabricSections(config);
  const errors: ParamErrors = {};
  const id = params.id;
  if (id === undefined || id === null || id === '') errors.id = "missing value for required option 'id'";
  else if (typeof id !== 'string' || checkFabricId(id)) errors.id = checkFabricId(String(id)) ?? 'invalid fabric ID';
  const def = protocolParam(params.protocol, errors);
  const props = def ? normaliseProps(def, fabricPropertyDefs(def), stripApiParams(params, ['id', 'protocol']), errors, false) : {};
  if (Object.keys(errors).length) return no('invalid', errors);
  if (Object.prototype.hasOwnProperty.call(sections, id as string)) return no('exists', { id: M.fabricExists(id as string) });
  const object: FabricObject = { type: `${def!.name}_fabric`, id: id as string };
  for (const [k, v] of Object.entries(props)) if (v !== undefined) object[k] = v;
  return finish(sections, id as string, object);
}

function existingFabric(sections: FabricSections, id: string): { section: FabricObject; def: FabricProtocolDef } | undefined {
  const section = Object.prototype.hasOwnProperty.call(sections, id) ? sections[id] : undefined;
  const kind = section && sectionKind(section.type);
  return kind?.kind === 'fabric' ? { section: section!, def: PROTOCOLS[kind.protocol] } : undefined;
}

/** Keys to delete, each allowed for this kind of section; problems go to `errors`. */
function deletions(raw: unknown, allowed: readonly string[], set: Record<string, unknown>, errors: ParamErrors): string[] {
  const keys = deleteList(raw);
  if (keys === undefined) {
    errors.delete = 'value does not look like a list of configuration IDs';
    return [];
  }
  for (const k of keys) {
    if (!allowed.includes(k)) addError(errors, 'delete', `no such option '${k}'`);
    else if (set[k] !== undefined) addError(errors, 'delete', `cannot set and delete property '${k}' at the same time!`);
  }
  return keys;
}

function checkProtocolUnchanged(raw: unknown, def: FabricProtocolDef, errors: ParamErrors, message: string): void {
  if (raw !== undefined && raw !== null && raw !== '' && raw !== def.name) errors.protocol = message;
}

/** PUT /cluster/sdn/fabrics/fabric/{id}: properties to set and `delete`; the protocol cannot change. */
export function updateFabric(config: RunningConfig, id: string, params: unknown): FabricEditResult {
  const sections = fabricSections(config);
  const found = existingFabric(sections, id);
  if (!found) return no('not-found', { id: M.fabricMissing(id) });
  if (!isPlainObject(params)) return no('invalid', { id: 'parameters must be an object' });
  const { section, def } = found;
  const errors: ParamErrors = {};
  checkProtocolUnchanged(params.protocol, def, errors, 'the protocol of a fabric cannot be changed');
  const set = stripApiParams(params, ['id', 'protocol', 'delete']);
  const toDelete = deletions(params.delete, def.fabricDeletable, set, errors);
  const changes = normaliseProps(def, fabricPropertyDefs(def), set, errors, false);
  if (Object.keys(errors).length) return no('invalid', errors);
  const next: FabricObject = { ...section };
  for (const k of toDelete) delete next[k];
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return finish(sections, id, next);
}

/** Zones and controllers that name the fabric, as the reference refuses them (first in byte order). */
function fabricUser(config: RunningConfig, id: string): string | undefined {
  const controllers = config.controllers?.ids ?? {};
  for (const c of sortedKeys(controllers)) if (text(controllers[c].type) === 'evpn' && text(controllers[c].fabric) === id) return `this fabric is still used in the EVPN controller "${c}"`;
  const zones = config.zones?.ids ?? {};
  for (const z of sortedKeys(zones)) if (text(zones[z].type) === 'vxlan' && text(zones[z].fabric) === id) return `this fabric is still used in the VXLAN zone "${z}"`;
  return undefined;
}

/** DELETE /cluster/sdn/fabrics/fabric/{id}: the fabric and its nodes, refused while a zone or controller uses it. */
export function deleteFabric(config: RunningConfig, id: string): FabricEditResult {
  const sections = fabricSections(config);
  if (!existingFabric(sections, id)) return no('not-found', { id: M.fabricMissing(id) });
  const user = fabricUser(config, id);
  if (user) return no('in-use', { id: user });
  return finish(sections, id, null, nodeKeys(sections, id));
}

/** Node names of a fabric (for the permission check of a fabric deletion). */
export function fabricNodeNames(config: RunningConfig, fabric: string): string[] {
  return nodeKeys(fabricSections(config), fabric).map((k) => k.slice(fabric.length + 1));
}

function nodeProps(def: FabricProtocolDef, set: Record<string, unknown>, errors: ParamErrors): Record<string, unknown> {
  return normaliseProps(def, NODE_PROPERTIES, set, errors, true);
}

/** POST /cluster/sdn/fabrics/node/{fabric}: `node_id`, `protocol` (the fabric's), `ip`, `ip6`, `interfaces`. */
export function createFabricNode(config: RunningConfig, fabric: string, params: unknown): FabricEditResult {
  const sections = fabricSections(config);
  const found = existingFabric(sections, fabric);
  if (!found) return no('not-found', { fabric_id: M.fabricMissing(fabric) });
  if (!isPlainObject(params)) return no('invalid', { node_id: 'parameters must be an object' });
  const errors: ParamErrors = {};
  const node = params.node_id;
  if (node === undefined || node === null || node === '') errors.node_id = "missing value for required option 'node_id'";
  // A host name label: at most 63 characters (the reference's node ID pattern allows no more).
  else if (typeof node !== 'string' || checkPveNode(node) || node.length > 63) errors.node_id = 'value does not look like a valid node name';
  const def = protocolParam(params.protocol ?? found.def.name, errors);
  if (def && def !== found.def) errors.protocol = M.protocolMismatch;
  const props = nodeProps(found.def, stripApiParams(params, ['node_id', 'protocol', 'fabric_id']), errors);
  if (Object.keys(errors).length) return no('invalid', errors);
  const key = nodeKey(fabric, node as string);
  if (Object.prototype.hasOwnProperty.call(sections, key)) return no('exists', { node_id: M.nodeExists(node as string, fabric) });
  const object: FabricObject = { type: `${found.def.name}_node`, id: key };
  for (const [k, v] of Object.entries(props)) if (v !== undefined && !(k === 'interfaces' && (v as string[]).length === 0)) object[k] = v;
  return finish(sections, key, object);
}

function existingNode(sections: FabricSections, fabric: string, node: string): FabricEditResult | { key: string; section: FabricObject; def: FabricProtocolDef } {
  const f = existingFabric(sections, fabric);
  if (!f) return no('not-found', { fabric_id: M.fabricMissing(fabric) });
  const key = nodeKey(fabric, node);
  const section = Object.prototype.hasOwnProperty.call(sections, key) ? sections[key] : undefined;
  if (!section || sectionKind(section.type)?.kind !== 'node') return no('not-found', { node_id: M.nodeMissing(node, fabric) });
  return { key, section, def: f.def };
}

/** PUT /cluster/sdn/fabrics/node/{fabric}/{node}: `ip`, `ip6`, `interfaces` and `delete`. */
export function updateFabricNode(config: RunningConfig, fabric: string, node: string, params: unknown): FabricEditResult {
  const sections = fabricSections(config);
  const found = existingNode(sections, fabric, node);
  if ('ok' in found) return found;
  if (!isPlainObject(params)) return no('invalid', { node_id: 'parameters must be an object' });
  const errors: ParamErrors = {};
  checkProtocolUnchanged(params.protocol, found.def, errors, M.protocolMismatch);
  const set = stripApiParams(params, ['node_id', 'fabric_id', 'protocol', 'delete']);
  const toDelete = deletions(params.delete, ['interfaces', 'ip', 'ip6'], set, errors);
  const changes = nodeProps(found.def, set, errors);
  if (Object.keys(errors).length) return no('invalid', errors);
  const next: FabricObject = { ...found.section };
  for (const k of toDelete) delete next[k];
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || (k === 'interfaces' && (v as string[]).length === 0)) delete next[k];
    else next[k] = v;
  }
  return finish(sections, found.key, next);
}

/** DELETE /cluster/sdn/fabrics/node/{fabric}/{node}. */
export function deleteFabricNode(config: RunningConfig, fabric: string, node: string): FabricEditResult {
  const sections = fabricSections(config);
  const found = existingNode(sections, fabric, node);
  if ('ok' in found) return found;
  return finish(sections, found.key, null);
}
