import request from 'supertest';
import { promtoolCheck, promtoolMissing } from '@sdn/metrics';
import { AUTH, ROOT_TOKEN_ID, startTestApi, type TestApi } from '../testing/test-app';
import { correlationIdOf } from './observability';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('correlation ids at the API edge', () => {
  it('keeps a plain caller id from X-Correlation-Id, else X-Request-Id; anything else gets a fresh UUID', () => {
    expect(correlationIdOf({ 'x-correlation-id': 'op-42.a:b_c', 'x-request-id': 'other' })).toBe('op-42.a:b_c');
    expect(correlationIdOf({ 'x-request-id': 'req-7' })).toBe('req-7');
    expect(correlationIdOf({ 'x-correlation-id': 'two words\n' })).toMatch(UUID);
    expect(correlationIdOf({ 'x-correlation-id': 'x'.repeat(129) })).toMatch(UUID);
    expect(correlationIdOf({})).toMatch(UUID);
  });
});

describe('API observability (real API and PostgreSQL)', () => {
  let api: TestApi;
  const server = () => api.app.getHttpServer();

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  it('echoes the correlation id, stores it in the events, and the events endpoint filters on it', async () => {
    const res = await api.post('zones', { zone: 'obs1', type: 'simple' }).set('X-Request-Id', 'obs-create-1').expect(200);
    expect(res.headers['x-correlation-id']).toBe('obs-create-1');
    await api.post('zones', { zone: 'obs2', type: 'simple' }).set('X-Correlation-Id', 'obs-create-2').expect(200);
    const generated = (await api.post('zones', { zone: 'obs3', type: 'simple' }).expect(200)).headers['x-correlation-id'];
    expect(generated).toMatch(UUID);

    const one = (await api.get('events?correlation=obs-create-1').expect(200)).body.data;
    expect(one.map((e: { type: string; aggregateId: string }) => [e.type, e.aggregateId])).toEqual([['ZoneCreated', 'obs1']]);
    expect(one[0].correlationId).toBe('obs-create-1');
    const gen = (await api.get(`events?correlation=${generated}`).expect(200)).body.data;
    expect(gen.map((e: { aggregateId: string }) => e.aggregateId)).toEqual(['obs3']);
    expect((await api.get('events?correlation=nobody').expect(200)).body.data).toEqual([]);
    // Unfiltered, all three are there.
    const all = (await api.get('events').expect(200)).body.data.filter((e: { type: string }) => e.type === 'ZoneCreated');
    expect(all).toHaveLength(3);
    await api.get(`events?correlation=${'x'.repeat(201)}`).expect(400);
  });

  it('refusals carry the request id too (401 with an id in the response and in the AccessDenied event)', async () => {
    const res = await request(server()).get('/api2/json/cluster/sdn/zones').set('X-Correlation-Id', 'obs-denied-1').expect(401);
    expect(res.headers['x-correlation-id']).toBe('obs-denied-1');
    const denied = (await api.get('events?correlation=obs-denied-1').expect(200)).body.data;
    expect(denied.map((e: { type: string }) => e.type)).toEqual(['AccessDenied']);
  });

  it('serves /metrics without authentication: route templates and statuses, auth failures, store writes; no ids in labels', async () => {
    await api.get('zones/obs1').expect(200);
    await api.get('zones/nonexistent-zone-xyz').expect((r) => expect(r.status).toBeGreaterThanOrEqual(400));
    const bad = 'PVEAPIToken=someone@pve!leaky=00000000-0000-0000-0000-000000000000';
    await request(server()).get('/api2/json/cluster/sdn/zones').set('Authorization', bad).expect(401);

    const res = await request(server()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    // The route template, not the URL with the zone's name.
    expect(text).toMatch(/sdn_http_request_duration_seconds_count\{method="GET",route="\/api2\/json\/cluster\/sdn\/zones\/:zone",status="200"\} [1-9]/);
    expect(text).not.toContain('nonexistent-zone-xyz');
    expect(text).toMatch(/sdn_auth_failures_total\{status="401",reason="bad-credentials"\} [1-9]/);
    expect(text).toMatch(/sdn_event_store_write_duration_seconds_count\{outcome="committed"\} [1-9]/);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    // Aggregates only: no user, token or request id leaks into a label.
    for (const id of ['someone@pve', 'leaky', ROOT_TOKEN_ID, 'obs-create-1', 'obs-denied-1']) expect(text).not.toContain(id);
  });

  it('/metrics passes promtool check metrics', async () => {
    const missing = promtoolMissing();
    if (missing) {
      console.log(`skipped: ${missing}`);
      return;
    }
    const text = (await request(server()).get('/metrics').set('Authorization', AUTH).expect(200)).text;
    expect(promtoolCheck(text)).toBeNull();
  });
});

describe('API log lines (real API and PostgreSQL, lines captured)', () => {
  let api: TestApi;
  const lines: Record<string, unknown>[] = [];
  const server = () => api.app.getHttpServer();
  const written = (pred: (l: Record<string, unknown>) => boolean) => lines.filter(pred);

  beforeAll(async () => {
    api = await startTestApi({ logLevel: 'info' }, { logDestination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  });
  afterAll(() => api?.close());

  it('one access line per request: method, path without secret query values, status, ms, user, correlation id', async () => {
    const res = await api.get('zones?password=hunter2-spec&type=simple').set('X-Correlation-Id', 'log-access-1');
    const access = written((l) => l.correlationId === 'log-access-1');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 'info', service: 'api', msg: 'request', method: 'GET', path: '/api2/json/cluster/sdn/zones?password=[redacted]&type=simple', status: res.status, user: ROOT_TOKEN_ID });
    expect(typeof access[0].ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('hunter2-spec');
  });

  it('Nest log lines written while serving a request carry its correlation id; the request’s own line too', async () => {
    const bad = 'PVEAPIToken=someone@pve!spec=00000000-0000-0000-0000-000000000000';
    await request(server()).get('/api2/json/cluster/sdn/zones').set('Authorization', bad).set('X-Request-Id', 'log-denied-1').expect(401);
    await request(server()).post('/api2/json/cluster/sdn/zones').send({ zone: 'logz', type: 'simple' }).set('Authorization', bad).set('X-Request-Id', 'log-denied-2').expect(401);
    for (const id of ['log-denied-1', 'log-denied-2']) {
      const mine = written((l) => l.correlationId === id);
      expect(mine.map((l) => [l.level, l.context ?? l.msg])).toEqual([
        ['warn', 'auth'],
        ['info', 'request'],
      ]);
      expect(mine[0].msg).toMatch(/^denied 401 (GET|POST) \/api2\/json\/cluster\/sdn\/zones/);
    }
    expect(written((l) => String(l.msg).startsWith('denied') && l.correlationId === undefined)).toEqual([]);
  });
});

describe('SDN_API_METRICS=off', () => {
  it('serves no /metrics (still echoes correlation ids)', async () => {
    const api = await startTestApi({ metrics: false });
    try {
      const res = await request(api.app.getHttpServer()).get('/metrics').set('X-Request-Id', 'off-1');
      expect(res.status).toBe(404);
      expect(res.headers['x-correlation-id']).toBe('off-1');
    } finally {
      await api.close();
    }
  });
});
