import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { ApiError } from '../core/api-error';
import { DnsVerifyModule } from './dns-verify.module';
import { DnsZoneVerifier } from './dns-verify.service';

/** A stand-in PowerDNS API that knows one zone and records the requests. */
describe('DnsZoneVerifier', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let verifier: DnsZoneVerifier;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} key=${req.headers['x-api-key']}`);
      const ok = req.url === '/api/v1/servers/localhost/zones/sdn.test?rrsets=false' || req.url === '/api/v1/servers/localhost';
      res.statusCode = req.headers['x-api-key'] !== 'k' ? 401 : ok ? 200 : 404;
      res.statusMessage = res.statusCode === 200 ? 'OK' : res.statusCode === 401 ? 'Unauthorized' : 'Not Found';
      res.end(ok ? '{}' : 'Not Found');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/servers/localhost`;
    const mod = await Test.createTestingModule({ imports: [DnsVerifyModule] }).compile();
    verifier = mod.get(DnsZoneVerifier);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const servers = () => ({ pdns: { type: 'powerdns', url, key: 'k' }, badkey: { type: 'powerdns', url, key: 'wrong' } });

  it('accepts a zone whose dnszone exists on the server (the reference verify-zone request)', async () => {
    seen.length = 0;
    await expect(verifier.verifyZoneRequest({ dns: 'pdns', dnszone: 'sdn.test' }, servers())).resolves.toBeUndefined();
    expect(seen).toEqual(['GET /api/v1/servers/localhost/zones/sdn.test?rrsets=false key=k']);
  });

  it('refuses a missing zone with a parameter error on dnszone', async () => {
    const err = await verifier.verifyZoneRequest({ dns: 'pdns', dnszone: 'missing.test' }, servers()).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.errors).toEqual({ dnszone: "can't read zone missing.test: Invalid response from server: 404 Not Found" });
  });

  it('reports a wrong key and an unreachable server', async () => {
    const e1 = await verifier.verifyZoneRequest({ dns: 'badkey', dnszone: 'sdn.test' }, servers()).catch((e) => e);
    expect(e1.errors.dnszone).toBe("can't read zone sdn.test: Invalid response from server: 401 Unauthorized");
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e2 = await verifier.verifyZoneRequest({ dns: 'x', dnszone: 'sdn.test' }, { x: { type: 'powerdns', url: `http://127.0.0.1:${port}/api`, key: 'k' } }).catch((e) => e);
    expect(e2.errors.dnszone).toMatch(/^can't read zone sdn.test: ECONNREFUSED/);
  });

  it('on update checks the effective pair when dns or dnszone changes, and nothing otherwise', async () => {
    seen.length = 0;
    await expect(verifier.verifyZoneRequest({ dns: 'pdns' }, servers(), { dns: 'old', dnszone: 'missing.test' })).rejects.toThrow('Parameter verification failed.');
    await verifier.verifyZoneRequest({ mtu: 1400 }, servers(), { dns: 'pdns', dnszone: 'missing.test' });
    // dnszone without dns and unknown server ids are left to the model's rules (Z1, Z3).
    await verifier.verifyZoneRequest({ dnszone: 'missing.test' }, servers());
    await verifier.verifyZoneRequest({ dns: 'nope', dnszone: 'missing.test' }, servers());
    expect(seen).toEqual(['GET /api/v1/servers/localhost/zones/missing.test?rrsets=false key=k']);
  });

  it('checks a DNS server object (GET <url>)', async () => {
    await expect(verifier.verifyServer(servers().pdns)).resolves.toBeUndefined();
    const err = await verifier.verifyServer(servers().badkey).catch((e) => e);
    expect(err.errors).toEqual({ url: 'dns api error: Invalid response from server: 401 Unauthorized' });
  });
});
