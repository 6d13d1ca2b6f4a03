import { API_BASE } from './base';
import { OBJECT_KINDS, SCHEMAS } from '@sdn/model';
import { PATH_PARAMS, ROUTES } from './routes';
import { objectOperations, objectSchemas } from './sdn-objects';
import type { OperationSpec } from './spec';
import { HTTP_METHODS, type HttpMethod, type JsonSchema, type OpenApiDocument, type Operation, type Parameter } from './types';

export { API_BASE } from './base';

/** A route as the HTTP server mounts it: method and absolute path with {param} templates. */
export interface RouteRef {
  method: string;
  path: string;
}

export interface DocumentOptions {
  /** Product version for `info.version`. */
  version?: string;
  /**
   * The routes the server actually mounts. Given, the document lists exactly
   * the API's among them: a described route that is not mounted is left out,
   * and a mounted one the route table does not describe is listed with its
   * path parameters only and `x-undocumented` (the coverage test refuses it).
   */
  mounted?: readonly RouteRef[];
}

/** `/zones/:zone` (Fastify, Express) → `/zones/{zone}`. */
export function templatePath(path: string): string {
  return path.replace(/:([A-Za-z0-9_-]+)/g, '{$1}');
}

const absolute = (s: Pick<OperationSpec, 'path' | 'root'>) => (s.root ? s.path : `${API_BASE}${s.path}`);
const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${templatePath(path).replace(/\/+$/, '') || '/'}`;
const pathNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

function operationId(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `by-${seg.slice(1, -1)}` : seg))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** ID parameters of the SDN object routes ({zone}, {vnet}, …), from the property schema. */
function idPathParams(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const kind of OBJECT_KINDS) {
    const s = SCHEMAS[kind];
    out[s.idParam] = { type: 'string', format: s.idFormat, description: s.idDescription };
  }
  return out;
}

function accessText(spec: OperationSpec): string {
  if (spec.access === 'public') return 'No authentication.';
  if (spec.access === 'user') return 'Any authenticated user.';
  const { privs, path, filtered } = spec.access;
  const which = privs.length > 1 ? `one of ${privs.join(', ')}` : privs[0];
  return filtered ? `Lists only the entries on whose ACL path (${path}) the caller holds ${which}.` : `Permission: ${which} on ${path}.`;
}

const WRITE = new Set<HttpMethod>(['POST', 'PUT', 'DELETE']);

function toOperation(spec: OperationSpec, shared: Record<string, JsonSchema>): Operation {
  const parameters: Parameter[] = pathNames(spec.path).map((name) => {
    const schema = spec.pathParams?.[name] ?? shared[name] ?? { type: 'string' };
    return { name, in: 'path', required: true, ...(schema.description ? { description: schema.description } : {}), schema };
  });
  const inBody = spec.method === 'POST' || spec.method === 'PUT';
  let body = spec.body;
  if (spec.params && !inBody) {
    for (const [name, { required, ...schema }] of Object.entries(spec.params)) {
      parameters.push({ name, in: 'query', ...(required ? { required: true } : {}), ...(schema.description ? { description: schema.description } : {}), schema });
    }
  } else if (spec.params) {
    const required = Object.entries(spec.params).filter(([, p]) => p.required).map(([n]) => n);
    const properties = Object.fromEntries(Object.entries(spec.params).map(([n, { required: _r, ...schema }]) => [n, schema]));
    body = { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
  }
  const envelope: JsonSchema = { type: 'object', properties: { data: spec.data }, required: ['data'] };
  const responses: Operation['responses'] = {
    '200': spec.raw
      ? { description: 'Success.', content: { [spec.raw.contentType]: { schema: spec.data } } }
      : { description: 'Success: the answer is in `data`.', content: { 'application/json': { schema: envelope } } },
  };
  if (!spec.raw) responses['400'] = { $ref: '#/components/responses/ParameterError' };
  if (spec.access !== 'public') {
    responses['401'] = { $ref: '#/components/responses/Unauthorized' };
    responses['403'] = { $ref: '#/components/responses/Forbidden' };
  }
  if (pathNames(spec.path).length && !spec.raw) responses['404'] = { $ref: '#/components/responses/NotFound' };
  if (spec.access !== 'public' || spec.statuses?.includes(429)) responses['429'] = { $ref: '#/components/responses/TooManyRequests' };
  if (spec.statuses?.includes(503)) responses['503'] = { $ref: '#/components/responses/Unavailable' };
  if (!spec.raw) responses['5XX'] = { $ref: '#/components/responses/ServerError' };
  const security: Record<string, string[]>[] =
    spec.access === 'public' ? [] : WRITE.has(spec.method) ? [{ PVEAPIToken: [] }, { PVEAuthCookie: [], CSRFPreventionToken: [] }] : [{ PVEAPIToken: [] }, { PVEAuthCookie: [] }];
  return {
    operationId: operationId(spec.method, absolute(spec)),
    summary: spec.summary,
    description: [spec.description, accessText(spec)].filter(Boolean).join('\n\n'),
    tags: [spec.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } },
          },
        }
      : {}),
    responses,
    security,
  };
}

/** A mounted route the route table does not describe: listed so clients see it, marked for the coverage test. */
function undocumented(method: HttpMethod, path: string): OperationSpec {
  const root = !path.startsWith(`${API_BASE}/`);
  return { method, path: root ? path : path.slice(API_BASE.length), root, tag: 'undocumented', summary: 'Not described by the route table yet', access: 'user', data: {} };
}

const ERROR: JsonSchema = {
  type: 'object',
  properties: {
    data: { nullable: true, description: 'Always null.' },
    message: { type: 'string', description: 'What went wrong (also the HTTP status text).' },
    errors: { type: 'object', additionalProperties: { type: 'string' }, description: 'Parameter name → message.' },
  },
  required: ['data', 'message'],
};
const errorResponse = (description: string, schema: JsonSchema = { $ref: '#/components/schemas/Error' }) => ({ description, content: { 'application/json': { schema } } });

/** Every operation the route table describes: the SDN objects from the property schema, then the rest. */
export function routeTable(): OperationSpec[] {
  return [...objectOperations(), ...ROUTES];
}

/**
 * The API's OpenAPI 3 document, generated: SDN object parameters from
 * @sdn/model's property schema, the other routes from the route table.
 * Pure, so the CLI and the panel read it without a server.
 */
export function buildOpenApiDocument(options: DocumentOptions = {}): OpenApiDocument {
  let specs = routeTable();
  if (options.mounted) {
    const mounted = new Map<string, { method: HttpMethod; path: string }>();
    for (const r of options.mounted) {
      const method = r.method.toUpperCase() as HttpMethod;
      if (HTTP_METHODS.includes(method)) mounted.set(routeKey(method, r.path), { method, path: templatePath(r.path).replace(/\/+$/, '') || '/' });
    }
    const described = new Set(specs.map((s) => routeKey(s.method, absolute(s))));
    specs = specs.filter((s) => mounted.has(routeKey(s.method, absolute(s))));
    for (const [key, r] of mounted) if (!described.has(key) && r.path.startsWith(`${API_BASE}/`)) specs.push(undocumented(r.method, r.path));
  }
  const shared = { ...idPathParams(), ...PATH_PARAMS };
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of specs) {
    const item = (paths[absolute(spec)] ??= {});
    const op = toOperation(spec, shared);
    if (spec.tag === 'undocumented') op['x-undocumented'] = true;
    item[spec.method.toLowerCase() as Lowercase<HttpMethod>] = op;
  }
  const tags = [...new Set(specs.map((s) => s.tag))].map((name) => ({ name }));
  return {
    openapi: '3.0.3',
    info: {
      title: 'SDN control plane API',
      version: options.version ?? '0',
      description:
        'Proxmox VE SDN compatible API. Every answer is `{"data": …}`; errors are `{"data": null, "message": …}`, with `errors` mapping each bad parameter to its message on 400. Parameters of POST and PUT go in the body (JSON or form-encoded), of GET and DELETE in the query string.',
    },
    servers: [{ url: '/' }],
    tags,
    paths,
    components: {
      schemas: { Error: ERROR, ...objectSchemas() },
      responses: {
        ParameterError: errorResponse('Parameter verification failed: `errors` names each bad parameter. Nothing was changed.', { ...ERROR, required: ['data', 'message', 'errors'] }),
        Unauthorized: errorResponse('No or invalid credentials (token, ticket), or an expired ticket.'),
        Forbidden: errorResponse('The ACL does not grant the permission, or a cookie-authenticated write lacks the CSRFPreventionToken header.'),
        NotFound: errorResponse('No such object or path.'),
        TooManyRequests: errorResponse('Too many authentication failures from this source or for this user; see Retry-After.'),
        Unavailable: errorResponse('A service the request needs (NATS, ipam-service, a node agent) is not reachable; retry later.'),
        ServerError: errorResponse('Internal error.'),
      },
      securitySchemes: {
        PVEAPIToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'PVEAPIToken=USER@REALM!TOKENID=SECRET' },
        PVEAuthCookie: { type: 'apiKey', in: 'cookie', name: 'PVEAuthCookie', description: 'The ticket from POST /access/ticket.' },
        CSRFPreventionToken: { type: 'apiKey', in: 'header', name: 'CSRFPreventionToken', description: 'From POST /access/ticket; every cookie-authenticated write needs it.' },
      },
    },
  };
}

/** Method and absolute path of every operation in a document (what the coverage test compares with the server's routes). */
export function documentRoutes(doc: OpenApiDocument): (RouteRef & { undocumented: boolean })[] {
  const out: (RouteRef & { undocumented: boolean })[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of HTTP_METHODS) {
      const op = item[m.toLowerCase() as Lowercase<HttpMethod>];
      if (op) out.push({ method: m, path, undocumented: Boolean(op['x-undocumented']) });
    }
  }
  return out;
}
