import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH, startTestApi, type TestApi } from '../testing/test-app';
import { loadConfig } from './config';

/** GET over HTTPS trusting only `ca`; answers status, body, whether the socket was reused, and the peer's fingerprint. */
function get(url: string, ca: string, agent: https.Agent): Promise<{ status: number; body: string; reused: boolean; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent, headers: { Authorization: AUTH } }, (res) => {
      let body = '';
      // Read now: a keep-alive socket goes back to the pool (res.socket = null) at the end.
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket, fingerprint }));
    });
    req.on('error', reject);
  });
}

describe('HTTPS by default', () => {
  let dataDir: string;
  let api: TestApi | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sdn-https-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is on unless SDN_API_TLS=off; the operator names both files or neither', () => {
    expect(loadConfig({}).tls).toBe(true);
    expect(loadConfig({ SDN_API_TLS: 'off' }).tls).toBe(false);
    expect(() => loadConfig({ SDN_API_TLS: 'of' })).toThrow(/on or off/);
    expect(loadConfig({}).dataDir).toBe('.data');
  });

  it('serves the API over TLS with keep-alive, with a certificate the generated CA verifies, unchanged after a restart', async () => {
    api = await startTestApi({ tls: true, dataDir }, { listen: true });
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const a = await get(`${api.url}/api2/json/cluster/sdn/zones`, ca, agent);
    const b = await get(`${api.url}/api2/json/cluster/sdn/zones`, ca, agent);
    expect([a.status, JSON.parse(a.body)]).toEqual([200, { data: [] }]);
    expect([b.status, b.reused]).toEqual([200, true]);
    // Nobody trusts it without the CA.
    await expect(get(`${api.url}/health`, '', new https.Agent())).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    agent.destroy();

    const files = ['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((f) => readFileSync(join(dataDir, 'tls', f), 'utf8'));
    const dbUrl = api.dbUrl;
    await api.app.close();
    api = await startTestApi({ tls: true, dataDir }, { listen: true, dbUrl });
    expect(['ca.pem', 'ca.key', 'server.pem', 'server.key'].map((f) => readFileSync(join(dataDir, 'tls', f), 'utf8'))).toEqual(files);
    const c = await get(`${api.url}/health`, ca, new https.Agent());
    expect(c.status).toBe(200);
    expect(c.fingerprint).toBe(new (await import('node:crypto')).X509Certificate(files[2]).fingerprint256);
  });
});
