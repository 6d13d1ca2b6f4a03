/**
 * The SDN object kinds the panel edits: where they live, the list columns, and
 * labels and order for the dialogs' fields (after the reference's UI). Which
 * fields a type has, their input kind, choices and whether they are required
 * come from the API's OpenAPI document (schema-fields.ts); these hints are the
 * fallback while it cannot be read.
 */
export type FieldKind = 'text' | 'number' | 'bool' | 'select' | 'password';

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  /** select: the choices; text: a hint shown under the input. */
  options?: string[];
  /** Options read from another list (zones, controllers, ipams, dns). */
  optionsFrom?: KindName;
  description?: string;
  required?: boolean;
  /** Write-only (tokens, keys): never shown, sent only when typed. */
  secret?: boolean;
}

export type KindName = 'zones' | 'vnets' | 'subnets' | 'controllers' | 'ipams' | 'dns';

export interface Kind {
  name: KindName;
  title: string;
  /** The collection's API path ({vnet}: the parent's id). */
  collection: string;
  /** The object's id property in requests and answers. */
  idKey: string;
  idLabel: string;
  /** Types one may create (none: the kind has no type choice). */
  types: string[];
  /** Fields every type has (after the id and type). */
  common: Field[];
  /** Fields per type. */
  byType: Record<string, Field[]>;
  /** Extra list columns. */
  columns: string[];
  /** Values a create dialog starts with. */
  defaults?: Record<string, string>;
  /** ACL path an object's edits are checked on. */
  aclPath: (o: Record<string, unknown>) => string;
}

const nodes: Field = { name: 'nodes', label: 'Nodes', kind: 'text', description: 'comma separated; empty: all nodes' };
const zoneCommon: Field[] = [
  { name: 'mtu', label: 'MTU', kind: 'number' },
  nodes,
  { name: 'ipam', label: 'IPAM', kind: 'select', optionsFrom: 'ipams' },
  { name: 'dns', label: 'DNS server', kind: 'select', optionsFrom: 'dns' },
  { name: 'reversedns', label: 'Reverse DNS server', kind: 'select', optionsFrom: 'dns' },
  { name: 'dnszone', label: 'DNS zone', kind: 'text' },
];
const bridge: Field = { name: 'bridge', label: 'Bridge', kind: 'text', required: true };
const peers: Field = { name: 'peers', label: 'Peers', kind: 'text', required: true, description: 'peer addresses, comma separated' };

