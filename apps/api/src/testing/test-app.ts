import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import type { TlsMaterial } from '@sdn/tls';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createTestDatabase } from '@sdn/event-store';
import { generateSecretKey } from '@sdn/secrets';
import { recordTestSecrets } from '@sdn/service-kit/testing';
import { API_TLS, createApp } from '../app';
import type { ApiConfig } from '../core/config';
import { SdnStateService } from '../core/sdn-state.service';
import { EventStoreService } from '../core/database';

export const ROOT_TOKEN_ID = 'root@pam!test';
export const ROOT_SECRET = '0f1e2d3c-4b5a-4968-8776-655443322110';
export const AUTH = `PVEAPIToken=${ROOT_TOKEN_ID}=${ROOT_SECRET}`;
export const BASE = '/api2/json/cluster/sdn';
export const TEST_SECRET_KEY = generateSecretKey();

export interface TestApi {
  app: INestApplication;
  /** `http://127.0.0.1:PORT` or, with `tls: true`, `https://…` (listening apps only). */
  url: string;
  /** The CA that signed the served certificate (PEM), when the app serves HTTPS. */
  ca?: string;
  dbUrl: string;
  /** Authenticated request helpers (JSON bodies unless `.type('form')`). */
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  del(path: string, body?: object): request.Test;
  eventCount(): Promise<number>;
  state(): SdnStateService;
  close(): Promise<void>;
}

/**
 * A real API on its own fresh database (`sdn_test_<random>`, dropped on
 * close). NATS is off unless asked for; tests that want it pass an
 * isolated bus namespace (`busNamespace`), never the real streams.
 */
export async function startTestApi(overrides: Partial<ApiConfig> = {}, opts: { listen?: boolean; dbUrl?: string; logDestination?: DestinationStream } = {}): Promise<TestApi> {
  const db = opts.dbUrl ? null : await createTestDatabase();
  const dbUrl = opts.dbUrl ?? db!.url;
  recordTestSecrets({ 'test API root token secret': ROOT_SECRET, 'SDN_SECRET_KEY of the test API': TEST_SECRET_KEY });
  const app = await createApp({
    databaseUrl: dbUrl,
    bootstrapToken: `${ROOT_TOKEN_ID}=${ROOT_SECRET}`,
    nats: false,
    relay: false,
    nodeName: 'testnode',
    // Objects with IPAM tokens / DNS keys can be written, sealed with a key of this test process.
    secretKey: TEST_SECRET_KEY,
    dbPoolSize: 4, // many test files run at once against one server
    // Plain HTTP unless a test asks for HTTPS (then with its own `dataDir`).
    tls: false,
    // Errors only, as JSON lines on stdout (SDN_LOG_LEVEL's values); a test may ask for more.
    logLevel: 'error',
    ...overrides,
  }, { destination: opts.logDestination });
  if (opts.listen) await app.listen(0, '127.0.0.1');
  else {
    await app.init();
    // Fastify registers its routes when ready (listen() does it too): supertest talks to the bare server.
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  const server = app.getHttpServer();
  const addr = opts.listen ? (server.address() as { port: number }) : null;
  const store = app.get(EventStoreService);
  const tls = app.get<symbol, TlsMaterial | null>(API_TLS);
  const ca = tls?.caFile ? readFileSync(tls.caFile, 'utf8') : undefined;
  const path = (p: string) => (p.startsWith('/') ? p : `${BASE}/${p}`);
  const withBody = (t: request.Test, body?: object) => (body ? t.send(body) : t);
  const authed = (t: request.Test) => (ca ? t.ca(ca) : t).set('Authorization', AUTH);
  return {
    app,
    url: addr ? `${tls ? 'https' : 'http'}://127.0.0.1:${addr.port}` : '',
    ca,
    dbUrl,
    get: (p) => authed(request(server).get(path(p))),
    post: (p, body) => withBody(authed(request(server).post(path(p))), body),
    put: (p, body) => withBody(authed(request(server).put(path(p))), body),
    del: (p, body) => withBody(authed(request(server).delete(path(p))), body),
    eventCount: () => store.count(),
    state: () => app.get(SdnStateService),
    close: async () => {
      await app.close();
      await db?.drop();
    },
  };
}
