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
  nodes: { kind: 'node-set' },
  ipam: { kind: 'string', format: 'ipam-id' },
  dns: { kind: 'string', format: 'dns-id' },
  reversedns: { kind: 'string', format: 'dns-id' },
  dnszone: { kind: 'string', format: 'dns-name' },
  mtu: { kind: 'integer', min: MTU_MIN, max: MTU_MAX },
  dhcp: { kind: 'enum', values: ['dnsmasq'] },
  bridge: { kind: 'string', format: 'kernel-ifname' },
  'bridge-disable-mac-learning': { kind: 'boolean' },
  // The reference's schema says minimum 0 and no maximum (B.19); a service
  // VLAN is a VLAN ID.
  tag: { kind: 'integer', min: VLAN_MIN, max: VLAN_MAX },
  'vlan-protocol': { kind: 'enum', values: ['802.1q', '802.1ad'] },
  peers: { kind: 'string', format: 'ip-list' },
  fabric: { kind: 'string', format: 'pve-sdn-fabric-id' },
  // A UDP port; the reference allows 65536 (B.19).
  'vxlan-port': { kind: 'integer', min: 1, max: 65535 },
  'vrf-vxlan': { kind: 'integer', min: VNI_MIN, max: VNI_MAX },
  controller: { kind: 'string', format: 'controller-id' },
  mac: { kind: 'string', format: 'mac-addr' },
  exitnodes: { kind: 'node-set' },
  'exitnodes-primary': { kind: 'string', format: 'pve-node' },
  'exitnodes-local-routing': { kind: 'boolean' },
  'advertise-subnets': { kind: 'boolean' },
  'disable-arp-nd-suppression': { kind: 'boolean' },
  'rt-import': { kind: 'string', format: 'pve-sdn-bgp-rt-list' },
};

const COMMON = ['nodes', 'ipam', 'dns', 'reversedns', 'dnszone', 'mtu'] as const;

/**
 * §2.1. `faucet` is registered by the reference but not functional (B.27):
 * it makes FRR generation fail. Accepting it would only store a zone that can
 * never be deployed, so it is not a type here.
 */
export const ZONE_SCHEMA: KindSchema = {
  kind: 'zones',
  idParam: 'zone',
  label: 'zone',
  checkId: checkZoneId,
  properties: ZONE_PROPERTIES,
  types: {
    simple: { required: [], optional: [...COMMON, 'dhcp'] },
    vlan: { required: ['bridge'], optional: [...COMMON, 'bridge-disable-mac-learning'] },
    qinq: { required: ['bridge', 'tag'], optional: [...COMMON, 'bridge-disable-mac-learning', 'vlan-protocol'] },
    vxlan: { required: [], optional: [...COMMON, 'peers', 'fabric', 'vxlan-port'] },
    evpn: {
      required: ['controller', 'vrf-vxlan'],
      optional: [
        ...COMMON,
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
