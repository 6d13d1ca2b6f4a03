import { randomUUID } from 'node:crypto';
import { httpRequestDuration, renderMetrics, startProcessMetrics } from '@sdn/metrics';
import type { Logger } from '@sdn/service-kit';
import { type AccessLogged, accessLog, inRequestScope } from './logging';

/** Response header that carries the request's correlation id (also stored in its events). */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * A caller's id is kept when it is a plain token (letters, digits, `._:-`,
 * up to 128 characters): it ends up in logs, events, NATS headers and node
 * bundles, so nothing that could break a log line or a header is taken over.
 * Anything else gets a fresh UUID (the response tells the caller which).
 */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdOf(headers: Record<string, string | string[] | undefined>): string {
  for (const name of [CORRELATION_HEADER, 'x-request-id']) {
    const v = headers[name];
    if (typeof v === 'string' && CALLER_ID.test(v)) return v;
  }
  return randomUUID();
}

/** What the hooks need of Fastify (kept structural, like core/http.ts). */
interface FastifyLike {
  decorateRequest(name: string, value: unknown): void;
  addHook(name: 'onRequest', fn: (req: ObservedRequest, reply: ObservedReply, done: () => void) => void): void;
  addHook(name: 'onResponse', fn: (req: ObservedRequest, reply: ObservedReply, done: () => void) => void): void;
  get(path: string, handler: (req: unknown, reply: ObservedReply) => Promise<unknown>): void;
}
interface ObservedRequest extends AccessLogged {
  /** Fastify's request id: the correlation id (the adapter's genReqId is correlationIdOf). */
  id: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}
interface ObservedReply {
  statusCode: number;
  elapsedTime: number;
  header(name: string, value: string): ObservedReply;
  type(t: string): ObservedReply;
  send(body: unknown): unknown;
}

export interface ObservabilityOptions {
  /** `SDN_API_METRICS` (default on): serve `/metrics` and time requests. */
  metrics: boolean;
  /** Where the access lines go (the API's root logger, core/logging.ts). */
  log: Logger;
}

/**
 * Correlation ids and metrics at the HTTP edge:
 * - every request gets a correlation id (caller's `X-Correlation-Id` or
 *   `X-Request-Id`, else a new one) as Fastify's request id, echoed as `X-Correlation-Id` and read by
 *   the `@CorrelationId()` handlers (events, NATS headers, bundles) and
 *   bound to the Nest log lines written while serving the request
 *   (core/logging.ts);
 * - one access line per request (core/logging.ts);
 * - `/metrics` (Prometheus text, prom-client's global registry) is served
 *   WITHOUT authentication, like `/health`: every series is an aggregate
 *   (no label holds a user, token, address or request id; sdn-metrics.ts).
 *   Operators who must not expose even that on the API port set
 *   `SDN_API_METRICS=off` (no endpoint, no request timing).
 */
export function installObservability(http: FastifyLike, opts: ObservabilityOptions): void {
  http.decorateRequest('correlationId', '');
  http.addHook('onRequest', (req, reply, done) => {
    req.correlationId = req.id;
    reply.header(CORRELATION_HEADER, req.correlationId);
    inRequestScope(req.correlationId, done);
  });
  const histogram = opts.metrics ? httpRequestDuration() : undefined;
  const logAccess = accessLog(opts.log);
  http.addHook('onResponse', (req, reply, done) => {
    // The route template, never the URL: ids in paths would make the label set unbounded.
    histogram?.observe({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    logAccess(req, reply.statusCode, reply.elapsedTime);
    done();
  });
  if (!opts.metrics) return;
  startProcessMetrics();
  http.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await renderMetrics();
    return reply.type(contentType).send(body);
  });
}
