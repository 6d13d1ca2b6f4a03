import type { FabricObject } from '../model';
import { sectionKind, splitNodeKey } from './sections';

/**
 * The API forms of the reference (proxmox-ve-config `api` types): a fabric
 * as `{id, protocol, …}`, a node with its key split into `fabric_id` and
 * `node_id`. `type` and `id` of the stored section are replaced by those.
 */
export function fabricView(id: string, section: FabricObject): Record<string, unknown> {
  const { type, id: _id, ...rest } = section;
  return { id, protocol: sectionKind(type)?.protocol, ...rest };
}

export function fabricNodeView(key: string, section: FabricObject): Record<string, unknown> {
  const { type, id: _id, ...rest } = section;
  const split = splitNodeKey(key);
  return { fabric_id: split?.fabric, node_id: split?.node, protocol: sectionKind(type)?.protocol, ...rest };
}
