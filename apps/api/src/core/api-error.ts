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
    } else {
      this.log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    res.raw.statusMessage = statusText(errors ? `${message} ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}` : message);
    res.status(status).send(errors ? { data: null, errors, message } : { data: null, message });
  }
}
