import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Keys whose values never reach a log line, wherever they sit in the logged
 * object (one level deep, plus request headers): tokens, passwords, IPAM
 * tokens and DNS keys travel in fields with these names.
 */
export const REDACTED_PATHS = [
  'password',
  'pass',
  'token',
  'secret',
  'key',
  'authorization',
  'cookie',
  '*.password',
  '*.pass',
  '*.token',
  '*.secret',
  '*.key',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.csrfpreventiontoken',
  'res.headers["set-cookie"]',
];

/**
 * The one log schema of every service: JSON lines with `time` (ISO 8601),
 * `level` (its name), `service`, `host`, `msg`, plus what the call adds
 * (`correlationId`, `eventId`, `seq`, `node`, `zone`, `vnet`, …).
 * `SDN_LOG_LEVEL` picks the level; `npm start` makes the lines readable on a terminal.
 */
export function createLogger(o: { service: string; level?: LogLevel; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: o.service, host: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    o.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** The shape @sdn/bus and the services' libraries log through (message first, fields after). */
export interface MessageLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export function messageLogger(log: Logger): MessageLogger {
  return {
    info: (m, meta) => log.info(meta ?? {}, m),
    warn: (m, meta) => log.warn(meta ?? {}, m),
    error: (m, meta) => log.error(meta ?? {}, m),
  };
}
