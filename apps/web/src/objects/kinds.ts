/**
 * The SDN object kinds the panel edits: where they live, the list columns, and
 * labels and order for the dialogs' fields (after the reference's UI). Which
 * fields a type has, their input kind, choices and whether they are required
 * come from the API's OpenAPI document (schema-fields.ts); these hints are the
 * fallback while it cannot be read.
 */
export type FieldKind = 'text' | 'number' | 'bool' | 'select' | 'password' | 'list';

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  /** select: the choices; text: a hint shown under the input. list: one value per line (property strings hold commas). */
  options?: string[];
  /** Options read from another list (zones, controllers, ipams, dns). */
  optionsFrom?: KindName;
  description?: string;
  required?: boolean;
  /** Write-only (tokens, keys): never shown, sent only when typed. */
  secret?: boolean;
}

export type KindName = 'zones' | 'vnets' | 'subnets' | 'controllers' | 'ipams' | 'dns' | 'fabrics' | 'fabric-nodes';

type Obj = Record<string, unknown>;

export interface Kind {
  name: KindName;
  title: string;
  /** The collection's API path ({vnet}, {fabric_id}: the parent's id); an object is at `<collection>/<id>`. */
  collection: string;
  /** Kinds that live under another object (subnets under a vnet, fabric nodes under a fabric). */
  parent?: { kind: KindName; label: string };
  /** The object's id property in requests and answers. */
  idKey: string;
  idLabel: string;
  /** The id as the list shows it (a subnet's CIDR rather than its zone-prefixed id). */
  shownId?: (o: Obj) => unknown;
  /** The property that holds the type (fabrics: `protocol`). */
  typeKey?: string;
  /** Types one may create (none: the kind has no type choice). */
  types: string[];
  /** The parent fixes the type (a fabric node has its fabric's protocol). */
  typeFromParent?: (parent: Obj) => string | undefined;
  /** Parameters a create sends besides the fields (a subnet's `type: subnet`). */
  createExtra?: Obj;
  /** Fields every type has (after the id and type). */
  common: Field[];
  /** Fields per type. */
  byType: Record<string, Field[]>;
  /** Extra list columns. */
  columns: string[];
  /** Values a create dialog starts with. */
  defaults?: Record<string, string>;
  /** ACL path an object's edits are checked on. */
  aclPath: (o: Obj) => string;
  /** ACL path a create is checked on (parent: the subnet's vnet, the node's fabric). */
  createAcl: (parent?: Obj) => string;
  /** A create is allowed with SDN.Allocate on createAcl or below it (a vnet's zone is chosen in the dialog). */
  createBelow?: boolean;
  /**
   * A second privilege every change needs besides SDN.Allocate (fabric nodes: Sys.Modify on
   * the node, as the API checks). Creates need it somewhere below `below` (the node is typed
   * in the dialog; the API's 403 says which one it refuses).
   */
  also?: { priv: string; path: (o: Obj) => string; below: string };
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
    createAcl: () => '/sdn/zones',
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
    createAcl: () => '/sdn/zones',
    createBelow: true,
  },
  subnets: {
    name: 'subnets',
    collection: '/cluster/sdn/vnets/{vnet}/subnets',
    parent: { kind: 'vnets', label: 'VNet' },
    title: 'Subnets',
    idKey: 'subnet',
    idLabel: 'Subnet (CIDR)',
    shownId: (o) => o.cidr,
    createExtra: { type: 'subnet' },
    types: [],
    common: [
      { name: 'gateway', label: 'Gateway', kind: 'text' },
      { name: 'snat', label: 'SNAT', kind: 'bool' },
      { name: 'dnszoneprefix', label: 'DNS zone prefix', kind: 'text' },
      { name: 'dhcp-dns-server', label: 'DHCP DNS server', kind: 'text' },
    ],
    byType: {},
    columns: ['gateway', 'snat'],
    aclPath: (o) => `/sdn/zones/${String(o.zone)}/${String(o.vnet)}`,
    createAcl: (vnet) => `/sdn/zones/${String(vnet?.zone ?? '')}/${String(vnet?.vnet ?? '')}`,
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
    createAcl: () => '/sdn/controllers',
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
    createAcl: () => '/sdn/ipams',
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
    createAcl: () => '/sdn/dns',
  },
  fabrics: {
    name: 'fabrics',
    collection: '/cluster/sdn/fabrics/fabric',
    title: 'Fabrics',
    idKey: 'id',
    idLabel: 'ID',
    typeKey: 'protocol',
    types: ['openfabric', 'ospf'],
    common: [
      { name: 'ip_prefix', label: 'IPv4 prefix', kind: 'text' },
      { name: 'ip6_prefix', label: 'IPv6 prefix', kind: 'text' },
    ],
    byType: {
      openfabric: [
        { name: 'hello_interval', label: 'Hello interval', kind: 'number' },
        { name: 'csnp_interval', label: 'CSNP interval', kind: 'number' },
      ],
      ospf: [{ name: 'area', label: 'Area', kind: 'text' }],
    },
    columns: ['protocol', 'ip_prefix', 'ip6_prefix', 'area'],
    aclPath: (o) => `/sdn/fabrics/${String(o.id)}`,
    createAcl: () => '/sdn/fabrics',
  },
  'fabric-nodes': {
    name: 'fabric-nodes',
    collection: '/cluster/sdn/fabrics/node/{fabric_id}',
    parent: { kind: 'fabrics', label: 'Fabric' },
    title: 'Fabric nodes',
    idKey: 'node_id',
    idLabel: 'Node',
    typeKey: 'protocol',
    types: ['openfabric', 'ospf'],
    typeFromParent: (fabric) => (typeof fabric.protocol === 'string' ? fabric.protocol : undefined),
    common: [
      { name: 'ip', label: 'IPv4 address', kind: 'text' },
      { name: 'ip6', label: 'IPv6 address', kind: 'text' },
      { name: 'interfaces', label: 'Interfaces', kind: 'list', description: 'one per line' },
    ],
    byType: {},
    columns: ['ip', 'ip6', 'interfaces'],
    aclPath: (o) => `/sdn/fabrics/${String(o.fabric_id)}`,
    createAcl: (fabric) => `/sdn/fabrics/${String(fabric?.id ?? '')}`,
    also: { priv: 'Sys.Modify', path: (o) => `/nodes/${String(o.node_id)}`, below: '/nodes' },
  },
};

/** Fields of a dialog for `type` (kinds without types: the common ones). */
export function fieldsOf(kind: Kind, type: string | undefined): Field[] {
  return [...(type ? (kind.byType[type] ?? []) : []), ...kind.common];
}
