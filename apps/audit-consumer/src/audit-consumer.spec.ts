import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, nkeyAuthenticator, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { auditorConsumer, auditorInboxPrefix, busTopology, connectBus, ensureDurableConsumer, ensureIdentity, ensureStreams, parseNatsIdentity, sdnStreamSpecs, silentLogger, writeNatsServerConfig, type Bus } from '@sdn/bus';
import { EVENT_SOURCES, type EventEnvelope } from '@sdn/contracts';
import { createTestDatabase, EventStore, openEventStoreDataSource, OutboxRelay } from '@sdn/event-store';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { resumePosition, type AuditLine } from './audit-consumer';

/**
 * The example audit consumer against a nats-server running the generated
 * config: it reads as `auditor:alice` (nothing else allowed), gets the events
 * the real outbox relay published with their CloudEvents headers, and — killed
 * with SIGKILL twice while events keep coming — ends with every event exactly
 * once, in order, equal to the event log.
 */
const reason = PrivateNatsServer.binary() ? null : 'nats-server is not installed';
if (reason) console.log(`audit consumer tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;
const root = resolve(__dirname, '../../..');
const t = busTopology('');

suite('example audit consumer (auditor identity, generated server config)', () => {
  let dir: string;
  let nats: PrivateNatsServer;
  let admin: Bus;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let relay: OutboxRelay;
  let api: NatsConnection;
  const seed = (name: string) => join(dir, 'ids', `${name}.nk`);
  let version = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-consumer-'));
    const conf = join(dir, 'nats.conf');
    // An auditor's identity the way an operator makes one (sdnctl nats credentials --identity auditor:alice).
    ensureIdentity(join(dir, 'ids'), parseNatsIdentity('auditor:alice'));
    writeNatsServerConfig({ identityDir: join(dir, 'ids'), out: conf, topology: t });
    nats = await PrivateNatsServer.start('127.0.0.1', { config: readFileSync(conf, 'utf8') });
    admin = await connectBus({ name: 'admin', url: nats.url, topology: t, credentials: { nkeyFile: seed('admin') }, log: silentLogger });
    await ensureStreams(admin.jsm, sdnStreamSpecs(t));
    await ensureDurableConsumer(admin.jsm, auditorConsumer(t, 'alice'));
    db = await createTestDatabase();
    ds = await openEventStoreDataSource(db.url, 4);
    api = await connect({ servers: nats.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(seed('api'), 'utf8').trim())) });
    relay = new OutboxRelay(ds, api.jetstream(), { topology: t });
  });
  afterAll(async () => {
    await relay?.stop();
    await api?.close();
    await ds?.destroy();
    await db?.drop();
    await admin?.close();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = (n: number) =>
    new EventStore(ds).write((tx) =>
      tx.append(
        Array.from({ length: n }, (_, i) => ({
          type: i % 2 ? 'ZoneUpdated' : 'ZoneCreated',
          typeVersion: 1,
          aggregateType: 'zone',
          aggregateId: `z${version % 7}`,
          aggregateVersion: ++version,
          payload: { id: `z${version % 7}`, object: { type: 'simple' }, set: [], deleted: [] },
          actor: 'root@pam!t',
          correlationId: `c${version}`,
        })),
      ),
    );

  function startConsumer(out: string): ChildProcess {
    return spawn(process.execPath, ['-r', './tools/register.js', 'apps/audit-consumer/src/main.ts', '--out', out], {
      cwd: root,
      env: { ...process.env, NATS_URL: nats.url, NATS_NKEY_FILE: seed('auditor-alice'), NATS_INBOX_PREFIX: auditorInboxPrefix('alice'), SDN_AUDIT_NAME: 'alice' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }
  const lines = (out: string): AuditLine[] => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine) : []);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('killed and restarted while events flow, ends with every event once, in order, equal to the log', async () => {
    const out = join(dir, 'audit.jsonl');
    let child = startConsumer(out);
    const kills: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let b = 0; b < 10; b++) {
        await append(1 + (b % 4));
        await relay.drain();
      }
      await sleep(300 + round * 200);
      if (round < 2) {
        kills.push(lines(out).length);
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        child = startConsumer(out);
      }
    }
    const log = await new EventStore(ds).read(0, 10_000);
    const deadline = Date.now() + 30_000;
    while (lines(out).length < log.length && Date.now() < deadline) await sleep(200);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const got = lines(out);
    expect(kills.length).toBe(2);
    expect(got.map((l) => l.data)).toEqual(log);
    // The CloudEvents attributes the relay put in the headers, line by line.
    const ev = log[3];
    expect(got[3]).toEqual({
      specversion: '1.0',
      id: ev.id,
      source: EVENT_SOURCES.eventStore,
      type: `sdn.zone.${ev.type}.v1`,
      time: ev.time,
      subject: `zone/${ev.aggregateId}`,
      datacontenttype: 'application/json',
      dataschema: `/api2/json/cluster/sdn/events/schemas/${ev.type}/v1`,
      sequence: String(ev.seq),
      streamsequence: expect.any(Number),
      data: ev,
    });
    const streamSeqs = got.map((l) => l.streamsequence);
    expect(streamSeqs).toEqual([...streamSeqs].sort((a, b) => a - b));
    expect(new Set(streamSeqs).size).toBe(streamSeqs.length);
  }, 90_000);

  it('resumes after the last complete line, dropping a line cut short', () => {
    const f = join(dir, 'torn.jsonl');
    writeFileSync(f, `${JSON.stringify({ streamsequence: 41, data: {} })}\n${JSON.stringify({ streamsequence: 42, data: {} })}\n{"streamsequence":43,"da`);
    expect(resumePosition(f)).toBe(42);
    expect(readFileSync(f, 'utf8').endsWith('"data":{}}\n')).toBe(true);
    writeFileSync(f, '{"streamse');
    expect(resumePosition(f)).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe('');
    expect(resumePosition(join(dir, 'missing.jsonl'))).toBe(0);
  });

  it('the auditor may read the events stream through its consumer and nothing else', async () => {
    const errors: string[] = [];
    const nc = await connect({
      servers: nats.url,
      authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(seed('auditor-alice'), 'utf8').trim())),
      inboxPrefix: auditorInboxPrefix('alice'),
    });
    try {
      const js = nc.jetstream();
      const ok = await js.consumers.get(t.streams.events.name, 'audit-alice');
      expect((await ok.info()).config.max_ack_pending).toBe(1);
      // Publishing an event, reading another stream, making a consumer of its own: refused.
      await expect(js.publish(t.eventSubject('zone', 'ZoneCreated'), new Uint8Array([123, 125]))).rejects.toThrow();
      await expect(js.consumers.get(t.streams.bundles.name, 'node-agent-pve1')).rejects.toThrow();
      await expect(js.consumers.get(t.streams.events.name, 'dns-service')).rejects.toThrow();
      const jsm = await nc.jetstreamManager({ checkAPI: false });
      await expect(jsm.consumers.add(t.streams.events.name, { durable_name: 'mine' })).rejects.toThrow();
      nc.subscribe('sdn.>', { callback: (err) => err && errors.push(err.message) });
      await nc.flush().catch(() => undefined);
      await sleep(300);
      expect(errors.join(' ')).toMatch(/Permissions Violation for Subscription to "sdn\.>"/);
    } finally {
      await nc.close().catch(() => undefined);
    }
  });
});
