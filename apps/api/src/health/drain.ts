import { type INestApplication, Injectable, Logger } from '@nestjs/common';

/**
 * Whether this replica still wants new requests. Once it is asked to stop it
 * reports not-ready (`/health/ready` 503) but keeps serving for the drain
 * period, so the proxy's health check takes it out of rotation before the
 * listening socket goes away; requests already sent to it are answered.
 */
@Injectable()
export class Drain {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  start(): void {
    this.drainingSince ??= Date.now();
  }
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/**
 * Drain, then stop: not-ready for `drainMs` while still serving (a request
 * that reaches a server already closing gets Fastify's 503, so the proxy must
 * have stopped choosing this replica by then), then the HTTP server closes (no
 * new connections, requests in progress finish, idle keep-alive connections
 * are closed), and only then Nest's close: the relay stops and queued writes
 * commit before the pool and NATS close, with no request arriving meanwhile.
 */
export async function drainAndClose(app: INestApplication, drainMs: number): Promise<void> {
  const log = new Logger('api');
  app.get(Drain).start();
  log.log(`draining: /health/ready answers 503, still serving for ${drainMs} ms`);
  await sleep(drainMs);
  await app.getHttpAdapter().close();
  await app.close();
}
