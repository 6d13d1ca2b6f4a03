/**
 * Catalogue of the rules `validateConfig` implements, by the spec's numbers
 * where it has one (§3) and `X*` for our stricter additions. The tests hold
 * a failing and a passing configuration for every entry.
 */
export interface ValidationRule {
  id: string;
  description: string;
}

export const VALIDATION_RULES: readonly ValidationRule[] = [
  // Shape and generic rules (§0.3, §0.4, §3.1)
  { id: 'SHAPE-config', description: 'the configuration is a JSON object' },
  { id: 'SHAPE-section', description: "each section is an object with an 'ids' object" },
  { id: 'SHAPE-object', description: 'each stored object is a JSON object' },
  { id: 'SHAPE-toplevel', description: 'only version, fabrics and the six sections at the top level' },
  { id: 'SHAPE-version', description: 'version is a non-negative integer' },
  { id: 'G1', description: 'object IDs match the ID pattern and length of their kind' },
  { id: 'TYPE', description: 'type is present and one of the kind’s plugin types (faucet is not supported)' },
  { id: 'G4', description: 'only keys allowed for the object’s type' },
  { id: 'G5', description: 'all required keys of the type are present' },
  { id: 'FMT', description: 'every value has its format / range (integers, booleans, enums, ip, CIDR, node lists, mac, dns-name, bgp-rt, isis-net, fabric id, fingerprint, URL, interface names, no control characters)' },
  // Zones (§3.2)
  { id: 'Z1', description: 'zone dns names an existing DNS server (when the config carries DNS servers)' },
  { id: 'Z2', description: 'zone reversedns names an existing DNS server' },
  { id: 'Z3', description: 'zone dnszone requires dns (on the resulting zone)' },
  { id: 'Z4', description: 'zone ipam names an existing IPAM (pve always exists)' },
  { id: 'Z7', description: 'vxlan zone has exactly one of peers / fabric' },
  { id: 'Z7-fabric', description: 'vxlan zone fabric exists (when the config carries fabrics)' },
  { id: 'Z8', description: 'evpn zone controller exists' },
  { id: 'Z9', description: 'evpn zone controller is of type evpn' },
  { id: 'Z10', description: 'vrf-vxlan unique across zones' },
  { id: 'X-vrf-vni', description: 'vrf-vxlan differs from every vxlan/evpn vnet VNI (B.19)' },
  { id: 'X-qinq-tag', description: 'qinq service tag 1..4094 (schema) and unique per bridge with vlan-zone tags on shared nodes' },
  { id: 'X-vxlan-port', description: 'vxlan-port 1..65535 (schema)' },
  { id: 'X-mtu', description: 'zone mtu 576..65535 (schema); at most 65485 for vxlan/evpn zones' },
  { id: 'X-mtu-ipv6', description: 'zone mtu at least 1280 when the zone has IPv6 subnets' },
  { id: 'X-exit-primary', description: 'exitnodes-primary is one of exitnodes' },
  { id: 'X-exit-nodes', description: 'exitnodes are within the zone nodes when nodes is set' },
  { id: 'X-dhcp-ipam', description: 'a zone with dhcp has an ipam' },
  { id: 'X-dhcp-nodes', description: 'dhcp-nodes needs dhcp and lies within the zone nodes when nodes is set' },
  { id: 'X-dhcp-port-ipam', description: 'a vlan/qinq/vxlan zone with dhcp uses the built-in ipam (its DHCP ports are reserved there)' },
  { id: 'X-dhcp-port-room', description: 'IPv4 subnets of a vlan/qinq/vxlan zone with dhcp have an address per serving node and one for a guest' },
  { id: 'X-dhcp-v6-gateway', description: 'IPv6 subnets of a zone with dhcp have a gateway (§6.8 skips them with a warning)' },
  // VNets (§3.3)
  { id: 'V1', description: 'vnet zone exists' },
  { id: 'V4', description: 'vlanaware vnet has no subnets' },
  { id: 'V-simple', description: 'no tag on vnets of simple zones' },
  { id: 'V-vlan', description: 'vlan zone vnet tag required, 1..4094' },
  { id: 'V-vlan-bridge', description: 'vlan tags unique per physical bridge across vlan zones sharing a node' },
  { id: 'V-qinq', description: 'qinq customer tag 1..4094 and unique within the zone' },
  { id: 'V-qinq-untagged', description: 'at most one untagged vnet per qinq zone' },
  { id: 'V-vxlan', description: 'vxlan/evpn vnet tag (VNI) required, 1..16777215' },
  { id: 'V-vni-unique', description: 'VNI unique across all vxlan and evpn vnets' },
  { id: 'V-evpn-vlanaware', description: 'no vlanaware vnet in an evpn zone' },
  { id: 'X-vnet-id', description: 'vnet ID 2..8 characters (G1) and not the name of a zone bridge or a generated <bridge>v<tag> bridge' },
  // Subnets (§3.4)
  { id: 'S1', description: 'subnet ID is <zone>-<ip>-<prefixlen> with a valid CIDR (prefix 8..32 / 8..128)' },
  { id: 'S2', description: 'subnet vnet exists' },
  { id: 'S3', description: 'subnet vnet is not vlanaware' },
  { id: 'X-subnet-zone', description: 'subnet ID zone equals the zone of its vnet' },
  { id: 'S4', description: 'gateway inside the subnet, except IPv4 /32 (checked on the edit that sets the gateway; gateway-outside-subnet lifts it for that edit)' },
  { id: 'S5', description: 'dhcp-range start/end are single IPs' },
  { id: 'S6', description: 'dhcp-range start <= end' },
  { id: 'S7', description: 'dhcp-range inside the subnet' },
  { id: 'S8', description: 'dhcp ranges do not overlap' },
  { id: 'X-dhcp-bcast', description: 'IPv4 dhcp-range excludes the network and broadcast address' },
  { id: 'X-overlap', description: 'no overlapping subnets within a vnet, an evpn zone, or simple zones sharing a node' },
  // Controllers (§3.5), IPAMs
  { id: 'C1', description: 'at most one evpn controller' },
  { id: 'C2', description: 'evpn controller has exactly one of peers / fabric' },
  { id: 'C2-fabric', description: 'evpn controller fabric exists (when the config carries fabrics)' },
  { id: 'C3', description: 'at most one bgp controller per node (by the controller’s node)' },
  { id: 'C4', description: 'at most one isis controller per node' },
  { id: 'C6', description: 'asn 1..4294967295, isis-net and isis-ifaces formats (schema)' },
  { id: 'X-ipam-pve', description: "a stored ipam 'pve' is of type pve" },
  // Fabrics (Appendix A; fabrics/validate.ts)
  { id: 'F1', description: 'fabric sections: prefixes present and not overlapping, node addresses present, inside the prefix and unique, an interface in one fabric per node, distinct OSPF areas, no IPv6 with OSPF' },
];
