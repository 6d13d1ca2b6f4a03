import { PowerDnsHttp, PowerDnsHttpError, type FetchLike } from './http';
import { PowerDnsPlugin } from './powerdns-plugin';

const reply = (status: number, body = '', statusText = ''): FetchLike => async () => ({ status, statusText, text: async () => body });

describe('PowerDNS HTTP errors (§6.2)', () => {
  it('maps non-2xx to the reference text and keeps the status for retry decisions', async () => {
    const p = new PowerDnsPlugin({ type: 'powerdns', url: 'http://h/api', key: 'k' }, { fetch: reply(404, 'Not Found', 'Not Found') });
    const err = await p.verifyZone('nope.test').catch((e) => e);
    expect(err).toBeInstanceOf(PowerDnsHttpError);
    expect(err.message).toBe("can't read zone nope.test: Invalid response from server: 404 Not Found");
    expect(err.status).toBe(404);
  });

  it('transport failures have no status (server down) and name the cause', async () => {
    const refused: FetchLike = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });
    };
    const p = new PowerDnsPlugin({ type: 'powerdns', url: 'http://127.0.0.1:1/api', key: 'k' }, { fetch: refused });
    const err = await p.addPtrRecord('z', 'h.z', '10.0.0.1').catch((e) => e);
    expect(err.message).toBe('error add 1.0.0.10.in-addr.arpa. to zone z: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1');
    expect(err.status).toBeUndefined();
  });

  it("appends PowerDNS' own error text when the body carries one", async () => {
    const p = new PowerDnsPlugin({ type: 'powerdns', url: 'http://h', key: 'k' }, { fetch: reply(422, '{"error": "RRset 1.20.16.172.in-addr.arpa. IN PTR: Name is out of zone"}', 'Unprocessable Entity') });
    await expect(p.addPtrRecord('16-31.172.in-addr.arpa.', 'h.z', '172.16.20.1')).rejects.toThrow(
      'error add 1.20.16.172.in-addr.arpa. to zone 16-31.172.in-addr.arpa.: Invalid response from server: 422 Unprocessable Entity (RRset 1.20.16.172.in-addr.arpa. IN PTR: Name is out of zone)',
    );
  });

  it('rejects non-JSON bodies, treats an empty body as no result, refuses non-http urls', async () => {
    await expect(new PowerDnsHttp({ url: 'http://h', key: 'k', fetch: reply(200, '<html>') }).request('GET', '')).rejects.toThrow('api response is not a json');
    await expect(new PowerDnsHttp({ url: 'http://h', key: 'k', fetch: reply(204) }).request('PATCH', '/zones/z', {})).resolves.toBeUndefined();
    expect(() => new PowerDnsHttp({ url: 'ftp://h', key: 'k' })).toThrow("unsupported url 'ftp://h'");
  });

  it('uses ttl 14400 when the server has none or 0', async () => {
    const bodies: string[] = [];
    const capture: FetchLike = async (_u, init) => (bodies.push(init.body ?? ''), { status: 204, statusText: '', text: async () => '' });
    await new PowerDnsPlugin({ type: 'powerdns', url: 'http://h', key: 'k', ttl: 0 }, { fetch: capture }).addPtrRecord('z', 'a.z', '10.0.0.1');
    expect(JSON.parse(bodies[0]).rrsets[0].ttl).toBe(14400);
  });
});
