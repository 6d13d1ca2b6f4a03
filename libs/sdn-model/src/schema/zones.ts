import { checkZoneId } from './formats';
import type { KindSchema } from './kind';
import type { PropertyDef } from './properties';

/**
 * MTU bounds. 576 is the datagram size every IPv4 host must accept (RFC 791);
 * below it DHCP and TCP break in practice, and the kernel minimum (68) is no
 * useful bound for a guest network. 65535 is the largest MTU any Linux device
 * takes (IPv4 total length is 16 bits). VXLAN devices need 50 bytes of the
 * underlay, so vxlan/evpn zones are capped lower by a zone rule.
 */
export const MTU_MIN = 576;
export const MTU_MAX = 65535;
export const VXLAN_OVERHEAD = 50;
/** IPv6 links need at least 1280 (RFC 8200 §5). */
export const IPV6_MIN_MTU = 1280;
export const VLAN_MIN = 1;
/** 0 and 4095 are reserved by 802.1Q; the reference's 4096 is not a VLAN ID at all. */
export const VLAN_MAX = 4094;
export const VNI_MIN = 1;
export const VNI_MAX = 16777215;

const ZONE_PROPERTIES: Record<string, PropertyDef> = {
  nodes: { kind: 'node-set', description: 'Nodes on which the zone and its vnets are deployed (comma separated); unset: every node.' },
  ipam: { kind: 'string', format: 'ipam-id', description: 'IPAM for the subnets and IPs of the zone (must exist; `pve` is the built-in one).' },
  dns: { kind: 'string', format: 'dns-id', description: 'DNS server for forward records (must exist).' },
  reversedns: { kind: 'string', format: 'dns-id', description: 'DNS server for reverse (PTR) records (must exist).' },
  dnszone: { kind: 'string', format: 'dns-name', description: 'Forward DNS domain: records become <host>[.<dnszoneprefix>].<dnszone>; needs `dns`.' },
  mtu: { kind: 'integer', min: MTU_MIN, max: MTU_MAX, description: 'MTU of the generated interfaces; unset: 1450 for vxlan/evpn zones (50 bytes of VXLAN overhead), the bridge\'s otherwise.' },
  dhcp: {
    kind: 'enum',
    values: ['dnsmasq'],
    description:
      'DHCP backend: dnsmasq handing out the addresses the IPAM holds for each MAC (needs `ipam`). Simple and evpn zones: on every node, on the vnet bridges. VLAN, QinQ and VXLAN zones: on the `dhcp-nodes`, each from a DHCP port in its own network namespace with an address reserved in the built-in IPAM.',
  },
  'dhcp-nodes': {
    kind: 'node-set',
    description: 'Nodes serving DHCP in a VLAN, QinQ or VXLAN zone (comma separated; within the zone\'s nodes); unset: every node of the zone.',
  },
  bridge: { kind: 'string', format: 'kernel-ifname', description: 'Existing local bridge (Linux or OVS) the zone\'s vnets attach to.' },
  'bridge-disable-mac-learning': { kind: 'boolean', default: false, description: 'Disable MAC learning on guest ports (static FDB entries instead).' },
  // The reference's schema says minimum 0 and no maximum (B.19); a service
  // VLAN is a VLAN ID.
  tag: { kind: 'integer', min: VLAN_MIN, max: VLAN_MAX, description: 'Service VLAN (outer tag) of the QinQ zone.' },
  'vlan-protocol': { kind: 'enum', values: ['802.1q', '802.1ad'], default: '802.1q', description: 'Ethertype of the service VLAN.' },
  peers: { kind: 'string', format: 'ip-list', description: 'VXLAN peers: the addresses of every node, comma separated (or set `fabric`).' },
  fabric: { kind: 'string', format: 'pve-sdn-fabric-id', description: 'Fabric whose nodes are the VXLAN peers (instead of `peers`).' },
  // A UDP port; the reference allows 65536 (B.19).
  'vxlan-port': { kind: 'integer', min: 1, max: 65535, default: 4789, description: 'UDP destination port of the VXLAN tunnels.' },
  'vrf-vxlan': { kind: 'integer', min: VNI_MIN, max: VNI_MAX, description: 'L3 VNI of the zone\'s VRF.' },
  controller: { kind: 'string', format: 'controller-id', description: 'EVPN controller of the zone (must exist and be of type evpn).' },
  mac: { kind: 'string', format: 'mac-addr', description: 'Anycast gateway MAC of the zone\'s vnets; unset: one is generated.' },
  exitnodes: { kind: 'node-set', description: 'Nodes routing between the zone and the outside (announce the default route), comma separated.' },
  'exitnodes-primary': { kind: 'string', format: 'pve-node', description: 'Preferred exit node.' },
  'exitnodes-local-routing': { kind: 'boolean', default: false, description: 'Let the exit nodes themselves reach the guests (veth pair into the VRF).' },
  'advertise-subnets': { kind: 'boolean', default: false, description: 'Announce the zone\'s subnets as EVPN type-5 routes.' },
  'disable-arp-nd-suppression': { kind: 'boolean', default: false, description: 'Do not suppress ARP/ND on the VXLAN devices.' },
  'rt-import': { kind: 'string', format: 'pve-sdn-bgp-rt-list', description: 'Extra route targets imported into the zone\'s VRF, comma separated (ASN:NN).' },
};

