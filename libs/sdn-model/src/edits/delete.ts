import { BUILTIN_IPAM } from '../schema/ipams';
import type { ObjectKind } from '../schema/kind';
import { SCHEMAS, type SdnConfig } from '../schema/normalise';
import { byteOrder, sortedKeys, text } from '../values';
import { accepted, editErrors, hasObject, ids, notFound, subnetsOfVnet, vnetsOfZone } from './common';
import { refused as refuse, type EditOptions, type EditResult } from './result';

export interface DeleteScope {
  /** The vnet of the request path; a subnet is only deleted through its own vnet (B.16). */
  vnet?: string;
}

/** The first zone whose `key` names `id`. */
function zoneUsing(config: SdnConfig, keys: readonly string[], id: string): string | undefined {
  const zones = ids(config, 'zones');
  return sortedKeys(zones).find((z) => keys.some((k) => text(zones[z][k]) === id));
}

/**
 * DELETE of an object from the pending configuration. Refused while
 * something still references it: Z6 (zone used by a vnet), V5 (vnet with
 * subnets), C5 (controller used by a zone — for every controller type), and,
 * unlike the reference (B.21), IPAMs and DNS servers used by a zone.
 */
export function deleteObject(config: SdnConfig, kind: ObjectKind, id: string, scope: DeleteScope = {}, options: EditOptions = {}): EditResult {
  const schema = SCHEMAS[kind];
  // Deleting `pve` is accepted and has no lasting effect: it always exists (§1.12).
  if (kind === 'ipams' && id === BUILTIN_IPAM) {
    return hasObject(config, kind, id) ? accepted(config, kind, id, undefined) : { ok: true, config, id, object: null };
  }
  if (!hasObject(config, kind, id)) return refuse('not-found', { [schema.idParam]: notFound(kind, id) });

  switch (kind) {
    case 'zones': {
      const user = vnetsOfZone(config, id, options.index).sort(byteOrder)[0];
      if (user) return refuse('in-use', { zone: `zone ${id} is used by vnet ${user}` });
      break;
    }
    case 'vnets': {
      if (subnetsOfVnet(config, id, options.index).length) return refuse('in-use', { vnet: "Can't delete vnet if subnets exists" });
      break;
    }
    case 'subnets':
      if (scope.vnet !== undefined && text(ids(config, 'subnets')[id].vnet) !== scope.vnet) return refuse('invalid', { vnet: 'wrong vnet' });
      break;
    case 'controllers': {
      const zone = zoneUsing(config, ['controller'], id);
      if (zone) return refuse('in-use', { controller: `controller ${id} is used by ${zone}` });
      break;
    }
    case 'ipams': {
      const zone = zoneUsing(config, ['ipam'], id);
      if (zone) return refuse('in-use', { ipam: `ipam ${id} is used by zone ${zone}` });
      break;
    }
    case 'dns': {
      const zone = zoneUsing(config, ['dns', 'reversedns'], id);
      if (zone) return refuse('in-use', { dns: `dns ${id} is used by zone ${zone}` });
      break;
    }
  }

  const problems = editErrors(config, kind, id, undefined, options.index);
  if (Object.keys(problems).length) return refuse('in-use', problems);
  return accepted(config, kind, id, undefined);
}
