import { nodeList } from '../values';
import type { NodeSet } from '../model';
import type { ObjectKind } from './kind';
import { SCHEMAS } from './normalise';
import { subnetView } from './subnet-id';
import { ZONE_NODE_SET_KEYS } from './zones';

/**
 * An object as the API returns it (§1.7–§1.13): stored properties plus its
 * ID key; zone node sets as sorted comma lists; subnets with the fields
 * derived from their ID. `digest`, `state` and `pending` are the API's.
 */
export function objectView(kind: ObjectKind, id: string, obj: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'subnets') return subnetView(id, obj);
  const out: Record<string, unknown> = { ...obj, [SCHEMAS[kind].idParam]: id };
  if (kind === 'vnets') out.type = 'vnet';
  if (kind === 'zones') {
    for (const key of ZONE_NODE_SET_KEYS) {
      if (out[key] !== undefined) out[key] = nodeList(out[key] as NodeSet).sort().join(',');
    }
  }
  return out;
}
