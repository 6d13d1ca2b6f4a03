/**
 * NATS subject and JetStream stream names: the one place they are spelled.
 * Version 1 of the contract; a breaking change gets new names (`…v2`), never an edit here.
 */
export const CONTRACT_VERSION = 1;

/** Durable stream of every domain event (`sdn.events.<aggregate>.<event>`). */
export const EVENTS_STREAM = 'SDN_EVENTS';
export const EVENTS_SUBJECTS = 'sdn.events.>';
export function eventSubject(aggregate: string, event: string): string {
  return `sdn.events.${aggregate}.${event}`;
}

/** Per-node bundles; the stream keeps only the latest message per subject. */
export const BUNDLES_STREAM = 'SDN_BUNDLES';
export const BUNDLES_SUBJECTS = 'sdn.node.*.bundle';
export function bundleSubject(node: string): string {
  return `sdn.node.${node}.bundle`;
}

/**
 * Version-only messages (NodeBundleVersionV1), in the bundles stream beside
 * the full bundles: the latest full bundle of a node stays stored while the
 * versions that did not change its files follow on this subject.
 */
export const BUNDLE_VERSIONS_SUBJECTS = 'sdn.node.*.bundle-version';
export function bundleVersionSubject(node: string): string {
  return `sdn.node.${node}.bundle-version`;
}

/** Node facts published by each agent; latest per node kept. */
export const FACTS_STREAM = 'SDN_FACTS';
export const FACTS_SUBJECTS = 'sdn.node.*.facts';
export function factsSubject(node: string): string {
  return `sdn.node.${node}.facts`;
}

/** Node status (applied version, per zone/vnet state, heartbeat); latest per node kept. */
export const STATUS_STREAM = 'SDN_STATUS';
export const STATUS_SUBJECTS = 'sdn.node.*.status';
export function statusSubject(node: string): string {
  return `sdn.node.${node}.status`;
}

/** Request/reply subjects served by the IPAM service (NestJS NATS transport). */
export const IPAM_PATTERNS = {
  allocate: 'sdn.ipam.v1.allocate',
  /** Several independent allocate requests in one message (`{requests: [...]}`), one result each: how the API batches its callers. */
  allocateEach: 'sdn.ipam.v1.allocate-each',
  update: 'sdn.ipam.v1.update',
  release: 'sdn.ipam.v1.release',
  list: 'sdn.ipam.v1.list',
  status: 'sdn.ipam.v1.status',
  /** A subnet change in an external IPAM, done before the API writes its event (spec §6.1: inside the API call). */
  subnet: 'sdn.ipam.v1.subnet',
  /** What a node's DHCP servers saw of a guest (ipamDhcpLeaseSubject: one subject per node, so NATS permissions tell who speaks). */
  dhcpLease: 'sdn.ipam.v1.dhcp-lease.*',
} as const;

/** The subject a node reports its DHCP leases on (IPAM_PATTERNS.dhcpLease); only that node may publish it. */
export function ipamDhcpLeaseSubject(node: string): string {
  return `sdn.ipam.v1.dhcp-lease.${node}`;
}

/** Request/reply subjects served by the DNS service. */
export const DNS_PATTERNS = {
  verifyZone: 'sdn.dns.v1.verify-zone',
} as const;

/** Node names become subject tokens and file names: keep them to the reference's pve-node format. */
export const NODE_NAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * NATS header with the correlation id of the change a message belongs to
 * (events from the outbox relay, node bundles): tools that read headers only
 * (`nats sub --headers-only`) can follow one change across the bus.
 */
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';
