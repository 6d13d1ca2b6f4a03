/**
 * The running SDN configuration in the reference's JSON shape
 * (`/etc/pve/sdn/.running-config`). Values arrive as the reference stores
 * them: numbers and booleans may be JSON numbers, booleans or strings
 * ("100", 1, "1"). Use the helpers in `values.ts` to read them.
 */
export type Scalar = string | number | boolean | null | undefined;

/** A node list as the reference stores it: a set (`{node: 1}`) or a list string. */
export type NodeSet = Record<string, Scalar> | string;

export interface Section<T> {
  ids: Record<string, T>;
}

export type ZoneType = 'simple' | 'vlan' | 'qinq' | 'vxlan' | 'evpn';
export const ZONE_TYPES: readonly ZoneType[] = ['simple', 'vlan', 'qinq', 'vxlan', 'evpn'];
export type ControllerType = 'evpn' | 'bgp' | 'isis';
export const CONTROLLER_TYPES: readonly ControllerType[] = ['evpn', 'bgp', 'isis'];
export type IpamType = 'pve' | 'phpipam' | 'netbox';
export const IPAM_TYPES: readonly IpamType[] = ['pve', 'phpipam', 'netbox'];
export type DnsType = 'powerdns';
export const DNS_TYPES: readonly DnsType[] = ['powerdns'];

export interface Zone {
  type: ZoneType | string;
  nodes?: NodeSet;
  ipam?: string;
  dns?: string;
  reversedns?: string;
  dnszone?: string;
  mtu?: Scalar;
  dhcp?: string;
  'dhcp-nodes'?: NodeSet;
  bridge?: string;
  'bridge-disable-mac-learning'?: Scalar;
  tag?: Scalar;
  'vlan-protocol'?: string;
  peers?: string;
  fabric?: string;
  'vxlan-port'?: Scalar;
  'vrf-vxlan'?: Scalar;
  controller?: string;
  mac?: string;
  exitnodes?: NodeSet;
  'exitnodes-primary'?: string;
  'exitnodes-local-routing'?: Scalar;
  'advertise-subnets'?: Scalar;
  'disable-arp-nd-suppression'?: Scalar;
  'rt-import'?: string;
  [key: string]: unknown;
}

export interface Vnet {
  type?: 'vnet' | string;
  zone?: string;
  tag?: Scalar;
  alias?: string;
  vlanaware?: Scalar;
  'isolate-ports'?: Scalar;
  mac?: string;
  [key: string]: unknown;
}

export interface Subnet {
  type?: 'subnet' | string;
  vnet?: string;
  gateway?: string;
  snat?: Scalar;
  dnszoneprefix?: string;
  'dhcp-range'?: unknown;
  'dhcp-dns-server'?: string;
  [key: string]: unknown;
}

export interface Controller {
  type: ControllerType | string;
  asn?: Scalar;
  peers?: string;
  fabric?: string;
  node?: string;
  loopback?: string;
  ebgp?: Scalar;
  'ebgp-multihop'?: Scalar;
  'bgp-multipath-as-path-relax'?: Scalar;
  'isis-domain'?: string;
  'isis-ifaces'?: string;
  'isis-net'?: string;
  [key: string]: unknown;
}

export interface Ipam {
  type: IpamType | string;
  url?: string;
  token?: string;
  section?: Scalar;
  fingerprint?: string;
  [key: string]: unknown;
}

export interface DnsServer {
  type: DnsType | string;
  url?: string;
  key?: string;
  ttl?: Scalar;
  reversemaskv6?: Scalar;
  fingerprint?: string;
  [key: string]: unknown;
}

/**
 * A fabric or fabric-node section (Appendix A). Fabrics are parsed and
 * validated elsewhere; this library only resolves references to them.
 */
export interface FabricObject {
  type?: string;
  [key: string]: unknown;
}

export interface RunningConfig {
  version?: Scalar;
  zones?: Section<Zone>;
  vnets?: Section<Vnet>;
  subnets?: Section<Subnet>;
  controllers?: Section<Controller>;
  ipams?: Section<Ipam>;
  dns?: Section<DnsServer>;
  fabrics?: Section<FabricObject>;
}

/** Validation result: every problem keyed by its path in the config, e.g. `zones.myzone.tag`. */
export type ValidationErrors = Record<string, string>;
