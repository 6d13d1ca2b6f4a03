import type { Controller, DnsServer, FabricObject, Ipam, Subnet, Vnet, Zone } from '../model';
import { addError, type SdnConfig } from '../schema/normalise';
import { parseSubnetId, type SubnetIdParts } from '../schema/subnet-id';
import { nodeList, sortedKeys, text } from '../values';

/** How a configuration is validated; the default checks every rule on every object. */
export interface ValidationOptions {
  /**
   * The subnets whose gateway S4 checks (default: all). S4 reads nothing but
   * a subnet's own ID (its CIDR, which never changes) and gateway, and only
   * an edit of that subnet sets the gateway; so an edit decides S4 for the
   * gateway it sets, and may lift it on request (`gateway-outside-subnet`:
   * Proxmox's nodes render such subnets, older versions of its API accepted
   * them). A configuration made of edits is validated again with
   * `() => false`: its gateways were each decided already.
   */
  checkGateway?: (subnetId: string) => boolean;
}

/**
 * Read-only view of a normalised configuration for the cross-object rules,
 * plus the error sink. Everything here tolerates missing or half-valid
 * objects: a rule only fires on what it can actually see.
 */
export class RuleContext {
  readonly zones: Record<string, Zone>;
  readonly vnets: Record<string, Vnet>;
  readonly subnets: Record<string, Subnet>;
  readonly controllers: Record<string, Controller>;
  /** Undefined when the config carries no IPAM section (a running config never does). */
  readonly ipams: Record<string, Ipam> | undefined;
  readonly dns: Record<string, DnsServer> | undefined;
  readonly fabrics: Record<string, FabricObject> | undefined;
  private readonly subnetsByVnet = new Map<string, string[]>();
  /** Paths whose value was already rejected by the key/format check. */
  private readonly rejected: Set<string>;

  constructor(
    readonly config: SdnConfig,
    readonly errors: Record<string, string>,
    private readonly options: ValidationOptions = {},
  ) {
    this.rejected = new Set(Object.keys(errors));
    this.zones = ownMap(config.zones?.ids) ?? {};
    this.vnets = ownMap(config.vnets?.ids) ?? {};
    this.subnets = ownMap(config.subnets?.ids) ?? {};
    this.controllers = ownMap(config.controllers?.ids) ?? {};
    this.ipams = ownMap(config.ipams?.ids);
    this.dns = ownMap(config.dns?.ids);
    this.fabrics = ownMap(config.fabrics?.ids);
    for (const id of sortedKeys(this.subnets)) {
      const vnet = text(this.subnets[id].vnet);
      if (!vnet) continue;
      const list = this.subnetsByVnet.get(vnet) ?? [];
      list.push(id);
      this.subnetsByVnet.set(vnet, list);
    }
  }

  error(path: string, message: string): void {
    // A rejected value is dropped from the normalised view; the rules would
    // only add follow-ups such as "missing vlan tag" to the real problem.
    if (this.rejected.has(path)) return;
    addError(this.errors, path, message);
  }

  /** Whether S4 applies to this subnet (see ValidationOptions). */
  checksGateway(subnetId: string): boolean {
    return this.options.checkGateway?.(subnetId) ?? true;
  }

  zoneType(zoneId: string): string | undefined {
    const z = this.zones[zoneId];
    return z ? text(z.type) : undefined;
  }

  /** Subnet IDs of a vnet, in byte order. */
  subnetsOf(vnetId: string): string[] {
    return this.subnetsByVnet.get(vnetId) ?? [];
  }

  vnetsOf(zoneId: string): string[] {
    return sortedKeys(this.vnets).filter((v) => text(this.vnets[v].zone) === zoneId);
  }

  /** The zone a subnet belongs to: its vnet's zone, else the zone part of its ID. */
  subnetZone(subnetId: string): string | undefined {
    const vnet = this.vnets[text(this.subnets[subnetId]?.vnet)];
    if (vnet && text(vnet.zone)) return text(vnet.zone);
    return parseSubnetId(subnetId)?.zone;
  }

  subnetParts(subnetId: string): SubnetIdParts | undefined {
    return parseSubnetId(subnetId);
  }

  /** Node restriction of a zone; undefined means "every node". */
  zoneNodes(zoneId: string): Set<string> | undefined {
    const z = this.zones[zoneId];
    if (!z || z.nodes === undefined) return undefined;
    const list = nodeList(z.nodes);
    return list.length ? new Set(list) : undefined;
  }

  /** Whether two zones can be deployed on a common node (and so share its bridges). */
  zonesShareANode(a: string, b: string): boolean {
    const na = this.zoneNodes(a);
    const nb = this.zoneNodes(b);
    if (!na || !nb) return true;
    for (const n of na) if (nb.has(n)) return true;
    return false;
  }

  fabricExists(id: string): boolean | undefined {
    if (!this.fabrics) return undefined;
    const f = this.fabrics[id];
    return f !== undefined && (f.type === undefined || /_fabric$/.test(text(f.type)));
  }
}

/**
 * A prototype-free copy, so that looking up a reference such as
 * `constructor` or `__proto__` finds nothing instead of Object's members.
 */
function ownMap<T>(ids: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!ids) return undefined;
  const out = Object.create(null) as Record<string, T>;
  for (const k of Object.keys(ids)) Object.defineProperty(out, k, { value: ids[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * For every member of a group with more than one member, the first other
 * member in byte order: duplicate errors are reported on every party and name
 * one counterpart, so an edit always sees the error on the object it touches.
 */
export function forEachDuplicate<T extends string>(groups: Map<string, T[]>, report: (id: T, other: T, key: string) => void): void {
  for (const [key, ids] of groups) {
    if (ids.length < 2) continue;
    const sorted = [...ids].sort();
    for (const id of sorted) report(id, sorted.find((o) => o !== id) as T, key);
  }
}

export function groupBy<T extends string>(ids: Iterable<T>, keyOf: (id: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const id of ids) {
    const k = keyOf(id);
    if (k === undefined) continue;
    const list = out.get(k) ?? [];
    list.push(id);
    out.set(k, list);
  }
  return out;
}
