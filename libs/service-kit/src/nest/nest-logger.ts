import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's own lines (module init, transport errors) in the service's pino schema, `context` as a field. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length ? rest[rest.length - 1] : undefined;
    this.pino.error({ context, err: message instanceof Error ? message : undefined, stack: typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined }, String(message instanceof Error ? message.message : message));
  }
  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}
