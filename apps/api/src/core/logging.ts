import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger, type LogLevel, loggableUrl } from '@sdn/service-kit';

/**
 * Nest's own start-up chatter (every module loaded, every route mapped: some
 * 200 lines per start) is debug here, not info: an operator's info log says
 * what the API does, not how Nest wired it.
 */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** nestjs-pino's Nest logger (what `new Logger('ctx')` writes through), with the framework's lines at debug. */
export class ApiLogger extends PinoNestLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(rest[rest.length - 1] as string)) this.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}

/**
 * The API's root logger: service-kit's, so the API's lines have every
 * service's schema; batched, as it writes a line per request.
 */
export function createApiLogger(o: { level: LogLevel; destination?: DestinationStream; copyDir?: string }): Logger {
  return createLogger({ service: 'api', level: o.level, destination: o.destination, copyDir: o.copyDir, batched: true });
}

/** What a request's Nest log lines add: its correlation id (the child is made on the request's first line). */
class RequestScope {
  log?: Logger;
  constructor(readonly correlationId: string) {}
}
const requestScope = new AsyncLocalStorage<RequestScope>();

/**
 * Runs the rest of a request's handling (`next`) in its scope: every
 * `new Logger(ctx)` line written while serving it carries its correlation id
 * (core/observability.ts binds it in its onRequest hook, for every route).
 */
export function inRequestScope(correlationId: string, next: () => void): void {
  requestScope.run(new RequestScope(correlationId), next);
}

/**
 * nestjs-pino's logger, on the root logger, bound to the request being
 * served. Instead of nestjs-pino's pino-http middleware, which made two
 * child loggers per request (and ran through Nest's middleware layer) though
 * most requests write no line but the access line: measured with
 * `npm run bench:api -- --observability`, that was most of the logging
 * overhead of a read.
 */
class RequestPinoLogger extends PinoLogger {
  constructor(private readonly root: Logger) {
    super({ pinoHttp: { logger: root } });
  }
  override get logger(): Logger {
    const scope = requestScope.getStore();
    if (!scope) return this.root;
    return (scope.log ??= this.root.child({ correlationId: scope.correlationId }));
  }
}

/** The logger Nest writes through (`app.useLogger`). */
export function apiLogger(root: Logger): ApiLogger {
  return new ApiLogger(new RequestPinoLogger(root), {});
}

/** What the access line needs of a Fastify request. */
export interface AccessLogged {
  method: string;
  url: string;
  correlationId: string;
  actor?: string;
}

/** Probes and scrapes every few seconds: their access lines are debug, so an info log is about users. */
const PROBES = /^\/(health|metrics)(\/|\?|$)/;

/**
 * One line per request: method, URL (query values of secret-named
 * parameters replaced), status, ms, user or token id, correlation id.
 * Headers and bodies are never logged.
 *
 * Written by a child of the root without its redaction: the line is built
 * here from those known-safe values only, none under a secret's name, so
 * redaction could never change it, and pino runs every field of a line
 * through the wildcard paths (`*.token`, …), which cost more than the rest of
 * the line (measured with `npm run bench:api -- --observability`). Nothing
 * else may be logged through it.
 */
export function accessLog(root: Logger): (req: AccessLogged, status: number, ms: number) => void {
  const log = root.child({}, { redact: [] });
  return (req, status, ms) => {
    // 5xx at warn: an unexpected failure is reported at error, with its stack, by the error filter
    // (core/api-error.ts); a 503 for a dependency that is down is expected. A probe's 503 (not
    // ready, draining) is the answer asked for.
    const level = PROBES.test(req.url) ? 'debug' : status >= 500 ? 'warn' : 'info';
    if (!log.isLevelEnabled(level)) return;
    log[level]({ correlationId: req.correlationId, method: req.method, path: loggableUrl(req.url), status, ms: Math.round(ms * 100) / 100, user: req.actor }, 'request');
  };
}
