import { SCHEMAS } from '@sdn/model';
import { buildOpenApiDocument, documentRoutes } from './document';
import { findOperation, operationParameters } from './parameters';

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument();

  it('finds the operation of a concrete path, the most literal template first', () => {
    expect(findOperation(doc, 'POST', '/cluster/sdn/vnets/v1/subnets')?.path).toBe('/api2/json/cluster/sdn/vnets/{vnet}/subnets');
    expect(findOperation(doc, 'PUT', '/api2/json/cluster/sdn/zones/z1/')?.path).toBe('/api2/json/cluster/sdn/zones/{zone}');
    expect(findOperation(doc, 'GET', '/cluster/sdn/ipams/pve/status')?.path).toBe('/api2/json/cluster/sdn/ipams/{ipam}/status');
    expect(findOperation(doc, 'GET', '/health')?.path).toBe('/health');
    expect(findOperation(doc, 'PUT', '/cluster/sdn/zones')).toBeUndefined();
  });

  it('merges the per-type create schemas into one parameter list that says which types take and need each key', () => {
    const params = operationParameters(doc, findOperation(doc, 'POST', '/cluster/sdn/zones')!.operation);
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName.zone).toMatchObject({ required: true });
    expect(byName.type).toMatchObject({ required: true, schema: { enum: Object.keys(SCHEMAS.zones.types) } });
    expect(byName.bridge).toMatchObject({ required: false, types: ['vlan', 'qinq'], requiredFor: ['vlan', 'qinq'] });
    expect(byName['vxlan-port']).toMatchObject({ types: ['vxlan', 'evpn'], schema: { type: 'integer', default: 4789, maximum: 65535 } });
    expect(byName.mtu.types).toBeUndefined();
    expect(byName['lock-token']).toBeDefined();
  });

  it('lists only mounted routes when told them, and marks a mounted route it does not describe', () => {
    const some = buildOpenApiDocument({
      mounted: [
        { method: 'GET', path: '/api2/json/cluster/sdn/zones' },
        { method: 'HEAD', path: '/api2/json/cluster/sdn/zones' },
        { method: 'GET', path: '/api2/json/cluster/sdn/fabrics/:fabric' },
        { method: 'GET', path: '/health' },
        { method: 'GET', path: '/api2/docs/swagger-ui.css' },
      ],
    });
    expect(documentRoutes(some)).toEqual([
      { method: 'GET', path: '/api2/json/cluster/sdn/zones', undocumented: false },
      { method: 'GET', path: '/health', undocumented: false },
      { method: 'GET', path: '/api2/json/cluster/sdn/fabrics/{fabric}', undocumented: true },
    ]);
    expect(some.paths['/api2/json/cluster/sdn/fabrics/{fabric}'].get?.parameters?.map((p) => p.name)).toEqual(['fabric']);
  });
});
