// Imports nothing but the base path and types: the web panel bundles this module
// (as @sdn/openapi/parameters) without the model behind the document's generator.
import { API_BASE } from './base';
import type { HttpMethod, JsonSchema, OpenApiDocument, Operation } from './types';

/** One parameter an operation takes, wherever it goes (path, query string or body). */
export interface ParameterInfo {
  name: string;
  in: 'path' | 'query' | 'body';
  schema: JsonSchema;
  /** Required whatever the plugin type. */
  required: boolean;
  /** Plugin types that take it (SDN objects; absent: every type). */
  types?: string[];
  /** Plugin types that require it. */
  requiredFor?: string[];
}

function resolve(doc: OpenApiDocument, s: JsonSchema): JsonSchema {
  let out = s;
  for (let i = 0; out.$ref && i < 8; i++) out = doc.components.schemas[out.$ref.replace('#/components/schemas/', '')] ?? {};
  return out;
}

/**
 * The operation serving a concrete path (`/cluster/sdn/zones/z1`, with or
 * without /api2/json, as pvesh and sdnctl take it): the template whose literal segments match, the most
 * literal one first (`/vnets/{vnet}/subnets` before `/vnets/{vnet}/{x}`).
 */
export function findOperation(doc: OpenApiDocument, method: HttpMethod, concrete: string): { path: string; operation: Operation } | undefined {
  const rel = concrete.startsWith('/') ? concrete : `/${concrete}`;
  const full = (rel.startsWith(`${API_BASE}/`) || doc.paths[rel] ? rel : `${API_BASE}${rel}`).replace(/\/+$/, '') || '/';
  const segs = full.split('/');
  let best: { path: string; operation: Operation; literal: number } | undefined;
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item[method.toLowerCase() as Lowercase<HttpMethod>];
    const tpl = path.split('/');
    if (!op || tpl.length !== segs.length) continue;
    let literal = 0;
    const ok = tpl.every((t, i) => (t.startsWith('{') ? segs[i] !== '' : t === segs[i] && ++literal > 0));
    if (ok && (!best || literal > best.literal)) best = { path, operation: op, literal };
  }
  return best && { path: best.path, operation: best.operation };
}

/** Every parameter of an operation; a body with one schema per plugin type is merged, each property saying its types. */
export function operationParameters(doc: OpenApiDocument, op: Operation): ParameterInfo[] {
  const out: ParameterInfo[] = (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, schema: p.schema, required: Boolean(p.required) }));
  const content = op.requestBody?.content['application/json'];
  if (!content) return out;
  const body = resolve(doc, content.schema);
  if (body.oneOf && body.discriminator) {
    const variants = Object.entries(body.discriminator.mapping ?? {}).map(([type, ref]) => ({ type, schema: resolve(doc, { $ref: ref }) }));
    const allTypes = variants.map((v) => v.type);
    const merged = new Map<string, ParameterInfo>();
    for (const { type, schema } of variants) {
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        const info = merged.get(name) ?? { name, in: 'body' as const, schema: s, required: false, types: [], requiredFor: [] };
        info.types!.push(type);
        if (schema.required?.includes(name)) info.requiredFor!.push(type);
        merged.set(name, info);
      }
    }
    const discriminator = body.discriminator.propertyName;
    for (const info of merged.values()) {
      if (info.name === discriminator) info.schema = { ...info.schema, enum: allTypes };
      info.required = info.requiredFor!.length === allTypes.length;
      if (info.types!.length === allTypes.length) delete info.types;
      if (info.required || !info.requiredFor!.length) delete info.requiredFor;
      out.push(info);
    }
    return out;
  }
  for (const [name, s] of Object.entries(body.properties ?? {})) {
    out.push({ name, in: 'body', schema: s, required: Boolean(body.required?.includes(name)), ...(s['x-sdn-types'] ? { types: s['x-sdn-types'] } : {}) });
  }
  return out;
}
