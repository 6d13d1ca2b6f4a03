import { checkSubnetId } from './formats';
import type { KindSchema } from './kind';

/** §2.4. */
export const SUBNET_SCHEMA: KindSchema = {
  kind: 'subnets',
  idParam: 'subnet',
  label: 'subnet',
  idDescription: 'The subnet: a CIDR on create (10.0.0.0/24); in paths its ID <zone>-<address>-<prefix length>.',
  idFormat: 'pve-sdn-subnet-id',
  checkId: checkSubnetId,
  implicitType: 'subnet',
  properties: {
    vnet: { kind: 'string', format: 'vnet-id', description: 'Vnet of the subnet.' },
    gateway: { kind: 'string', format: 'ip', description: 'Gateway address (on the vnet bridge in simple and evpn zones; reserved in the IPAM).' },
    snat: { kind: 'boolean', default: false, description: 'Source-NAT the subnet to the node\'s outgoing address (evpn: on the exit nodes).' },
    dnszoneprefix: { kind: 'string', format: 'dns-name', description: 'DNS names become <host>.<dnszoneprefix>.<dnszone>.' },
    'dhcp-range': { kind: 'dhcp-ranges', description: 'Address ranges for DHCP and automatic allocation: start-address=<ip>,end-address=<ip> (repeat for several).' },
    'dhcp-dns-server': { kind: 'string', format: 'ip', description: 'DNS server announced by DHCP.' },
  },
  types: {
    subnet: { required: ['vnet'], optional: ['gateway', 'snat', 'dnszoneprefix', 'dhcp-range', 'dhcp-dns-server'] },
  },
};
