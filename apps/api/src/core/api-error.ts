import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpResponse as Response } from './http';

/**
 * An error for the client. `errors` maps parameter names to messages (the
 * reference's "Parameter verification failed." shape); `message` becomes the
 * HTTP status text too, which is where Proxmox clients look for it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }

  static params(errors: Record<string, string>): ApiError {
    return new ApiError(400, 'Parameter verification failed.', errors);
  }
  static param(name: string, message: string): ApiError {
    return ApiError.params({ [name]: message });
  }
  static notFound(message: string): ApiError {
    return new ApiError(404, message);
  }
}

/** Node's socket errors of a connection that could not be made or was cut. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg's own messages for a connection it lost or could not open (they carry no SQLSTATE). */
const CONNECTION_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)/;

/**
 * The reason when `e` says PostgreSQL cannot be reached right now (refused,
 * restarting, the connection cut), not that the request is wrong: SQLSTATE
 * class 08 (connection exception), 57P01-57P03 (shut down by the
 * administrator or a crash, cannot connect now), a socket errno, or pg's
 * connection messages, looked up through TypeORM's QueryFailedError
 * (`driverError`), `cause` and AggregateError (a connect to several addresses).
 */
export function databaseUnavailable(e: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof e !== 'object' || e === null) return undefined;
  const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || CONNECTION_ERRNOS.has(code)) return code;
  if (typeof err.message === 'string' && CONNECTION_MESSAGES.test(err.message)) return err.message;
  for (const inner of [err.driverError, err.cause, ...(Array.isArray(err.errors) ? err.errors : [])]) {
    const found = databaseUnavailable(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Status text must be a single Latin-1 line. */
function statusText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('api');

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let message = 'internal error';
    let errors: Record<string, string> | undefined;
    if (e instanceof ApiError) {
      ({ status, message, errors } = e);
    } else if (e instanceof HttpException) {
      status = e.getStatus();
      const r = e.getResponse();
      message = typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? e.message);
      // Malformed bodies and the like are the client's parameter problem. (Refusals of the
      // HTTP layer, e.g. a body too large, arrive here as HttpExceptions with their status.)
      if (status === 400) errors = { body: message };
    } else if (databaseUnavailable(e)) {
      // PostgreSQL restarting or unreachable: the service is briefly unavailable, the request is not wrong.
      status = 503;
      message = 'database unavailable, try again';
      res.header('Retry-After', '1');
      this.log.warn(`${message}: ${databaseUnavailable(e)}`);
    } else {
      this.log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    res.raw.statusMessage = statusText(errors ? `${message} ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}` : message);
    res.status(status).send(errors ? { data: null, errors, message } : { data: null, message });
  }
}
