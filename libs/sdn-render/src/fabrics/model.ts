import type { RunningConfig } from '@sdn/model';
import { byteOrder, isSet, text } from '@sdn/model';

/**
 * Fabrics in their running-config form (spec Appendix A): one section per
 * fabric (`type` `<protocol>_fabric`, key `<fabric>`) and one per member node
 * (`type` `<protocol>_node`, key `<fabric>_<node>`). Fabric ids cannot contain
 * `_`, so the first `_` separates fabric and node.
 */
export type FabricProtocol = 'openfabric' | 'ospf';

export interface FabricInterface {
  name: string;
  ip?: string;
  ip6?: string;
  helloMultiplier?: string;
}

export interface FabricNode {
  /** Section key, `<fabric>_<node>`. */
  id: string;
  node: string;
  ip?: string;
  ip6?: string;
  interfaces: FabricInterface[];
}

export interface Fabric {
  id: string;
  protocol: FabricProtocol;
  section: Record<string, unknown>;
  /** Members in byte order of their section key. */
  nodes: FabricNode[];
}

export type ConfigWithFabrics = RunningConfig & { fabrics?: { ids?: Record<string, Record<string, unknown>> } };

function sections(config: ConfigWithFabrics): Record<string, Record<string, unknown>> {
  return config.fabrics?.ids ?? {};
}

export function hasFabrics(config: ConfigWithFabrics): boolean {
  return Object.keys(sections(config)).length > 0;
}

function protocolOf(type: unknown, suffix: string): FabricProtocol | undefined {
  const t = text(type);
  if (!t.endsWith(suffix)) return undefined;
  const p = t.slice(0, -suffix.length);
  return p === 'openfabric' || p === 'ospf' ? p : undefined;
}

/** `name=ens19,ip=172.16.3.10/31` property strings. */
export function parseFabricInterface(spec: string): FabricInterface {
  const props: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) props.name ??= part.trim();
    else props[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const out: FabricInterface = { name: props.name ?? '' };
  if (props.ip) out.ip = props.ip;
  if (props.ip6) out.ip6 = props.ip6;
  if (props.hello_multiplier) out.helloMultiplier = props.hello_multiplier;
  return out;
}

function interfaceList(v: unknown): FabricInterface[] {
  const list = Array.isArray(v) ? v.map(String) : isSet(v) ? [text(v)] : [];
  return list.filter((s) => s !== '').map(parseFabricInterface);
}

/** All fabrics in byte order of their id. */
export function fabrics(config: ConfigWithFabrics): Fabric[] {
  const all = sections(config);
  const keys = Object.keys(all).sort(byteOrder);
  const out: Fabric[] = [];
  for (const id of keys) {
    const protocol = protocolOf(all[id].type, '_fabric');
    if (!protocol) continue;
    const nodes: FabricNode[] = [];
    for (const key of keys) {
      if (!key.startsWith(`${id}_`) || !protocolOf(all[key].type, '_node')) continue;
      const s = all[key];
      nodes.push({
        id: key,
        node: key.slice(id.length + 1),
        ...(isSet(s.ip) ? { ip: text(s.ip) } : {}),
        ...(isSet(s.ip6) ? { ip6: text(s.ip6) } : {}),
        interfaces: interfaceList(s.interfaces),
      });
    }
    out.push({ id, protocol, section: all[id], nodes });
  }
  return out;
}

export function findFabric(config: ConfigWithFabrics, id: string): Fabric | undefined {
  return fabrics(config).find((f) => f.id === id);
}
