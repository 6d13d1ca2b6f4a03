import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PowerDnsHttp, PowerDnsHttpError } from '@sdn/dns';
import { nodeHttpFetch } from './node-http-fetch';

/** The rejection of `p` (fails the test if it resolves). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => Promise.reject(new Error('expected a failure')),
    (e: unknown) => e as PowerDnsHttpError & { cause?: { code?: string } },
  );

/** The node:http client against a local server that answers like PowerDNS' API (Connection: close). */
describe('nodeHttpFetch', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; url: string; headers: string[]; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.rawHeaders, body });
        if (req.url?.includes('slow')) return void setTimeout(() => res.end('{}'), 500);
        res.setHeader('Connection', 'close');
        if (req.url?.includes('missing')) {
          res.statusCode = 422;
          res.end(JSON.stringify({ error: 'Name is out of zone' }));
        } else if (req.method === 'PATCH') {
          res.statusCode = 204;
          res.end();
        } else res.end(JSON.stringify({ name: 'ex.test.', rrsets: [{ name: 'ä.ex.test.', type: 'A', records: [] }] }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/servers/localhost`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('sends method, headers and body as given, and returns status and text', async () => {
    const http = new PowerDnsHttp({ url: base, key: 'k1', fetch: nodeHttpFetch });
    expect(await http.request('GET', '/zones/ex.test?rrset_name=a.ex.test.&rrset_type=A')).toEqual({ name: 'ex.test.', rrsets: [{ name: 'ä.ex.test.', type: 'A', records: [] }] });
    await http.request('PATCH', '/zones/ex.test', { rrsets: [{ name: 'ä', changetype: 'DELETE' }] });
    const [get, patch] = seen.slice(-2);
    expect(get.method).toBe('GET');
    expect(get.url).toBe('/api/v1/servers/localhost/zones/ex.test?rrset_name=a.ex.test.&rrset_type=A');
    expect(get.body).toBe('');
    expect(patch.method).toBe('PATCH');
    expect(patch.body).toBe('{"rrsets":[{"changetype":"DELETE","name":"ä"}]}');
    // The plugin's two headers with their spelling, and a byte (not character) length.
    const h = patch.headers;
    expect(h[h.indexOf('Content-Type') + 1]).toBe('application/json; charset=UTF-8');
    expect(h[h.indexOf('X-API-Key') + 1]).toBe('k1');
    expect(h[h.indexOf('Content-Length') + 1]).toBe(String(Buffer.byteLength(patch.body)));
  });

  it('keeps the status of an HTTP error and the reason PowerDNS gave', async () => {
    const http = new PowerDnsHttp({ url: base, key: 'k', fetch: nodeHttpFetch });
    const e = await failure(http.request('GET', '/zones/missing'));
    expect(e).toBeInstanceOf(PowerDnsHttpError);
    expect(e.status).toBe(422);
    expect(e.message).toBe('Invalid response from server: 422 Unprocessable Entity (Name is out of zone)');
  });

  it('fails like fetch when the server is unreachable or too slow (no status: retried)', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const raw = await failure(nodeHttpFetch(`http://127.0.0.1:${port}/x`, { method: 'GET', headers: {} }));
    expect(raw).toBeInstanceOf(TypeError);
    expect(raw.message).toBe('fetch failed');
    expect(raw.cause?.code).toBe('ECONNREFUSED');
    const down = await failure(new PowerDnsHttp({ url: `http://127.0.0.1:${port}`, key: 'k', fetch: nodeHttpFetch }).request('GET', ''));
    expect(down.message).toMatch(/^ECONNREFUSED connect ECONNREFUSED/);
    expect(down.status).toBeUndefined();

    const slow = await failure(new PowerDnsHttp({ url: base, key: 'k', fetch: nodeHttpFetch, timeoutMs: 50 }).request('GET', '/slow'));
    expect(slow).toBeInstanceOf(PowerDnsHttpError);
    expect(slow.message).toMatch(/timeout|aborted/i);
    expect(slow.status).toBeUndefined();
  });
});
