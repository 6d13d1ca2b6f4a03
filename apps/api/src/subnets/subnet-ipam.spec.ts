import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { createTestDatabase } from '@sdn/event-store';
import { FakePhpIpam, ipamRpcSubject, startFakeServer } from '@sdn/ipam';
import { NatsService } from '../core/nats.service';
import { startIpamServiceProcess, type IpamServiceProcess } from '../ips/testing/ipam-service-process';
import { startTestApi, TEST_SECRET_KEY, type TestApi } from '../testing/test-app';
import { recordTestSecrets } from '@sdn/service-kit/testing';

/**
 * Spec §6.1: a subnet change reaches an external IPAM inside the API call.
 * Real chain: API (relay on) → NATS (isolated) → the ipam-service process
 * → a fake phpIPAM that keeps state and checks its token like the real one.
 */
describe('subnets in an external IPAM: registered inside the API call', () => {
  let api: TestApi;
  let bus: IsolatedBus;
  let db: { url: string; drop: () => Promise<void> };
  let ipam: IpamServiceProcess;
  const php = new FakePhpIpam('good-token');
  recordTestSecrets({ 'phpIPAM token': php.token });
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  const phpState = () => ({ subnets: php.subnets.map((s) => `${s.subnet}/${s.mask}`).sort(), addresses: php.addresses.map((a) => `${a.ip} ${a.hostname}`).sort() });
  const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`not reached: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const syncRows = async () => Number((await ipamQuery(`SELECT count(*) AS n FROM ipam_subnet_sync`))[0].n);
  let ipamQuery: (sql: string) => Promise<{ n: string }[]>;

  beforeAll(async () => {
    server = await startFakeServer((...a) => php.handler(...a));
    bus = await isolatedBus({ name: 'api-subnet-ipam-spec' });
    db = await createTestDatabase('api_subnet_ipam');
    // A short repair delay, so the sweep after a lost event is seen within the test.
    ipam = await startIpamServiceProcess({ pgUrl: db.url, namespace: bus.topology.namespace, poolSize: 4, env: { SDN_SECRET_KEY: TEST_SECRET_KEY, IPAM_SYNC_MAX_AGE_MS: '1500', IPAM_SYNC_SWEEP_MS: '500' } });
    api = await startTestApi({ nats: true, relay: true, busNamespace: bus.topology.namespace });
    await api.app.get(NatsService).ready();
    const { Client } = await import('pg');
    ipamQuery = async (sql) => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    };
    await api.post('ipams', { ipam: 'php', type: 'phpipam', url: `${server.url}/api/apiadmin`, token: 'good-token', section: 1 }).expect(200);
    await api.post('ipams', { ipam: 'phpbad', type: 'phpipam', url: `${server.url}/api/apiadmin`, token: 'wrong-token', section: 1 }).expect(200);
    await api.post('zones', { zone: 'zp', type: 'simple', ipam: 'php' }).expect(200);
    await api.post('zones', { zone: 'zbad', type: 'simple', ipam: 'phpbad' }).expect(200);
    await api.post('vnets', { vnet: 'vp', zone: 'zp' }).expect(200);
    await api.post('vnets', { vnet: 'vbad', zone: 'zbad' }).expect(200);
  });
  afterAll(async () => {
    await api?.close();
    await ipam?.stop();
    await bus?.destroy();
    await db?.drop();
    await server?.close();
  });

  it('create: in phpIPAM when the call returns; the event that follows registers nothing twice', async () => {
    await api.post('vnets/vp/subnets', { subnet: '10.20.0.0/24', type: 'subnet', gateway: '10.20.0.1' }).expect(200);
    expect(phpState()).toEqual({ subnets: ['10.20.0.0/24'], addresses: ['10.20.0.1 vp-gw'] });
    // The consumer claims the registration made for the API instead of repeating it.
    await until('registration claimed by its event', async () => (await syncRows()) === 0);
    expect(phpState()).toEqual({ subnets: ['10.20.0.0/24'], addresses: ['10.20.0.1 vp-gw'] });
  });

  it("an IPAM refusal is the caller's 400, in the IPAM's words, and nothing is written", async () => {
    const before = await api.eventCount();
    const r = await api.post('vnets/vbad/subnets', { subnet: '10.21.0.0/24', type: 'subnet', gateway: '10.21.0.1' }).expect(400);
    expect(r.body.errors.subnet).toMatch(/error add subnet to ipam: .*Invalid token/);
    expect(await api.eventCount()).toBe(before);
    await api.get('vnets/vbad/subnets/zbad-10.21.0.0-24').expect(404);
    expect(phpState().subnets).not.toContain('10.21.0.0/24');
  });

  it('a write refused after the registration (held lock) undoes it', async () => {
    const lock = (await api.post('lock', { 'allow-pending': 1 }).expect(200)).body.data as string;
    try {
      await api.post('vnets/vp/subnets', { subnet: '10.22.0.0/24', type: 'subnet', gateway: '10.22.0.1' }).expect(400);
      expect(phpState().subnets).not.toContain('10.22.0.0/24');
      expect(phpState().addresses).not.toContain('10.22.0.1 vp-gw');
    } finally {
      await api.del('lock', { 'lock-token': lock }).expect(200);
    }
  });

  it('delete: gone from phpIPAM when the call returns', async () => {
    await api.del('vnets/vp/subnets/zp-10.20.0.0-24').expect(200);
    expect(phpState().subnets).not.toContain('10.20.0.0/24');
  });

  it('a registration whose event never comes (the API died in between) is repaired from the config', async () => {
    // What the API sends before writing; it then "dies" and writes nothing.
    const pending = api.state().current.pending;
    const req = { op: 'create', subnetId: 'zp-10.23.0.0-24', vnet: 'vp', object: { vnet: 'vp', type: 'subnet', gateway: '10.23.0.1' }, ipamId: 'php', ipam: pending.ipams.php };
    const reply = await bus.nc.request(ipamRpcSubject(bus.topology.namespace, IPAM_PATTERNS.subnet), new TextEncoder().encode(JSON.stringify(req)), { timeout: 10000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toEqual({ ok: true, data: null });
    expect(phpState().subnets).toContain('10.23.0.0/24');
    await until('orphan registration removed by the sweep', () => !phpState().subnets.includes('10.23.0.0/24'));
    expect(await syncRows()).toBe(0);
  });
});
