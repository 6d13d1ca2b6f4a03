import { checkSubnetId } from './formats';
import type { KindSchema } from './kind';

/** §2.4. */
export const SUBNET_SCHEMA: KindSchema = {
  kind: 'subnets',
  idParam: 'subnet',
  label: 'subnet',
  checkId: checkSubnetId,
  implicitType: 'subnet',
  properties: {
    vnet: { kind: 'string', format: 'vnet-id' },
    gateway: { kind: 'string', format: 'ip' },
    snat: { kind: 'boolean' },
    dnszoneprefix: { kind: 'string', format: 'dns-name' },
    'dhcp-range': { kind: 'dhcp-ranges' },
    'dhcp-dns-server': { kind: 'string', format: 'ip' },
  },
  types: {
    subnet: { required: ['vnet'], optional: ['gateway', 'snat', 'dnszoneprefix', 'dhcp-range', 'dhcp-dns-server'] },
  },
};
