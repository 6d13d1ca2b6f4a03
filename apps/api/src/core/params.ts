import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { HttpRequest as Request } from './http';
import { splitList } from '@sdn/model';
import { ApiError } from './api-error';

export type Params = Record<string, unknown>;

/**
 * All request parameters in one map, as the reference sees them: query
 * string, body (JSON or form-encoded) and path. Path parameters win: the
 * object named in the URL is the one being edited whatever the body says.
 */
export const ReqParams = createParamDecorator((_: unknown, ctx: ExecutionContext): Params => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Params) : {};
  return { ...(req.query as Params), ...body, ...(req.params as Params) };
});

/** The request's correlation id: `X-Correlation-Id` / `X-Request-Id` when plain, else generated (core/observability.ts). */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  // Set for every request by the onRequest hook (core/observability.ts).
  return ctx.switchToHttp().getRequest<Request & { correlationId?: string }>().correlationId || undefined;
});

/** Form bodies repeat keys for lists; a single value is a string. Lists of one are unwrapped for scalars. */
function scalar(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** Boolean parameter: 0/1, true/false (also JSON booleans); absent → `dflt`. */
export function boolParam(p: Params, name: string, dflt: boolean): boolean {
  const v = scalar(p[name]);
  if (v === undefined || v === null || v === '') return dflt;
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  throw ApiError.param(name, `type check ('boolean') failed - got '${String(v)}'`);
}

export function optString(p: Params, name: string, maxLength = 4096): string | undefined {
  const v = scalar(p[name]);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw ApiError.param(name, `type check ('string') failed`);
  const s = String(v);
  if (s.length > maxLength) throw ApiError.param(name, `value may only be ${maxLength} characters long`);
  return s;
}

export function optInt(p: Params, name: string, min: number, max: number): number | undefined {
  const v = scalar(p[name]);
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw ApiError.param(name, `type check ('integer') failed - got '${String(v)}'`);
  if (n < min || n > max) throw ApiError.param(name, `value must be between ${min} and ${max}`);
  return n;
}

/** `delete` (pve-configid-list): repeated keys or a comma/space separated string. */
export function deleteList(p: Params): string[] {
  const v = p.delete;
  if (v === undefined || v === null || v === '') return [];
  const items = splitList(Array.isArray(v) ? v.join(',') : String(v));
  for (const k of items) if (!/^[a-z][a-z0-9_-]+$/i.test(k)) throw ApiError.param('delete', `invalid configuration ID '${k}'`);
  return items;
}

/** Parameters that steer the request rather than describe the object. */
export const CONTROL_PARAMS = ['lock-token', 'digest', 'delete', 'running', 'pending', 'release-lock'] as const;

/** The object's properties from a request: everything but the control parameters and the given id keys. */
export function objectProps(p: Params, drop: string[]): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(p)) {
    if ((CONTROL_PARAMS as readonly string[]).includes(k) || drop.includes(k)) continue;
    // dhcp-range is the only array property. Any other repeated key is a list
    // property sent the repeated way (`nodes=a&nodes=b`): join it into the list form.
    if (k === 'dhcp-range') {
      out[k] = v;
      continue;
    }
    const s = scalar(v);
    out[k] = Array.isArray(s) && s.every((x) => typeof x === 'string' || typeof x === 'number') ? s.join(',') : s;
  }
  return out;
}