export const KINDS: Record<KindName, Kind> = {
  zones: {
    name: 'zones',
    collection: '/cluster/sdn/zones',
    title: 'Zones',
    idKey: 'zone',
    idLabel: 'ID',
    types: ['simple', 'vlan', 'qinq', 'vxlan', 'evpn'],
    common: zoneCommon,
    byType: {
      simple: [{ name: 'dhcp', label: 'DHCP', kind: 'select', options: ['', 'dnsmasq'] }],
      vlan: [bridge],
      qinq: [bridge, { name: 'tag', label: 'Service VLAN', kind: 'number', required: true }, { name: 'vlan-protocol', label: 'Service VLAN protocol', kind: 'select', options: ['', '802.1q', '802.1ad'] }],
      vxlan: [peers, { name: 'vxlan-port', label: 'VXLAN port', kind: 'number' }],
      evpn: [
        { name: 'controller', label: 'Controller', kind: 'select', optionsFrom: 'controllers', required: true },
        { name: 'vrf-vxlan', label: 'VRF VXLAN tag', kind: 'number', required: true },
        { name: 'mac', label: 'VNet MAC address', kind: 'text' },
        { name: 'exitnodes', label: 'Exit nodes', kind: 'text', description: 'comma separated' },
        { name: 'exitnodes-primary', label: 'Primary exit node', kind: 'text' },
        { name: 'exitnodes-local-routing', label: 'Exit nodes local routing', kind: 'bool' },
        { name: 'advertise-subnets', label: 'Advertise subnets', kind: 'bool' },
        { name: 'disable-arp-nd-suppression', label: 'Disable ARP/ND suppression', kind: 'bool' },
        { name: 'rt-import', label: 'Route target import', kind: 'text' },
      ],
    },
    columns: ['type', 'mtu', 'nodes', 'peers', 'bridge', 'ipam'],
    // As the reference's UI: new zones use the built-in IPAM unless the operator clears it.
    defaults: { ipam: 'pve' },
    aclPath: (o) => `/sdn/zones/${String(o.zone)}`,
  },
  vnets: {
    name: 'vnets',
    collection: '/cluster/sdn/vnets',
    title: 'VNets',
    idKey: 'vnet',
    idLabel: 'Name',
    types: [],
    common: [
      { name: 'zone', label: 'Zone', kind: 'select', optionsFrom: 'zones', required: true },
      { name: 'tag', label: 'Tag', kind: 'number', description: 'VLAN or VXLAN id' },
      { name: 'alias', label: 'Alias', kind: 'text' },
      { name: 'vlanaware', label: 'VLAN aware', kind: 'bool' },
      { name: 'isolate-ports', label: 'Isolate ports', kind: 'bool' },
    ],
    byType: {},
    columns: ['zone', 'tag', 'alias'],
    aclPath: (o) => `/sdn/zones/${String(o.zone)}/${String(o.vnet)}`,
  },
  subnets: {
    name: 'subnets',
    collection: '/cluster/sdn/vnets/{vnet}/subnets',
    title: 'Subnets',
    idKey: 'subnet',
    idLabel: 'Subnet (CIDR)',
    types: [],
    common: [
      { name: 'gateway', label: 'Gateway', kind: 'text' },
      { name: 'snat', label: 'SNAT', kind: 'bool' },
      { name: 'dnszoneprefix', label: 'DNS zone prefix', kind: 'text' },
      { name: 'dhcp-dns-server', label: 'DHCP DNS server', kind: 'text' },
    ],
    byType: {},
    columns: ['vnet', 'cidr', 'gateway', 'snat'],
    aclPath: (o) => `/sdn/zones/${String(o.zone)}/${String(o.vnet)}`,
  },
  controllers: {
    name: 'controllers',
    collection: '/cluster/sdn/controllers',
    title: 'Controllers',
    idKey: 'controller',
    idLabel: 'ID',
    types: ['evpn', 'bgp', 'isis'],
    common: [],
    byType: {
      evpn: [{ name: 'asn', label: 'ASN', kind: 'number', required: true }, { ...peers }],
      bgp: [
        { name: 'node', label: 'Node', kind: 'text', required: true },
        { name: 'asn', label: 'ASN', kind: 'number', required: true },
        { ...peers },
        { name: 'ebgp', label: 'eBGP', kind: 'bool' },
        { name: 'ebgp-multihop', label: 'eBGP multihop', kind: 'number' },
        { name: 'loopback', label: 'Loopback', kind: 'text' },
        { name: 'bgp-multipath-as-path-relax', label: 'Multipath AS path relax', kind: 'bool' },
      ],
      isis: [
        { name: 'node', label: 'Node', kind: 'text', required: true },
        { name: 'isis-domain', label: 'Domain', kind: 'text', required: true },
        { name: 'isis-ifaces', label: 'Interfaces', kind: 'text', required: true },
        { name: 'isis-net', label: 'NET', kind: 'text', required: true },
        { name: 'loopback', label: 'Loopback', kind: 'text' },
      ],
    },
    columns: ['type', 'asn', 'peers', 'node'],
    aclPath: () => '/sdn/controllers',
  },
  ipams: {
    name: 'ipams',
    collection: '/cluster/sdn/ipams',
    title: 'IPAM',
    idKey: 'ipam',
    idLabel: 'ID',
    types: ['phpipam', 'netbox'],
    common: [],
    byType: {
      phpipam: [
        { name: 'url', label: 'URL', kind: 'text', required: true },
        { name: 'token', label: 'Token', kind: 'password', secret: true },
        { name: 'section', label: 'Section', kind: 'number', required: true },
      ],
      netbox: [
        { name: 'url', label: 'URL', kind: 'text', required: true },
        { name: 'token', label: 'Token', kind: 'password', secret: true },
      ],
    },
    columns: ['type', 'url', 'section'],
    aclPath: () => '/sdn/ipams',
  },
  dns: {
    name: 'dns',
    collection: '/cluster/sdn/dns',
    title: 'DNS',
    idKey: 'dns',
    idLabel: 'ID',
    types: ['powerdns'],
    common: [],
    byType: {
      powerdns: [
        { name: 'url', label: 'URL', kind: 'text', required: true },
        { name: 'key', label: 'API key', kind: 'password', secret: true },
        { name: 'ttl', label: 'TTL', kind: 'number' },
        { name: 'reversemaskv6', label: 'Reverse mask v6', kind: 'number' },
      ],
    },
    columns: ['type', 'url', 'ttl'],
    aclPath: () => '/sdn/dns',
  },
};

/** Fields of a dialog for `type` (kinds without types: the common ones). */
export function fieldsOf(kind: Kind, type: string | undefined): Field[] {
  return [...(type ? (kind.byType[type] ?? []) : []), ...kind.common];
}
