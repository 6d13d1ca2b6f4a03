/**
 * Contract every IPAM backend implements (spec §6.3–§6.5). Argument objects instead of the
 * reference's positional signature so the vmid/description slot mix-up (notes.md) cannot recur.
 */
export interface IpamSubnet {
  /** subnet id, e.g. `myzone-10.0.0.0-24` */
  id: string;
  zone: string;
  /** `<address>/<len>` exactly as in the id (not normalised, §6.3). */
  cidr: string;
  gateway?: string;
  dhcpRanges?: { start: string; end: string }[];
}

export interface IpAttrs {
  hostname?: string | null;
  mac?: string | null;
  vmid?: string | null;
  isGateway?: boolean;
}

export interface IpamPlugin {
  addSubnet(subnet: IpamSubnet): Promise<void>;
  updateSubnet(subnet: IpamSubnet, old: IpamSubnet): Promise<void>;
  delSubnet(subnet: IpamSubnet): Promise<void>;
  addIp(subnet: IpamSubnet, ip: string, attrs: IpAttrs): Promise<void>;
  updateIp(subnet: IpamSubnet, ip: string, attrs: IpAttrs): Promise<void>;
  /** False when the IPAM has no such address (§6.5 "not deleted"): nothing to release. */
  delIp(subnet: IpamSubnet, ip: string): Promise<boolean>;
  /** Returns the allocated address (no `/len`). */
  addNextFreeIp(subnet: IpamSubnet, attrs: IpAttrs): Promise<string>;
  /** Returns the allocated address, or null when the range is exhausted (§6.3: swallowed). */
  addRangeNextFreeIp(subnet: IpamSubnet, range: { start: string; end: string }, attrs: IpAttrs): Promise<string | null>;
  getIpsFromMac(zone: string, mac: string): Promise<{ ip4?: string; ip6?: string }>;
  /**
   * The subnet's addresses with their MAC, host name and gateway flag: the static entries of the
   * zone's DHCP servers (not a reference call; the IPAM's documented listing). [] when the IPAM
   * has no such subnet.
   */
  listIps(subnet: IpamSubnet): Promise<ListedIp[]>;
}

/** An address as an IPAM lists it (listIps). */
export interface ListedIp {
  ip: string;
  mac?: string;
  hostname?: string;
  gateway?: boolean;
}

/**
 * Error whose message is what the operator sees; the reference wording is kept. `field`: the
 * request parameter it is about, when there is one (the API's `errors` key).
 */
export class IpamError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}
