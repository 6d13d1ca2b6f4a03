import request from 'supertest';
import { AUTH, BASE, startTestApi, type TestApi } from '../testing/test-app';
import { AuthRateLimiter } from './rate-limit';

describe('AuthRateLimiter', () => {
  it('blocks a key after the threshold with doubling waits up to the maximum, and forgets', () => {
    let now = 0;
    const l = new AuthRateLimiter({ threshold: 2, baseMs: 100, maxMs: 350, forgetMs: 10_000 }, () => now);
    const k = ['ip:1.2.3.4'];
    l.fail(k);
    l.fail(k);
    expect(l.blockedFor(k)).toBe(0);
    l.fail(k);
    expect(l.blockedFor(k)).toBe(100);
    l.fail(k);
    expect(l.blockedFor(k)).toBe(200);
    l.fail(k);
    expect(l.blockedFor(k)).toBe(350);
    now += 350;
    expect(l.blockedFor(k)).toBe(0);
    // Another key is not affected; a blocked token id blocks whatever the source.
    expect(l.blockedFor(['ip:5.6.7.8'])).toBe(0);
    l.fail(['token:a@pve!t']);
    l.fail(['token:a@pve!t']);
    l.fail(['token:a@pve!t']);
    expect(l.blockedFor(['ip:9.9.9.9', 'token:a@pve!t'])).toBe(100);
    now += 20_000;
    l.fail(k);
    expect(l.blockedFor(k)).toBe(0);
  });
});

describe('rate limiting of authentication failures (API)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ authRateLimit: { threshold: 3, baseMs: 60_000 } });
  });
  afterAll(() => api.close());

  it('answers 429 with Retry-After once a source has failed too often, even with good credentials, without growing the log', async () => {
    const server = api.app.getHttpServer();
    const bad = 'PVEAPIToken=root@pam!test=00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 4; i++) await request(server).get(`${BASE}/zones`).set('Authorization', bad).expect(401);
    const count = await api.eventCount();
    const r = await request(server).get(`${BASE}/zones`).set('Authorization', bad).expect(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(r.body).toEqual({ data: null, message: 'too many authentication failures, retry later' });
    await request(server).get(`${BASE}/zones`).set('Authorization', AUTH).expect(429);
    expect(await api.eventCount()).toBe(count);
    // Public endpoints stay reachable.
    await request(server).get('/health').expect(200);
  });
});
