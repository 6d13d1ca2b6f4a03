import { isSet } from '../../values';
import { FABRIC_MESSAGES, type FabricProtocolDef } from '../protocol';

/**
 * OpenFabric (IS-IS based, FRR's fabricd): dual stack, so a fabric needs at
 * least one prefix and a node at least one address. Intervals in seconds as
 * FRR bounds them (`openfabric hello-interval (1-600)`, `csnp-interval
 * (1-600)`, `hello-multiplier (2-100)`).
 */
export const OPENFABRIC: FabricProtocolDef = {
  name: 'openfabric',
  fabricProperties: {
    hello_interval: { kind: 'integer', min: 1, max: 600, description: 'Interval in seconds between IS-IS hello packets (FRR: openfabric hello-interval).' },
    csnp_interval: { kind: 'integer', min: 1, max: 600, description: 'Interval in seconds between complete sequence number packets (FRR: openfabric csnp-interval).' },
  },
  fabricDeletable: ['ip_prefix', 'ip6_prefix', 'hello_interval', 'csnp_interval'],
  interfaceProperties: [
    ['name', { kind: 'string', format: 'kernel-ifname', description: 'Name of the network interface on the node.' }],
    ['hello_multiplier', { kind: 'integer', min: 2, max: 100, description: 'Hello packets a neighbor may miss before it is declared down (FRR: openfabric hello-multiplier).' }],
    ['ip', { kind: 'string', format: 'CIDRv4', description: 'IPv4 address of the interface (CIDR); unnumbered when unset.' }],
    ['ip6', { kind: 'string', format: 'CIDRv6', description: 'IPv6 address of the interface (CIDR); unnumbered when unset.' }],
  ],
  ipv6: true,
  checkFabric(id, s, error) {
    if (!isSet(s.ip_prefix) && !isSet(s.ip6_prefix)) error('ip_prefix', FABRIC_MESSAGES.noPrefix(id));
  },
  checkNode(key, s, error) {
    if (!isSet(s.ip) && !isSet(s.ip6)) error('ip', FABRIC_MESSAGES.noNodeIp(key));
  },
};
