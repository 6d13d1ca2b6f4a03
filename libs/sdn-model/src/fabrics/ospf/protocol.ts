import { isSet } from '../../values';
import { FABRIC_MESSAGES, type FabricProtocolDef } from '../protocol';

/**
 * OSPF (FRR's ospfd, OSPFv2): IPv4 only. The area is required and, as in the
 * reference, unique across OSPF fabrics (one `router ospf` per node).
 */
export const OSPF: FabricProtocolDef = {
  name: 'ospf',
  fabricProperties: {
    area: { kind: 'string', format: 'ospf-area', description: 'OSPF area, as a number or in dotted IPv4 notation; unique across OSPF fabrics.' },
  },
  fabricDeletable: ['ip_prefix', 'ip6_prefix', 'area'],
  interfaceProperties: [
    ['name', { kind: 'string', format: 'kernel-ifname', description: 'Name of the network interface on the node.' }],
    ['ip', { kind: 'string', format: 'CIDRv4', description: 'IPv4 address of the interface (CIDR); unnumbered when unset.' }],
  ],
  ipv6: false,
  checkFabric(id, s, error) {
    if (!isSet(s.area) && s.area !== 0 && s.area !== '0') error('area', "missing value for required option 'area'");
    if (!isSet(s.ip_prefix)) error('ip_prefix', FABRIC_MESSAGES.noPrefix(id));
    if (isSet(s.ip6_prefix)) error('ip6_prefix', FABRIC_MESSAGES.ipv6Unsupported('ospf'));
  },
  checkNode(key, s, error) {
    if (!isSet(s.ip)) error('ip', FABRIC_MESSAGES.noNodeIp(key));
    if (isSet(s.ip6)) error('ip6', FABRIC_MESSAGES.ipv6Unsupported('ospf'));
  },
};
