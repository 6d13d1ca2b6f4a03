import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMetrics, startProcessMetrics } from '@sdn/metrics';

/** A readiness check: true (or resolves true) when that dependency answers. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HealthServer {
  readonly port: number;
  /** Adds or replaces a readiness check (a consumer bound later, a bundle applied). */
  setCheck(name: string, check: ReadinessCheck): void;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

/** Runs a readiness check: false when it throws or takes longer than 2 s (a dependency that hangs is not ready). */
export async function runCheck(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(false), CHECK_TIMEOUT_MS))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The small HTTP server of a worker or agent (`SDN_METRICS_HOST`:`SDN_METRICS_PORT`):
 * `GET /health/live` (the process answers), `GET /health/ready` (every check
 * passes; 503 otherwise, naming the failing ones) and `GET /metrics` (prom-client's
 * default registry, which the services fill). Same body shape as the API's:
 * `{"status":"ok"|"error","checks":{name:{"status":"up"|"down"}}}`.
 */
export async function startHealthServer(o: { host: string; port: number; checks?: Record<string, ReadinessCheck> }): Promise<HealthServer> {
  const checks = new Map<string, ReadinessCheck>(Object.entries(o.checks ?? {}));
  startProcessMetrics();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { status: 'error', message: 'GET only' });
    if (path === '/health/live') return json(200, { status: 'ok', checks: {} });
    if (path === '/health/ready') {
      void (async () => {
        const results = await Promise.all([...checks].map(async ([name, c]) => [name, (await runCheck(c)) ? 'up' : 'down'] as const));
        const ok = results.every(([, s]) => s === 'up');
        json(ok ? 200 : 503, { status: ok ? 'ok' : 'error', checks: Object.fromEntries(results.map(([n, s]) => [n, { status: s }])) });
      })();
      return;
    }
    if (path === '/metrics') {
      void renderMetrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (e) => json(500, { status: 'error', message: String(e) }),
      );
      return;
    }
    json(404, { status: 'error', message: 'not found: /health/live, /health/ready, /metrics' });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port, o.host, () => res());
  });
  // Probes must not keep a stopping process alive.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    setCheck: (name, c) => void checks.set(name, c),
    close: () => new Promise((res) => server.close(() => res())),
  };
}
