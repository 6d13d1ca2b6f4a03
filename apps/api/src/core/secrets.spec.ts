import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isolatedBus, scanStream, type IsolatedBus } from '@sdn/bus';
import { isSealed, SecretBox } from '@sdn/secrets';
import { startTestApi, TEST_SECRET_KEY, type TestApi } from '../testing/test-app';

/**
 * IPAM tokens and DNS keys are sealed before their event exists: the raw
 * database rows (event log, outbox, projections) and the NATS messages hold
 * only ciphertext, no endpoint returns either form, and the API's own DNS
 * checks still reach the server with the clear key.
 */
describe('secrets at rest (SDN_SECRET_KEY)', () => {
  const TOKEN = 'phpipam-token-7f3a9c1e';
  const TOKEN2 = 'netbox-token-rotated-55aa';
  const KEY = 'pdns-api-key-c0ffee42';
  let api: TestApi;
  let bus: IsolatedBus;
  let pdns: Server;
  let pdnsUrl: string;
  const keysSeen: string[] = [];

  beforeAll(async () => {
    // Stand-in PowerDNS: answers only to the clear key.
    pdns = createServer((req, res) => {
      keysSeen.push(String(req.headers['x-api-key']));
      res.statusCode = req.headers['x-api-key'] === KEY ? 200 : 401;
      res.end('{}');
    });
    pdns.listen(0, '127.0.0.1');
    await once(pdns, 'listening');
    pdnsUrl = `http://127.0.0.1:${(pdns.address() as AddressInfo).port}/api/v1/servers/localhost`;
    bus = await isolatedBus({ name: 'api-secrets-spec' });
    api = await startTestApi({ nats: true, relay: true, busNamespace: bus.topology.namespace });
  });
  afterAll(async () => {
    await api?.close();
    await bus?.destroy();
    await new Promise<void>((r) => pdns.close(() => r()));
  });

  /** Every row of every table of the API's database, as text. */
  async function databaseText(): Promise<string> {
    const ds = api.state().store.ds;
    const tables: { t: string }[] = await ds.query(`SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`);
    const parts: string[] = [];
    for (const { t } of tables) for (const r of await ds.query(`SELECT x::text AS row FROM ${t} x`)) parts.push(r.row);
    return parts.join('\n');
  }

  async function natsText(expected: number): Promise<string> {
    let msgs: Awaited<ReturnType<typeof scanStream>> = [];
    for (let i = 0; i < 50; i++) {
      msgs = await scanStream(bus.js, bus.jsm, bus.topology.streams.events.name, { filter: bus.topology.streams.events.subjects });
      if (msgs.length >= expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(msgs.length).toBe(expected);
    return msgs.map((m) => Buffer.from(m.data).toString('utf8')).join('\n');
  }

  it('never stores, publishes or returns a clear IPAM token or DNS key', async () => {
    await api.post('ipams', { ipam: 'php', type: 'phpipam', url: 'http://ipam.example/api/sdn', token: TOKEN, section: 1 }).expect(200);
    await api.post('ipams', { ipam: 'nb', type: 'netbox', url: 'http://netbox.example/api', token: 'first' }).expect(200);
    await api.put('ipams/nb', { token: TOKEN2 }).expect(200);
    keysSeen.length = 0;
    await api.post('dns', { dns: 'pdns', type: 'powerdns', url: pdnsUrl, key: KEY }).expect(200);
    // An update that does not touch the key is checked against the server with the stored (sealed) key, opened.
    await api.put('dns/pdns', { ttl: 120 }).expect(200);
    expect(keysSeen).toEqual([KEY, KEY]);
    await api.post('zones', { zone: 'zs', type: 'simple', ipam: 'php', dns: 'pdns' }).expect(200);
    await api.put('').expect(200);

    const secrets = [TOKEN, TOKEN2, KEY, 'first'];
    const db = await databaseText();
    const nats = await natsText(await api.eventCount());
    for (const s of secrets) {
      expect(db).not.toContain(s);
      expect(nats).not.toContain(s);
    }

    // What is stored is the sealed form, and it opens to the secret with the configured key.
    const box = SecretBox.fromText(TEST_SECRET_KEY);
    const pending = api.state().current.pending;
    expect(isSealed(pending.ipams.php.token)).toBe(true);
    expect(box.open(pending.ipams.php.token as string)).toBe(TOKEN);
    expect(box.open(pending.ipams.nb.token as string)).toBe(TOKEN2);
    expect(box.open(pending.dns.pdns.key as string)).toBe(KEY);
    const sealedValues = [pending.ipams.php.token, pending.ipams.nb.token, pending.dns.pdns.key] as string[];
    // The scans did read the log: the sealed values are there.
    for (const v of sealedValues) {
      expect(db).toContain(v);
      expect(nats).toContain(v);
    }

    // Wherever an event carries a secret property (object events, running snapshots), it is sealed.
    const sealedSeen: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      else if ((key === 'token' || key === 'key') && typeof v === 'string') sealedSeen.push(isSealed(v) ? 'sealed' : `clear ${v}`);
    };
    for (const r of await api.state().store.ds.query(`SELECT payload FROM events`)) walk(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload);
    expect(sealedSeen.length).toBeGreaterThanOrEqual(5);
    expect(sealedSeen.filter((x) => x !== 'sealed')).toEqual([]);

    // No endpoint returns the secret in either form.
    const bodies = await Promise.all(['ipams', 'ipams/php', 'ipams/nb', 'dns', 'dns/pdns', 'events?limit=100', 'zones'].map(async (p) => JSON.stringify((await api.get(p).expect(200)).body)));
    for (const b of bodies) for (const s of [...secrets, ...sealedValues, '$sdn-secret:']) expect(b).not.toContain(s);
  });

  it('refuses to store a secret when no key is configured, changing nothing', async () => {
    const bare = await startTestApi({ secretKey: undefined });
    try {
      const before = await bare.eventCount();
      const r = await bare.post('ipams', { ipam: 'php', type: 'phpipam', url: 'http://ipam.example/api/sdn', token: TOKEN, section: 1 }).expect(400);
      expect(r.body.errors.token).toMatch(/SDN_SECRET_KEY is not configured/);
      expect(await bare.eventCount()).toBe(before);
      // Objects without secrets need no key.
      await bare.post('zones', { zone: 'zk', type: 'simple' }).expect(200);
    } finally {
      await bare.close();
    }
  });
});
