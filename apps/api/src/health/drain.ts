import { type INestApplication, Logger } from '@nestjs/common';
import { Readiness } from './readiness';

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
  app.get(Readiness).drain();
  log.log(`draining: /health/ready answers 503, still serving for ${drainMs} ms`);
  await sleep(drainMs);
  await app.getHttpAdapter().close();
  await app.close();
}
