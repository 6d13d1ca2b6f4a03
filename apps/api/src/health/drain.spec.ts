import * as http from 'node:http';
import { createTestDatabase } from '@sdn/event-store';
import { AUTH, startTestApi, type TestApi } from '../testing/test-app';
import { drainAndClose } from './drain';

interface Answer {
  status: number;
  body: string;
}

function get(url: string, agent?: http.Agent, auth = false): Promise<Answer> {
  return new Promise((res, rej) => {
    http
      .get(url, { agent, headers: auth ? { Authorization: AUTH } : {} }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      })
      .on('error', rej);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM (main.ts) runs drainAndClose: the replica reports not-ready so the
 * proxy stops choosing it, keeps answering for the drain period, then closes
 * without failing what it was already sent.
 */
describe('API drain on stop', () => {
  const DRAIN_MS = 1500;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi({ drainMs: DRAIN_MS }, { listen: true, dbUrl: db.url });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('answers 503 at /health/ready but still serves during the drain, finishes a request in progress at the close, then refuses connections', async () => {
    const ready = await get(`${api.url}/health/ready`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([200, { status: 'ok', checks: { draining: { status: 'up' }, postgres: { status: 'up' } } }]);
    // A kept-alive connection of a client, idle when the server closes: closed by the server, not left hanging.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(`${api.url}/api2/json/cluster/sdn/zones`, keepAlive, true)).status).toBe(200);
    const idle = Object.values(keepAlive.freeSockets).flat()[0];
    expect(idle).toBeDefined();
    const idleClosed = new Promise<boolean>((res) => idle!.once('close', (hadError: boolean) => res(hadError)));

    // A write whose headers arrive before the close and whose body only after it.
    const body = JSON.stringify({ zone: 'drainzn', type: 'simple' });
    const inProgress = new Promise<Answer>((res, rej) => {
      const req = http.request(`${api.url}/api2/json/cluster/sdn/zones`, { method: 'POST', headers: { Authorization: AUTH, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (r) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', rej);
      req.flushHeaders();
      req.write(body.slice(0, 5));
      void sleep(DRAIN_MS + 500).then(() => req.end(body.slice(5)));
    });
    await sleep(200);

    const started = Date.now();
    const closed = drainAndClose(api.app, DRAIN_MS);
    const notReady = await get(`${api.url}/health/ready`);
    expect([notReady.status, JSON.parse(notReady.body)]).toEqual([503, { status: 'error', checks: { draining: { status: 'down' }, postgres: { status: 'up' } } }]);
    // New connections are still served while the proxy takes the replica out.
    await sleep(DRAIN_MS / 2);
    expect((await get(`${api.url}/api2/json/cluster/sdn/zones`, undefined, true)).status).toBe(200);
    expect((await get(`${api.url}/health`)).status).toBe(200);

    // After the drain period: no new connections, the idle keep-alive one closed cleanly.
    await sleep(DRAIN_MS / 2 + 250);
    await expect(get(`${api.url}/health`)).rejects.toThrow(/ECONNREFUSED/);
    expect(await idleClosed).toBe(false);
    // The request in progress is answered, and only then the app finishes closing.
    const answered = await inProgress;
    expect([answered.status, JSON.parse(answered.body)]).toEqual([200, { data: null }]);
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_MS);
    keepAlive.destroy();
  });
});
