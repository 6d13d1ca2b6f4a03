/**
 * The SDN domain events. Object events carry the resulting object (not only
 * the request), so replay never re-runs validation or defaulting logic: a
 * projection rebuilt years later gives the same state whatever the validator
 * has become since.
 */
export type SectionName = 'zones' | 'vnets' | 'subnets' | 'controllers' | 'ipams' | 'dns' | 'fabrics';
export const SECTIONS: readonly SectionName[] = ['zones', 'vnets', 'subnets', 'controllers', 'ipams', 'dns', 'fabrics'];
/** Sections that are staged (pending → running on apply). IPAMs and DNS servers act immediately. */
export const STAGED_SECTIONS: readonly SectionName[] = ['zones', 'vnets', 'subnets', 'controllers', 'fabrics'];

/** Event-name stem and aggregate type of each section. */
export const SECTION_META: Record<SectionName, { stem: string; aggregate: string; idKey: string }> = {
  zones: { stem: 'Zone', aggregate: 'zone', idKey: 'zone' },
  vnets: { stem: 'Vnet', aggregate: 'vnet', idKey: 'vnet' },
  subnets: { stem: 'Subnet', aggregate: 'subnet', idKey: 'subnet' },
  controllers: { stem: 'Controller', aggregate: 'controller', idKey: 'controller' },
  ipams: { stem: 'Ipam', aggregate: 'ipam', idKey: 'ipam' },
  dns: { stem: 'Dns', aggregate: 'dns', idKey: 'dns' },
  // Fabric sections (key `<fabric>`); their node sections (`<fabric>_<node>`) have events of their own, FABRIC_NODE_META.
  fabrics: { stem: 'Fabric', aggregate: 'fabric', idKey: 'id' },
};
/** Events of fabric node sections: `FabricNodeCreated` …, folded into the `fabrics` section like the fabric's own. */
export const FABRIC_NODE_META = { stem: 'FabricNode', aggregate: 'fabric-node' } as const;

export type SdnObject = Record<string, unknown>;

export interface ObjectCreatedV1 {
  id: string;
  object: SdnObject;
  /**
   * Subnets: the request (`gateway-outside-subnet=1`) accepted a gateway
   * outside the subnet, which the API refuses by default (rule S4). For
   * audit only: the object is what replay folds in.
   */
  gatewayOutsideSubnet?: true;
}
export interface ObjectUpdatedV1 {
  id: string;
  /** The whole object after the update. */
  object: SdnObject;
  /** Keys the request set and deleted, for audit. */
  set: string[];
  deleted: string[];
  /** As on ObjectCreatedV1. */
  gatewayOutsideSubnet?: true;
}
export interface ObjectDeletedV1 {
  id: string;
}
export interface LockAcquiredV1 {
  /** sha256 of the token: the token itself is a capability and never enters the log. */
  tokenHash: string;
}
export interface LockReleasedV1 {
  forced: boolean;
  /** Why: `unlock`, `apply` or `rollback`. */
  reason: string;
}
export interface ConfigRolledBackV1 {
  /** Running version the pending config was restored from (0 = none). */
  version: number;
}

export const CONFIG_AGGREGATE = { type: 'config', id: 'running' } as const;
export const LOCK_AGGREGATE = { type: 'lock', id: 'sdn' } as const;

export function objectEventType(section: SectionName, op: 'Created' | 'Updated' | 'Deleted'): string {
  return SECTION_META[section].stem + op;
}

/** The event type of a fabric (`fabric`) or fabric-node (`node`) section edit. */
export function fabricEventType(kind: 'fabric' | 'node', op: 'Created' | 'Updated' | 'Deleted'): string {
  return (kind === 'node' ? FABRIC_NODE_META.stem : SECTION_META.fabrics.stem) + op;
}

const BY_STEM = new Map<string, SectionName>([...SECTIONS.map((s): [string, SectionName] => [SECTION_META[s].stem, s]), [FABRIC_NODE_META.stem, 'fabrics']]);

/** `ZoneCreated` → ['zones', 'Created']; undefined for non-object events. */
export function parseObjectEventType(type: string): [SectionName, 'Created' | 'Updated' | 'Deleted'] | undefined {
  const m = /^(.*)(Created|Updated|Deleted)$/.exec(type);
  const section = m && BY_STEM.get(m[1]);
  return section ? [section, m![2] as 'Created' | 'Updated' | 'Deleted'] : undefined;
}
