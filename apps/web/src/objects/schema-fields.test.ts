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
        // Lists only where the kind asks for an input (a fabric node's interfaces).
        const lists = new Set(fieldsOf(kind, type).filter((f) => f.kind === 'list').map((f) => f.name));
        const expected = params
          .filter((p) => p.in === 'body' && (!type || !p.types || p.types.includes(type)) && (p.schema.type !== 'array' || lists.has(p.name)))
          .map((p) => p.name)
          .filter((n) => ![kind.idKey, kind.typeKey ?? 'type', 'lock-token', 'digest', 'delete', 'generate-mac', 'gateway-outside-subnet'].includes(n));
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

  it("follow a fabric's protocol: OSPF asks for an area and no IPv6, OpenFabric for its intervals and IPv6", () => {
    const openfabric = byName(schemaFields(doc, KINDS.fabrics, 'openfabric'));
    const ospf = byName(schemaFields(doc, KINDS.fabrics, 'ospf'));
    expect([...openfabric.keys()].sort()).toEqual(['csnp_interval', 'hello_interval', 'ip6_prefix', 'ip_prefix']);
    expect([...ospf.keys()].sort()).toEqual(['area', 'ip_prefix']);
    expect(openfabric.get('hello_interval')).toMatchObject({ label: 'Hello interval', kind: 'number' });
    expect(ospf.get('area')).toMatchObject({ label: 'Area', kind: 'text' });
    // The protocol is the dialog's type choice, never a field of its own.
    expect(openfabric.has('protocol')).toBe(false);
  });

  it("give a fabric node its protocol's address fields and the interfaces as a list, one per line", () => {
    const openfabric = byName(schemaFields(doc, KINDS['fabric-nodes'], 'openfabric'));
    const ospf = byName(schemaFields(doc, KINDS['fabric-nodes'], 'ospf'));
    expect([...openfabric.keys()].sort()).toEqual(['interfaces', 'ip', 'ip6']);
    expect([...ospf.keys()].sort()).toEqual(['interfaces', 'ip']);
    const interfaces = openfabric.get('interfaces')!;
    expect(interfaces).toMatchObject({ label: 'Interfaces', kind: 'list' });
    // The property string's syntax comes from the document's item description.
    expect(interfaces.description).toContain('name=<iface>');
  });

  it('leave lists the kind gives no input for to the API (a subnet\'s DHCP ranges)', () => {
    const subnet = byName(schemaFields(doc, KINDS.subnets, undefined));
    expect(subnet.has('dhcp-range')).toBe(false);
    expect(subnet.get('gateway')).toMatchObject({ kind: 'text' });
  });
});
