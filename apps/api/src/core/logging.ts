import { type DynamicModule, Injectable, RequestMethod } from '@nestjs/common';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger, type LogLevel, loggableUrl } from '@sdn/service-kit';

/**
 * Nest's own start-up chatter (every module loaded, every route mapped: some
 * 200 lines per start) is debug here, not info: an operator's info log says
 * what the API does, not how Nest wired it.
 */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** nestjs-pino's Nest logger (what `new Logger('ctx')` writes through), with the framework's lines at debug. */
@Injectable()
export class ApiLogger extends PinoNestLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(rest[rest.length - 1] as string)) this.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}

/** The API's root logger: service-kit's, so the API's lines have every service's schema. */
export function createApiLogger(o: { level: LogLevel; destination?: DestinationStream; copyDir?: string }): Logger {
  return createLogger({ service: 'api', level: o.level, destination: o.destination, copyDir: o.copyDir });
}

/**
 * nestjs-pino on the root logger. pino-http only binds a per-request child
 * carrying the request's correlation id (Fastify's request id, see
 * core/observability.ts); every `new Logger(ctx)` line written while serving
 * an API request gets it. The access line is written by core/observability's
 * onResponse hook (it knows the route, the actor and Fastify's precise
 * elapsed time, also for /health and /metrics, which are outside the global
 * prefix the middleware is bound to), so pino-http's own request logging is off.
 */
export function apiLoggerModule(root: Logger): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      logger: root,
      autoLogging: false,
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      // pino-http also binds the whole request to a child it does not use with the quiet options: nothing of it is kept.
      wrapSerializers: false,
      serializers: { req: () => undefined },
    },
  });
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
 */
export function logAccess(log: Logger, req: AccessLogged, status: number, ms: number): void {
  // 5xx at warn: an unexpected failure is reported at error, with its stack, by the error filter
  // (core/api-error.ts); a 503 for a dependency that is down is expected. A probe's 503 (not
  // ready, draining) is the answer asked for.
  const level = PROBES.test(req.url) ? 'debug' : status >= 500 ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  log[level]({ correlationId: req.correlationId, method: req.method, path: loggableUrl(req.url), status, ms: Math.round(ms * 100) / 100, user: req.actor }, 'request');
}
