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
  checkId: checkControllerId,
  properties: {
    asn: { kind: 'integer', min: 1, max: 4294967295 },
    peers: { kind: 'string', format: 'ip-list' },
    fabric: { kind: 'string', format: 'pve-sdn-fabric-id' },
    node: { kind: 'string', format: 'pve-node' },
    loopback: { kind: 'string', format: 'kernel-ifname' },
    ebgp: { kind: 'boolean' },
    'ebgp-multihop': { kind: 'integer', min: 1, max: 255 },
    'bgp-multipath-as-path-relax': { kind: 'boolean' },
    'isis-domain': { kind: 'string', format: 'isis-domain' },
    'isis-ifaces': { kind: 'string', format: 'pve-iface-list' },
    'isis-net': { kind: 'string', format: 'pve-sdn-isis-net' },
  },
  types: {
    evpn: { required: ['asn'], optional: ['peers', 'fabric'] },
    bgp: { required: ['asn', 'peers', 'node'], optional: ['loopback', 'ebgp', 'ebgp-multihop', 'bgp-multipath-as-path-relax'] },
    isis: { required: ['isis-domain', 'isis-ifaces', 'isis-net', 'node'], optional: ['loopback'] },
  },
};
