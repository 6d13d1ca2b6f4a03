/**
 * The API's single door into the domain library: handlers never implement
 * SDN rules themselves. This file only translates @sdn/model's edit results
 * into what the API needs (the resulting object for the event, an HTTP status
 * for a refusal).
 */
import { randomBytes } from 'node:crypto';
import { type ConfigIndex, type EditOptions, type ObjectKind, createObject, deleteObject, macFromBytes, updateObject, type EditResult as ModelEditResult, type SdnConfig } from '@sdn/model';
import type { SdnObject, SectionName } from '@sdn/event-store';
import { ApiError } from './api-error';

export type Config = Record<SectionName, { ids: Record<string, SdnObject> }>;

/** The outcome of an accepted edit: the object's id and its new value (null when deleted). */
export interface Edit {
  id: string;
  object: SdnObject | null;
  /** The edit stored a subnet gateway outside its subnet, as `gateway-outside-subnet=1` allowed. */
  gatewayOutsideSubnet?: true;
}

// Random anycast MAC for evpn zones without one (Z11). Random is fine here: the
// event records the resulting object, so replay never calls this again.
const generateMac = () => macFromBytes(randomBytes(6));

/**
 * `generateMac: false` (request parameter `generate-mac=0`, our extension):
 * an EVPN zone without `mac` is stored without one. The reference's API
 * always fills it in, but its nodes render a zone that has none (written by
 * hand or by an older version) without `hwaddress`; an import of such a
 * cluster must keep it that way to render the same files.
 */
export interface EditFlags {
  generateMac?: boolean;
  /**
   * Subnets (request parameter `gateway-outside-subnet=1`, our extension):
   * the gateway this edit sets may lie outside the subnet (rule S4 lifted for
   * this request only). The reference's API refuses such a gateway, as we do
   * by default, but its nodes render one that is on disk (older versions
   * accepted it), so an import of such a cluster must be able to hold it.
   * The flag is no property: nothing of it is stored in the object or
   * written to subnets.cfg, only the event says it was used.
   */
  gatewayOutsideSubnet?: boolean;
}

function editOptions(flags: EditFlags, index: ConfigIndex | undefined): EditOptions {
  return { generateMac: flags.generateMac === false ? undefined : generateMac, index, gatewayOutsideSubnet: flags.gatewayOutsideSubnet };
}

function accept(r: ModelEditResult): Edit {
  if (!r.ok) {
    if (r.code === 'not-found') throw new ApiError(404, Object.values(r.errors)[0] ?? 'not found', r.errors);
    throw ApiError.params(r.errors);
  }
  // The object, not r.config: building the resulting configuration copies a whole section.
  return { id: r.id, object: r.object as SdnObject | null, ...(r.gatewayOutsideSubnet ? { gatewayOutsideSubnet: true as const } : {}) };
}

/**
 * `params`: the request's object parameters including the ID parameter (subnets: `vnet` and `subnet` CIDR).
 * `index`: look-up tables describing `config` exactly (see SdnStateService), for validating only what the edit affects.
 */
export function create(config: Config, section: ObjectKind, params: SdnObject, index?: ConfigIndex, flags: EditFlags = {}): Edit {
  return accept(createObject(config as unknown as SdnConfig, section, params, editOptions(flags, index)));
}

/** `params`: properties to set plus `delete` (list) and, for subnets, the path `vnet`. */
export function update(config: Config, section: ObjectKind, id: string, params: SdnObject, index?: ConfigIndex, flags: EditFlags = {}): Edit {
  return accept(updateObject(config as unknown as SdnConfig, section, id, params, editOptions(flags, index)));
}

export function remove(config: Config, section: ObjectKind, id: string, pathVnet?: string, index?: ConfigIndex): Edit {
  return accept(deleteObject(config as unknown as SdnConfig, section, id, { vnet: pathVnet }, { index }));
}
