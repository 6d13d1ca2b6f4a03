import type { PropertyDef } from '@sdn/model';
import type { JsonSchema } from './types';

/**
 * One schema property as a parameter schema. Formats keep the reference's
 * names (pve-node-list, ip-list, …): a client can look them up in Proxmox's
 * API viewer. Node sets travel as comma lists in both directions; DHCP
 * ranges are sent as property strings and answered as objects.
 */
export function propertySchema(def: PropertyDef, direction: 'request' | 'response' = 'request'): JsonSchema {
  const doc: JsonSchema = { description: def.description, ...(def.default !== undefined ? { default: def.default } : {}), ...(def.writeOnly ? { writeOnly: true } : {}) };
  switch (def.kind) {
    case 'string':
      return {
        type: 'string',
        ...(def.format ? { format: def.format } : {}),
        ...(def.maxLength !== undefined ? { maxLength: def.maxLength } : {}),
        ...(def.pattern ? { pattern: def.pattern.source } : {}),
        ...doc,
      };
    case 'integer':
      return {
        type: 'integer',
        ...(def.min !== undefined ? { minimum: def.min } : {}),
        ...(def.max !== undefined ? { maximum: def.max } : {}),
        ...(def.multipleOf !== undefined ? { multipleOf: def.multipleOf } : {}),
        ...doc,
      };
    case 'boolean':
      return { type: 'boolean', ...doc };
    case 'enum':
      return { type: 'string', enum: [...def.values], ...doc };
    case 'node-set':
      return { type: 'string', format: 'pve-node-list', ...doc };
    case 'dhcp-ranges':
      return direction === 'request'
        ? { type: 'array', items: { type: 'string', format: 'pve-sdn-dhcp-range' }, ...doc }
        : { type: 'array', items: DHCP_RANGE_OBJECT, ...doc };
  }
}

const DHCP_RANGE_OBJECT: JsonSchema = {
  type: 'object',
  properties: { 'start-address': { type: 'string', format: 'ip' }, 'end-address': { type: 'string', format: 'ip' } },
  required: ['start-address', 'end-address'],
};
