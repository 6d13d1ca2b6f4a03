import type { ValidationErrors } from '../model';
import { cidrBounds, cidrContains, parseCidr, parseIp, checkFabricId, checkPveNode, type ParsedCidr } from '../schema/formats';
import { addError } from '../schema/normalise';
import { normaliseValue, type PropertyDef } from '../schema/properties';
import { byteOrder, isSet, text } from '../values';
import { FABRIC_MESSAGES as M, type FabricProtocolDef } from './protocol';
import { fabricIds, interfaceStrings, nodeKeys, normaliseInterface, parseInterfaceString, PROTOCOLS, sectionKind, splitNodeKey, type FabricSections } from './sections';

/** Properties every fabric has, whatever its protocol. */
export const COMMON_FABRIC_PROPERTIES: Readonly<Record<string, PropertyDef>> = {
  ip_prefix: { kind: 'string', format: 'CIDRv4', description: 'IPv4 prefix from which the nodes\' router addresses are taken.' },
  ip6_prefix: { kind: 'string', format: 'CIDRv6', description: 'IPv6 prefix from which the nodes\' router addresses are taken.' },
};
export const NODE_PROPERTIES: Readonly<Record<string, PropertyDef>> = {
  ip: { kind: 'string', format: 'ipv4', description: 'IPv4 router address of the node in the fabric (inside the fabric\'s ip_prefix).' },
  ip6: { kind: 'string', format: 'ipv6', description: 'IPv6 router address of the node in the fabric (inside the fabric\'s ip6_prefix).' },
};

export function fabricPropertyDefs(def: FabricProtocolDef): Record<string, PropertyDef> {
  return { ...COMMON_FABRIC_PROPERTIES, ...def.fabricProperties };
}

function overlaps(a: ParsedCidr, b: ParsedCidr): boolean {
  const x = cidrBounds(a);
  const y = cidrBounds(b);
  return x.first <= y.last && y.first <= x.last;
}

/** Format problems of one stored section's own values (what an import or a replayed config could carry). */
function checkValues(key: string, s: Record<string, unknown>, defs: Record<string, PropertyDef>, err: (field: string, m: string) => void): void {
  for (const k of Object.keys(s)) {
    if (k === 'type' || k === 'interfaces') continue;
    if (k === 'id') {
      if (text(s.id) !== key) err('id', `section id '${text(s.id)}' does not match its key '${key}'`);
      continue;
    }
    const def = Object.prototype.hasOwnProperty.call(defs, k) ? defs[k] : undefined;
    if (!def) err(k, `unexpected property '${k}'`);
    else {
      const n = normaliseValue(def, s[k]);
      if (n.error) err(k, n.error);
    }
  }
}

/**
 * Every problem of the fabric sections, by path (`fabrics.<key>.<field>`,
 * `fabrics.<key>` for the section itself), with the reference's messages
 * (proxmox-ve-config's FabricConfig validation): prefixes present and not
 * overlapping across fabrics, node addresses present, inside the fabric's
 * prefix and unique in it, an interface in at most one fabric per node,
 * distinct OSPF areas, no IPv6 with OSPF.
 */
