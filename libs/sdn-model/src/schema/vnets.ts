import { checkVnetId } from './formats';
import type { KindSchema } from './kind';
import { VNI_MAX } from './zones';

/**
 * The reference's alias pattern `[()-_.\w\d\s]{0,256}` admits the range
 * `)`..`_` (B.20) — kept, so every alias it stored stays valid — but also any
 * whitespace, including newlines, which would inject lines into the rendered
 * `alias` option. Only the plain space is allowed here.
 */
const ALIAS_RE = /^[()-_.\p{L}\p{N}_ ]{0,256}$/u;

/** §2.3. `zone` is required: a vnet without zone is never rendered. */
export const VNET_SCHEMA: KindSchema = {
  kind: 'vnets',
  idParam: 'vnet',
  label: 'vnet',
  idDescription: 'VNet ID, also the name of its bridge on the nodes: a letter, then letters or digits, 2 to 8 characters.',
  idFormat: 'vnet-id',
  checkId: checkVnetId,
  implicitType: 'vnet',
  properties: {
    zone: { kind: 'string', format: 'zone-id', description: 'Zone of the vnet (must exist; not changeable while the vnet has subnets).' },
    tag: { kind: 'integer', min: 1, max: VNI_MAX, description: 'VLAN ID (vlan, qinq zones) or VXLAN VNI (vxlan, evpn zones).' },
    alias: { kind: 'string', maxLength: 256, pattern: ALIAS_RE, description: 'Free text shown as the bridge\'s alias.' },
    vlanaware: { kind: 'boolean', default: false, description: 'Make the vnet bridge VLAN-aware (guest VLAN tags); not with subnets or in evpn zones.' },
    'isolate-ports': { kind: 'boolean', default: false, description: 'Isolate the guest ports of the vnet from each other.' },
  },
  types: {
    vnet: { required: ['zone'], optional: ['tag', 'alias', 'vlanaware', 'isolate-ports'] },
  },
};
