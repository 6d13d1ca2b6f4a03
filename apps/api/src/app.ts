import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { serveWebPanel } from './web-panel';
import { AppModule } from './app.module';
import { MAX_BODY_BYTES, parseFormBody, parseJsonBody } from './core/body-parsers';
import { resolveApiTls } from '@sdn/tls';
import { type ApiConfig, loadConfig } from './core/config';
import { CoreModule } from './core/core.module';
import { ProxmoxFastifyAdapter } from './core/envelope';
import { apiLogger, createApiLogger } from './core/logging';
import { correlationIdOf, installObservability } from './core/observability';
import type { DestinationStream } from 'pino';
import { SdnStateService } from './core/sdn-state.service';
import { recordRoutes, serveOpenApi } from './openapi/openapi';

export const API_PREFIX = 'api2/json';

/** Provider of the TLS material the app serves (null for plain HTTP): main prints where the CA is. */
export const API_TLS = Symbol('API_TLS');

/**
 * Builds the application (not listening); tests and main share it. Logs are
 * JSON lines on stdout at `SDN_LOG_LEVEL` (config.logLevel); a test may
 * capture them with `log.destination`.
 */
export async function createApp(overrides: Partial<ApiConfig> = {}, log: { destination?: DestinationStream } = {}): Promise<INestApplication> {
  const config = { ...loadConfig(), ...overrides };
  const tls = await resolveApiTls(config);
  const logger = createApiLogger({ level: config.logLevel, destination: log.destination, copyDir: config.logCopyDir });

  @Module({
    imports: [CoreModule.forRoot(config), AppModule],
    providers: [{ provide: API_TLS, useValue: tls }],
  })
  class RootModule {}

  // Fastify rather than Express: a write's HTTP handling is on the serialised path of every
  // write, and Express's router, body parsing and response took a quarter of the API's CPU.
  const adapter = new ProxmoxFastifyAdapter({
    // HTTP/1.1 over TLS (no ALPN h2): what every Proxmox client speaks; keep-alive as node's https server does it.
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    bodyLimit: MAX_BODY_BYTES,
    // Like the reference (and Express before): `/zones/` is `/zones`.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    // The request id is the correlation id: the hooks (access line, log scope) and the handlers see the same one.
    genReqId: (raw: { headers: Record<string, string | string[] | undefined> }) => correlationIdOf(raw.headers),
  });
  // Nest's lines written while the app is built wait for the pino logger (bufferLogs), so every line is JSON.
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, { bodyParser: false, bufferLogs: true });
  app.useLogger(apiLogger(logger));
  // Now, not at listen(): an app that is only initialised (the specs' supertest apps) would buffer every Nest line for good.
  app.flushLogs();
  const http = app.getHttpAdapter().getInstance();
  const mounted = recordRoutes(http);
  // Only these two: any other media type is refused (415) instead of read as something else.
  http.removeAllContentTypeParsers();
  installObservability(http as unknown as Parameters<typeof installObservability>[0], { metrics: config.metrics, log: logger });
  const parse = (read: (text: string, contentType: string | undefined) => unknown) => (req: { headers: Record<string, unknown> }, body: string | Buffer, done: (e: Error | null, v?: unknown) => void) => {
    try {
      done(null, read(String(body), req.headers['content-type'] as string | undefined));
    } catch (e) {
      done(e as Error, undefined);
    }
  };
  http.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, parse(parseJsonBody));
  http.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, parse(parseFormBody));
  // Proxmox clients compare the content type literally (proxmox-api checks
  // `application/json;charset=UTF-8`), so JSON responses use the reference's exact spelling.
  http.addHook('onSend', (_req, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && /^application\/json\b/i.test(type)) reply.header('content-type', 'application/json;charset=UTF-8');
    done(null, payload);
  });
  // Several replicas behind one proxy: each API request first folds the writes other replicas made.
  const sdn = app.get(SdnStateService);
  http.addHook('preHandler', async (req) => {
    if (req.url.startsWith(`/${API_PREFIX}/`)) await sdn.sync();
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'health/ready'] });
  await serveWebPanel(app, config.webDir);
  // Signals: main.ts drains first (health/drain.ts), then closes the server before the modules.

  serveOpenApi(app, mounted);
  return app;
}

export { loadConfig };
