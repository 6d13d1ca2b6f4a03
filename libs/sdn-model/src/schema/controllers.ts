import { checkControllerId } from './formats';
import type { KindSchema } from './kind';

/**
 * §2.5. `asn` starts at 1: AS 0 is reserved and must not be used in BGP
 * (RFC 7607), FRR refuses `router bgp 0`. `ebgp-multihop` is a TTL (1..255).
 * `faucet` is left out for the same reason as the faucet zone (B.27).
 */
export const CONTROLLER_SCHEMA: KindSchema = {
  kind: 'controllers',
  idParam: 'controller',
  label: 'controller',
  idDescription: 'Controller ID: a letter, then letters, digits, - or _, 2 to 64 characters.',
  idFormat: 'controller-id',
  checkId: checkControllerId,
  properties: {
    asn: { kind: 'integer', min: 1, max: 4294967295, description: 'Local BGP AS number.' },
    peers: { kind: 'string', format: 'ip-list', description: 'evpn: the BGP peers (VTEPs or route reflectors); bgp: the underlay neighbours; comma separated.' },
    fabric: { kind: 'string', format: 'pve-sdn-fabric-id', description: 'Fabric whose nodes are the EVPN peers (instead of `peers`).' },
    node: { kind: 'string', format: 'pve-node', description: 'Node on which the controller runs.' },
    loopback: { kind: 'string', format: 'kernel-ifname', description: 'Interface whose address is the router ID and source address.' },
    ebgp: { kind: 'boolean', default: false, description: 'Peers are external (remote-as external).' },
    'ebgp-multihop': { kind: 'integer', min: 1, max: 255, description: 'TTL towards eBGP peers (with `ebgp`).' },
    'bgp-multipath-as-path-relax': { kind: 'boolean', default: false, description: 'Multipath across different AS paths (bgp bestpath as-path multipath-relax).' },
    'isis-domain': { kind: 'string', format: 'isis-domain', description: 'IS-IS area (process) name.' },
    'isis-ifaces': { kind: 'string', format: 'pve-iface-list', description: 'Interfaces running IS-IS, comma separated.' },
    'isis-net': { kind: 'string', format: 'pve-sdn-isis-net', description: 'IS-IS network entity title (NET) of the node.' },
  },
  types: {
    evpn: { required: ['asn'], optional: ['peers', 'fabric'] },
    bgp: { required: ['asn', 'peers', 'node'], optional: ['loopback', 'ebgp', 'ebgp-multihop', 'bgp-multipath-as-path-relax'] },
    isis: { required: ['isis-domain', 'isis-ifaces', 'isis-net', 'node'], optional: ['loopback'] },
  },
};
