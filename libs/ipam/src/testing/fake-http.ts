import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  body?: unknown;
}
export type Handler = (method: string, path: string, query: URLSearchParams, headers: http.IncomingHttpHeaders, body: any) => Reply;

/** Minimal node:http server on 127.0.0.1 with a random port, driven by a state machine handler. */
export async function startFakeServer(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        res.writeHead(400).end('{"message":"bad json"}');
        return;
      }
      const u = new URL(req.url ?? '/', 'http://x');
      const r = handler(req.method ?? 'GET', u.pathname, u.searchParams, req.headers, body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body === undefined ? '' : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}
