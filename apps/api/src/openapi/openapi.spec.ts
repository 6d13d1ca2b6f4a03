import SwaggerParser from '@apidevtools/swagger-parser';
import { OBJECT_KINDS, type PropertyDef, SCHEMAS, typeAllows } from '@sdn/model';
import { API_BASE, documentRoutes, findOperation, type JsonSchema, type OpenApiDocument, operationParameters, templatePath } from '@sdn/openapi';
import { SECRET_PROPERTIES } from '@sdn/secrets';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * Method and path of every route the Fastify instance serves, read from its
 * own route tree (printRoutes), not from what app.ts recorded for the
 * document: the two must agree, so they must not come from one place.
 */
export function mountedRoutes(printed: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )?(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m || !m[2]) continue;
    // Each level of the tree indents by four characters ('│   ' or '    ').
    const depth = [...m[1]].length / 4;
    stack.length = depth;
    stack[depth] = m[2];
    const path = stack.join('');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) out.push({ method, path });
  }
  return out;
}

/** The routes of the Proxmox API and the service routes beside it; Swagger UI's files and the web panel are not API. */
const isApiRoute = (r: { method: string; path: string }) => r.method !== 'HEAD' && (r.path.startsWith(`${API_BASE}/`) || ['/health', '/health/live', '/health/ready', '/metrics', '/api2/openapi.json'].includes(r.path));

const resolve = (doc: OpenApiDocument, s: JsonSchema): JsonSchema => (s.$ref ? resolve(doc, doc.components.schemas[s.$ref.split('/').pop()!]) : s);

/** What the document must say of a schema property: derived from the rule itself, kind by kind. */
function expected(def: PropertyDef): Partial<JsonSchema> {
  const type = { string: 'string', integer: 'integer', boolean: 'boolean', enum: 'string', 'node-set': 'string', 'dhcp-ranges': 'array' } as const;
  return {
    type: type[def.kind],
    ...(def.kind === 'enum' ? { enum: def.values } : {}),
    ...(def.kind === 'string' && def.format ? { format: def.format } : {}),
    ...(def.kind === 'integer' ? { minimum: def.min, maximum: def.max } : {}),
    default: def.default,
    description: def.description,
  };
}

describe('the served OpenAPI document', () => {
  let api: TestApi;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    api = await startTestApi();
    const res = await api.get('/api2/openapi.json').expect(200);
    doc = res.body as OpenApiDocument;
  });
  afterAll(() => api?.close());

  it('is a valid OpenAPI 3 document (swagger-parser)', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('lists every route the API mounts, described by the route table, and no route it does not mount', () => {
    const http = api.app.getHttpAdapter().getInstance() as { printRoutes(o: { commonPrefix: boolean }): string };
    const served = mountedRoutes(http.printRoutes({ commonPrefix: false })).filter(isApiRoute);
    // Sanity of the parse itself: known routes are found with their templates.
    expect(served).toEqual(expect.arrayContaining([{ method: 'PUT', path: '/api2/json/cluster/sdn/zones/:zone' }, { method: 'GET', path: '/api2/json/nodes/:node/tasks/:upid/status' }, { method: 'GET', path: '/health' }]));
    expect(served.length).toBeGreaterThan(70);
    const key = (r: { method: string; path: string }) => `${r.method} ${templatePath(r.path)}`;
    const documented = documentRoutes(doc);
    const inDoc = new Set(documented.map(key));
    expect(served.map(key).filter((k) => !inDoc.has(k))).toEqual([]);
    expect(documented.filter((r) => r.undocumented).map(key)).toEqual([]);
    const mounted = new Set(served.map(key));
    expect(documented.map(key).filter((k) => !mounted.has(k))).toEqual([]);
  });

  it('documents every schema parameter of create and update, per plugin type, as the schema defines it', () => {
    let checked = 0;
    for (const kind of OBJECT_KINDS) {
      const schema = SCHEMAS[kind];
      const collection = kind === 'subnets' ? '/cluster/sdn/vnets/v1/subnets' : `/cluster/sdn/${kind}`;
      const create = findOperation(doc, 'POST', collection);
      const update = findOperation(doc, 'PUT', `${collection}/x1`);
      expect([kind, create?.path, update?.path]).toEqual([kind, expect.any(String), expect.any(String)]);
      const body = resolve(doc, create!.operation.requestBody!.content['application/json'].schema);
      const variants = body.oneOf ? body.oneOf.map((v) => resolve(doc, v)) : [body];
      const updateParams = new Map(operationParameters(doc, update!.operation).map((p) => [p.name, p]));
      const pathParams = new Set((create!.operation.parameters ?? []).map((p) => p.name));
      for (const [type, options] of Object.entries(schema.types)) {
        const variant = variants.find((v) => v.properties?.type?.enum?.includes(type));
        expect([kind, type, Boolean(variant)]).toEqual([kind, type, true]);
        for (const [key, def] of Object.entries(schema.properties)) {
          const allowed = typeAllows(options, key);
          // A key the path supplies (a subnet's vnet) is a path parameter, not a body property.
          if (pathParams.has(key)) continue;
          expect([kind, type, key, variant!.properties?.[key] !== undefined]).toEqual([kind, type, key, allowed]);
          if (!allowed) continue;
          expect([kind, type, key, variant!.properties![key]]).toEqual([kind, type, key, expect.objectContaining(JSON.parse(JSON.stringify(expected(def))))]);
          expect([kind, type, key, Boolean(variant!.required?.includes(key))]).toEqual([kind, type, key, options.required.includes(key)]);
          const upd = updateParams.get(key);
          expect([kind, key, upd?.schema]).toEqual([kind, key, expect.objectContaining(JSON.parse(JSON.stringify(expected(def))))]);
          // No `types`: every type takes it.
          expect(upd?.types ?? Object.keys(schema.types)).toContain(type);
          checked++;
        }
        expect(variant!.additionalProperties).toBe(false);
      }
      // The answer object leaves the secrets out, as the API does.
      const answer = resolve(doc, { $ref: `#/components/schemas/${kind}.object` });
      for (const secret of SECRET_PROPERTIES[kind] ?? []) expect([kind, secret, answer.properties?.[secret]]).toEqual([kind, secret, undefined]);
      expect(Object.keys(schema.properties).filter((k) => schema.properties[k].writeOnly).sort()).toEqual([...(SECRET_PROPERTIES[kind] ?? [])].sort());
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('says how errors look: 400 with errors per field, and the error shape the API answers', async () => {
    const op = findOperation(doc, 'POST', '/cluster/sdn/zones')!.operation;
    expect(op.responses['400']).toEqual({ $ref: '#/components/responses/ParameterError' });
    const res = await api.post('zones', { zone: 'z1', type: 'vlan' }).expect(400);
    const errorSchema = (doc.components.responses.ParameterError.content!['application/json'].schema as JsonSchema);
    for (const k of errorSchema.required!) expect(res.body).toHaveProperty(k);
    expect(Object.keys(res.body).filter((k) => !(k in errorSchema.properties!))).toEqual([]);
    const unauth = await (await import('supertest')).default(api.app.getHttpServer()).get('/api2/json/cluster/sdn/zones').expect(401);
    const shape = doc.components.schemas.Error;
    for (const k of shape.required!) expect(unauth.body).toHaveProperty(k);
  });
});