export function fabricErrors(sections: FabricSections): ValidationErrors {
  const errors: ValidationErrors = {};
  const at = (key: string) => (field: string | undefined, m: string) => addError(errors, field ? `fabrics.${key}.${field}` : `fabrics.${key}`, m);

  const fabrics = fabricIds(sections);
  const prefixes: { id: string; v4?: ParsedCidr; v6?: ParsedCidr; v4s: string; v6s: string }[] = [];
  const areas = new Map<string, string>();
  for (const id of fabrics) {
    const s = sections[id] as Record<string, unknown>;
    const def = PROTOCOLS[sectionKind(s.type)!.protocol];
    const err = at(id);
    const idErr = checkFabricId(id);
    if (idErr) err(undefined, idErr);
    checkValues(id, s, fabricPropertyDefs(def), err);
    def.checkFabric(id, s, err);
    const v4 = isSet(s.ip_prefix) ? parseCidr(text(s.ip_prefix)) : undefined;
    const v6 = isSet(s.ip6_prefix) ? parseCidr(text(s.ip6_prefix)) : undefined;
    for (const p of prefixes) {
      if (v4 && p.v4 && overlaps(v4, p.v4)) err('ip_prefix', M.overlap4(text(s.ip_prefix), id, p.v4s, p.id));
      if (v6 && p.v6 && overlaps(v6, p.v6)) err('ip6_prefix', M.overlap6(text(s.ip6_prefix), id, p.v6s, p.id));
    }
    prefixes.push({ id, v4, v6, v4s: text(s.ip_prefix), v6s: text(s.ip6_prefix) });
    if (def.name === 'ospf' && s.area !== undefined) {
      const area = areaAsIpv4(text(s.area));
      if (area !== undefined) {
        if (areas.has(area)) err('area', M.duplicateArea);
        else areas.set(area, id);
      }
    }
  }

  const used = new Set<string>();
  const ipsByFabric = new Map<string, Set<string>>();
  for (const key of nodeKeys(sections)) {
    const s = sections[key] as Record<string, unknown>;
    const kind = sectionKind(s.type)!;
    const err = at(key);
    const split = splitNodeKey(key);
    if (!split || checkFabricId(split.fabric) || checkPveNode(split.node) || split.node.length > 63) {
      err(undefined, `invalid fabric node ID '${key}': <fabric>_<node> expected`);
      continue;
    }
    const fabric = sections[split.fabric] as Record<string, unknown> | undefined;
    const fkind = fabric && sectionKind(fabric.type);
    if (!fkind || fkind.kind !== 'fabric') {
      err(undefined, M.fabricMissing(split.fabric));
      continue;
    }
    if (fkind.protocol !== kind.protocol) {
      err('type', M.protocolMismatch);
      continue;
    }
    const def = PROTOCOLS[kind.protocol];
    checkValues(key, s, NODE_PROPERTIES, err);
    for (const spec of interfaceStrings(s.interfaces)) {
      const n = normaliseInterface(def, spec);
      if (n.error) {
        err('interfaces', n.error);
        continue;
      }
      const name = parseInterfaceString(spec).name;
      // One (node, interface) pair across all fabrics: FRR binds an interface to one routing process.
      if (used.has(`${split.node}\u0000${name}`)) err('interfaces', M.duplicateInterface);
      used.add(`${split.node}\u0000${name}`);
    }
    def.checkNode(key, s, err);
    const seen = ipsByFabric.get(split.fabric) ?? new Set<string>();
    ipsByFabric.set(split.fabric, seen);
    for (const [field, prefixField] of [
      ['ip', 'ip_prefix'],
      ['ip6', 'ip6_prefix'],
    ] as const) {
      if (field === 'ip6' && !def.ipv6) continue;
      const hasIp = isSet(s[field]);
      const hasPrefix = isSet(fabric![prefixField]);
      if (hasIp && !hasPrefix) err(field, M.noPrefixForNodeIp(split.fabric, text(s[field])));
      else if (!hasIp && hasPrefix) err(field, M.noNodeIpForPrefix(key, text(fabric![prefixField]))); else if (hasIp && hasPrefix) {
        const ip = parseIp(text(s[field]));
        const prefix = parseCidr(text(fabric![prefixField]));
        if (ip && prefix && !cidrContains(prefix, ip)) err(field, M.ipOutsidePrefix(text(s[field]), text(fabric![prefixField])));
        if (ip) {
          const canon = ip.toNormalizedString();
          if (seen.has(canon)) err(field, M.duplicateNodeIp(split.fabric));
          seen.add(canon);
        }
      }
    }
  }

  for (const key of Object.keys(sections).sort(byteOrder)) {
    if (!sectionKind(sections[key]?.type)) addError(errors, `fabrics.${key}.type`, `unknown fabric section type '${text(sections[key]?.type)}'`);
  }
  return errors;
}

/** An OSPF area in dotted-quad form (`0` → `0.0.0.0`), to compare areas written either way. */
export function areaAsIpv4(area: string): string | undefined {
  if (/^\d{1,10}$/.test(area)) {
    const n = Number(area);
    if (n > 0xffffffff) return undefined;
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  }
  return parseIp(area)?.kind() === 'ipv4' ? area : undefined;
}
