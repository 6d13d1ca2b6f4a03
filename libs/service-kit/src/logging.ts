import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Names of fields (and query parameters) whose values are secrets: tokens,
 * passwords, login tickets, CSRF tokens, IPAM tokens and DNS keys travel
 * under these names. Lower case; a query parameter matches when its name
 * contains one (`new-password`, `apikey`).
 */
export const SECRET_NAMES = ['password', 'pass', 'token', 'secret', 'key', 'ticket', 'authorization', 'cookie', 'csrfpreventiontoken'] as const;

/**
 * Keys whose values never reach a log line, wherever they sit in the logged
 * object (one level deep, plus request headers).
 */
export const REDACTED_PATHS = [
  ...SECRET_NAMES,
  ...SECRET_NAMES.map((n) => `*.${n}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.csrfpreventiontoken',
  'res.headers["set-cookie"]',
];

/** A URL for a log line: the values of query parameters named like a secret are replaced. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // undecodable: compared as it is
      }
      const lower = name.toLowerCase();
      return SECRET_NAMES.some((n) => lower.includes(n)) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

/**
 * `batched`: stdout lines are written 4 KiB at a time, and at the latest
 * 100 ms after they were logged (at exit, at once). For a logger that writes
 * a line per request (the API's access line): one write per line, through
 * libuv's thread pool, cost more CPU than making the line (measured with
 * `npm run bench:api -- --observability`). A crash without an exit (an
 * uncaught exception) can lose the last 100 ms of lines.
 */
const BATCHED_STDOUT = { fd: 1, sync: false, minLength: 4096, periodicFlush: 100 };

/**
 * The one log schema of every service (the API's nestjs-pino included): JSON
 * lines with `time` (ISO 8601), `level` (its name), `service`, `host`, `msg`,
 * plus what the call adds (`correlationId`, `eventId`, `seq`, `node`, `zone`,
 * `vnet`, …). `SDN_LOG_LEVEL` picks the level; `npm start` makes the lines
 * readable on a terminal.
 */
export function createLogger(o: { service: string; level?: LogLevel; destination?: pino.DestinationStream; copyDir?: string; batched?: boolean }): Logger {
  const out = o.destination ?? pino.destination(o.batched ? BATCHED_STDOUT : { fd: 1, sync: false });
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: o.service, host: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    o.copyDir ? pino.multistream([{ level: 'trace', stream: out }, { level: 'trace', stream: logCopy(o.copyDir, o.service) }]) : out,
  );
}

/**
 * `SDN_LOG_COPY_DIR`: the same lines appended to `<dir>/<service>-<pid>.log`,
 * written synchronously so that a process the tests SIGKILL leaves every line
 * it logged (the suite's teardown scans these files for secrets).
 */
function logCopy(dir: string, service: string): pino.DestinationStream {
  return pino.destination({ dest: join(dir, `${service}-${process.pid}.log`), sync: true, mkdir: true, append: true });
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
