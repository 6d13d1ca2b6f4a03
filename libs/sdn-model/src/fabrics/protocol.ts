import type { PropertyDef } from '../schema/properties';

/**
 * What differs between fabric protocols (Appendix A): the protocol's own
 * fabric properties, the keys of its interface property strings, and whether
 * its nodes may carry IPv6. Everything else (sections, edits, checks) is
 * shared and reads this table.
 */
export interface FabricProtocolDef {
  name: FabricProtocol;
  /** Fabric properties besides the common `ip_prefix` / `ip6_prefix`. */
  fabricProperties: Readonly<Record<string, PropertyDef>>;
  /** Keys a fabric PUT may `delete`. */
  fabricDeletable: readonly string[];
  /** Interface property-string keys in the order they are written; `name` is required. */
  interfaceProperties: ReadonlyArray<readonly [string, PropertyDef]>;
  /** Does the protocol route IPv6 (fabric `ip6_prefix`, node `ip6`)? */
  ipv6: boolean;
  /** Fabric-level checks beyond formats; reports through `error(field, message)`. */
  checkFabric(id: string, section: Readonly<Record<string, unknown>>, error: (field: string, message: string) => void): void;
  /** Node-level checks beyond formats (`key` is the section key `<fabric>_<node>`). */
  checkNode(key: string, section: Readonly<Record<string, unknown>>, error: (field: string, message: string) => void): void;
}

export type FabricProtocol = 'openfabric' | 'ospf';
export const FABRIC_PROTOCOLS: readonly FabricProtocol[] = ['openfabric', 'ospf'];

/** The reference's wording (proxmox-ve-config FabricConfigError). */
export const FABRIC_MESSAGES = {
  noPrefix: (fabric: string) => `fabric '${fabric}' does not have an IP prefix configured`,
  noNodeIp: (node: string) => `node '${node}' does not have an IP configured`,
  ipv6Unsupported: (protocol: string) => `IPv6 is currently not supported for protocol ${protocol}`,
  noPrefixForNodeIp: (fabric: string, ip: string) => `fabric '${fabric}' does not have an IP prefix configured for the node IP ${ip}`,
  noNodeIpForPrefix: (node: string, prefix: string) => `node '${node}' does not have an IP configured for this fabric prefix ${prefix}`,
  ipOutsidePrefix: (ip: string, prefix: string) => `node IP ${ip} is outside the IP prefix ${prefix} of the fabric`,
  duplicateNodeIp: (fabric: string) => `fabric ${fabric} contains nodes with duplicated IPs`,
  duplicateInterface: 'interface is already in use by another fabric',
  duplicateArea: 'duplicate OSPF area',
  overlap4: (p2: string, f2: string, p1: string, f1: string) => `IP prefix ${p2} in fabric '${f2}' overlaps with IPv4 prefix ${p1} in fabric '${f1}'`,
  overlap6: (p2: string, f2: string, p1: string, f1: string) => `IPv6 prefix ${p2} in fabric '${f2}' overlaps with IPv6 prefix ${p1} in fabric '${f1}'`,
  protocolMismatch: 'node has a different protocol than the referenced fabric',
  fabricMissing: (fabric: string) => `fabric '${fabric}' does not exist in configuration`,
  nodeMissing: (node: string, fabric: string) => `node '${node}' does not exist in fabric '${fabric}'`,
  fabricExists: (fabric: string) => `fabric '${fabric}' already exists in config`,
  nodeExists: (node: string, fabric: string) => `node '${node}' already exists in config for fabric ${fabric}`,
} as const;
