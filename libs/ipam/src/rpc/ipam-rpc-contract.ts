import type { IpEventV1 } from '@sdn/contracts';

/** Request body of IPAM_PATTERNS.allocate/update/release, shared by the API and ipam-service. */
export interface AllocateRequest {
  zone: string;
  vnet: string;
  /** subnet cidr as in the subnet id; optional when `ip` is given and a listed subnet contains it */
  subnet?: string;
  subnets?: { cidr: string; gateway?: string; dhcpRanges?: { start: string; end: string }[] }[];
  ip?: string;
  mac?: string;
  hostname?: string;
  vmid?: string | number;
  /** batch extension: allocate N next-free addresses in one call */
  count?: number;
  correlationId?: string;
  /**
   * The caller's id of this allocation (a UUID), stored with the addresses it got. The API sends
   * it so that a request it had to send again (the first attempt timed out: the replica or NATS
   * server that had it was killed, and the address may have been committed) gets the addresses of
   * the first attempt instead of a second set. Built-in IPAM only: phpIPAM and NetBox keep no such
   * id, so the API does not send their allocations twice.
   */
  requestId?: string;
  /** Set on the second and later attempts with the same `requestId`: only they pay for the lookup. */
  retry?: boolean;
  /**
   * Set by the API only for a zone whose IPAM is external (phpIPAM, NetBox), with `subnets`
   * (that IPAM keeps no subnet list here): the IPAM object as stored, token sealed. A pve zone
   * sends neither, so the built-in store's hot path has nothing to look up.
   */
  ipamId?: string;
  ipam?: Record<string, unknown>;
}

/** IPAM types that live outside this system (their own HTTP API, their refusals in words). */
export const EXTERNAL_IPAM_TYPES: ReadonlySet<string> = new Set(['phpipam', 'netbox']);

/**
 * Request body of IPAM_PATTERNS.subnet: the API registers a subnet change in
 * the zone's external IPAM (phpIPAM, NetBox) before it writes the event, so
 * the IPAM's refusal reaches the caller and nothing is written. The objects
 * are the pending ones (the event that follows carries the same); `undo`
 * reverts a registration whose event could not be written.
 */
export interface SubnetRegistrationRequest {
  op: 'create' | 'update' | 'delete';
  undo?: boolean;
  subnetId: string;
  vnet: string;
  /** The subnet after the change (create, update). */
  object?: Record<string, unknown>;
  /** The subnet before it (update, delete). */
  old?: Record<string, unknown>;
  ipamId: string;
  /** The IPAM object as stored (token sealed). */
  ipam: Record<string, unknown>;
}

/** Request body of IPAM_PATTERNS.allocateEach; the reply's data has one RpcResult per request, in order. */
export interface AllocateEachRequest {
  requests: AllocateRequest[];
}
/** More than this in one message is refused: a batch is the API's callers of one moment, not a bulk import. */
export const MAX_ALLOCATE_EACH = 256;

/** An address as the service reports it: the IP event's fields, with the vmid as stored (text). */
export type IpRecord = Omit<IpEventV1, 'vmid' | 'gateway'> & { vmid?: string };

/** Replies carry errors as words: the operator reads them in the API's 400. */
export type RpcResult<T> = { ok: true; data: T } | { ok: false; error: string; field?: string };

/**
 * The request/reply subject of an IPAM pattern on a bus namespace (tests and
 * second installations get their own copy, like every other subject).
 */
export function ipamRpcSubject(namespace: string, pattern: string): string {
  return namespace ? `${namespace}.${pattern}` : pattern;
}

/** Queue group of the ipam-service replicas: each request is answered by exactly one. */
export const IPAM_RPC_QUEUE = 'ipam-service';

/**
 * Request body of IPAM_PATTERNS.dhcpLease (a node's DHCP server, on its own subject), what
 * dnsmasq logged of a guest on `vnet`:
 * - `discover`: an unknown MAC asks for an address: the IPAM gives it one from the vnet's
 *   `dhcp-range`s (or answers the one the MAC has already), marked as a DHCP lease;
 * - `bound`: the guest took `ip` under `hostname`: recorded on a DHCP lease of that MAC;
 * - `released`: the guest gave `ip` back: released if it is a DHCP lease of that MAC,
 *   never an address an operator or the API registered.
 */
export interface DhcpLeaseRequest {
  op: 'discover' | 'bound' | 'released';
  zone: string;
  vnet: string;
  mac: string;
  ip?: string;
  hostname?: string;
}

/** Answer to a lease report: the address concerned, and whether the IPAM changed (an IP event was written). */
export interface DhcpLeaseResult {
  ip?: string;
  changed: boolean;
}
