import { buildOpenApiDocument, findOperation, operationParameters } from '@sdn/openapi';
import { describe, expect, it } from 'vitest';
import { fieldsOf, KINDS } from './kinds';
import { schemaFields } from './schema-fields';

const doc = buildOpenApiDocument();
const byName = (fields: ReturnType<typeof schemaFields>) => new Map(fields.map((f) => [f.name, f]));

describe('dialog fields from the OpenAPI document', () => {
  it('are exactly the body parameters the document lists for the type (id, type and request controls aside)', () => {
    for (const [kindName, kind] of Object.entries(KINDS)) {
      const op = findOperation(doc, 'POST', kind.collection.replace(/\{[^}]+\}/g, 'x'));
      expect(op).toBeDefined();
      const params = operationParameters(doc, op!.operation);
      for (const type of kind.types.length ? kind.types : [undefined]) {
        const expected = params
          .filter((p) => p.in === 'body' && (!type || !p.types || p.types.includes(type)) && p.schema.type !== 'array')
          .map((p) => p.name)
          .filter((n) => ![kind.idKey, 'type', 'lock-token', 'digest', 'delete', 'generate-mac'].includes(n));
        expect({ kindName, type, fields: schemaFields(doc, kind, type).map((f) => f.name).sort() }).toEqual({ kindName, type, fields: expected.sort() });
      }
    }
  });

  it("take input kind, choices and required from the schema, labels and cross-list selects from the kind's hints", () => {
    const vxlan = byName(schemaFields(doc, KINDS.zones, 'vxlan'));
    // Optional in the schema since a fabric can give the peers instead (the hint said required).
    expect(vxlan.get('peers')).toMatchObject({ label: 'Peers', kind: 'text', required: false });
    expect(byName(schemaFields(doc, KINDS.zones, 'vlan')).get('bridge')).toMatchObject({ label: 'Bridge', kind: 'text', required: true });
    expect(vxlan.get('vxlan-port')).toMatchObject({ kind: 'number', required: false });
    expect(vxlan.has('controller')).toBe(false);
    expect(vxlan.has('bridge')).toBe(false);

    const evpn = byName(schemaFields(doc, KINDS.zones, 'evpn'));
    expect(evpn.get('controller')).toMatchObject({ kind: 'select', optionsFrom: 'controllers', required: true });
    expect(evpn.get('vrf-vxlan')).toMatchObject({ kind: 'number', required: true });
    expect(evpn.get('advertise-subnets')).toMatchObject({ kind: 'bool' });

    const qinq = byName(schemaFields(doc, KINDS.zones, 'qinq'));
    const op = findOperation(doc, 'POST', '/cluster/sdn/zones')!;
    const protocol = operationParameters(doc, op.operation).find((p) => p.name === 'vlan-protocol')!;
    expect(qinq.get('vlan-protocol')).toMatchObject({ kind: 'select', options: protocol.schema.enum!.map(String) });

    const phpipam = byName(schemaFields(doc, KINDS.ipams, 'phpipam'));
    expect(phpipam.get('token')).toMatchObject({ kind: 'password', secret: true });
    expect(phpipam.get('section')).toMatchObject({ kind: 'number', required: true });
  });

  it('describe a parameter the hints do not know with its name and the schema description', () => {
    const fields = schemaFields(doc, KINDS.zones, 'vxlan');
    const hinted = new Set(fieldsOf(KINDS.zones, 'vxlan').map((f) => f.name));
    const extra = fields.filter((f) => !hinted.has(f.name));
    expect(extra.length).toBeGreaterThan(0);
    for (const f of extra) {
      expect(f.label).toBe(f.name);
      expect(f.description).toEqual(expect.any(String));
    }
  });
});
