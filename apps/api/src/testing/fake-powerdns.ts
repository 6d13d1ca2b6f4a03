import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A minimal PowerDNS API: the server URL answers, and the listed zones exist. */
export async function startFakePowerDns(key: string, zones: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const base = '/api/v1/servers/localhost';
  const server = createServer((req, res) => {
    const zone = /^\/api\/v1\/servers\/localhost\/zones\/([^?/]+)/.exec(req.url ?? '')?.[1];
    const ok = req.url === base || (zone !== undefined && zones.includes(zone.replace(/\.$/, '')));
    res.statusCode = req.headers['x-api-key'] !== key ? 401 : ok ? 200 : 404;
    res.setHeader('Content-Type', 'application/json');
    res.end(ok ? '{}' : '{"error":"Not Found"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