const COMMON = ['nodes', 'ipam', 'dns', 'reversedns', 'dnszone', 'mtu'] as const;
const DHCP_PORT = ['dhcp', 'dhcp-nodes'] as const;
/** Zone types without an address on the nodes: DHCP is served from a port in its own namespace on the `dhcp-nodes`. */
export const DHCP_PORT_ZONE_TYPES: ReadonlySet<string> = new Set(['vlan', 'qinq', 'vxlan']);

/** The zone properties that are node sets (stored `{node: 1}`, shown as sorted comma lists). */
export const ZONE_NODE_SET_KEYS: readonly string[] = Object.keys(ZONE_PROPERTIES).filter((k) => ZONE_PROPERTIES[k].kind === 'node-set');

/**
 * §2.1. `faucet` is registered by the reference but not functional (B.27):
 * it makes FRR generation fail. Accepting it would only store a zone that can
 * never be deployed, so it is not a type here.
 */
export const ZONE_SCHEMA: KindSchema = {
  kind: 'zones',
  idParam: 'zone',
  label: 'zone',
  idDescription: 'Zone ID: a letter, then letters or digits, 2 to 8 characters.',
  idFormat: 'zone-id',
  checkId: checkZoneId,
  properties: ZONE_PROPERTIES,
  types: {
    simple: { required: [], optional: [...COMMON, 'dhcp'] },
    // Our extension: no address on the nodes, so DHCP is served from a port in its own namespace (DHCP_PORT).
    vlan: { required: ['bridge'], optional: [...COMMON, ...DHCP_PORT, 'bridge-disable-mac-learning'] },
    qinq: { required: ['bridge', 'tag'], optional: [...COMMON, ...DHCP_PORT, 'bridge-disable-mac-learning', 'vlan-protocol'] },
    vxlan: { required: [], optional: [...COMMON, ...DHCP_PORT, 'peers', 'fabric', 'vxlan-port'] },
    evpn: {
      required: ['controller', 'vrf-vxlan'],
      optional: [
        ...COMMON,
        // Our extension: the anycast gateway is on every node, so each node serves its own guests as in a simple zone.
        'dhcp',
        'bridge-disable-mac-learning',
        'vxlan-port',
        'mac',
        'exitnodes',
        'exitnodes-primary',
        'exitnodes-local-routing',
        'advertise-subnets',
        'disable-arp-nd-suppression',
        'rt-import',
      ],
    },
  },
};
