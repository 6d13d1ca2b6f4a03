import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { JetStreamManager, NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { openEventStoreDataSource } from './data-source';
import { EventStore } from './event-store';
import { ensureEventsStream, OutboxRelay } from './relay';
import { createTestDatabase } from './testing';

/**
 * The relay against the real PostgreSQL and JetStream, on an isolated bus
 * (namespaced stream and subjects: nothing reaches the real SDN_EVENTS).
 */
describe('outbox relay → JetStream', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let bus: IsolatedBus;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  let subject: string;
  const aggregate = `t${randomBytes(5).toString('hex')}`;
  let version = 0;
  const relay = (opts: ConstructorParameters<typeof OutboxRelay>[2] = {}) => new OutboxRelay(ds, nc.jetstream(), { topology: bus.topology, ...opts });

  const append = (n: number) =>
    new EventStore(ds).write((tx) =>
      tx.append(
        Array.from({ length: n }, () => ({
          type: 'Probe',
          typeVersion: 1,
          aggregateType: aggregate,
          aggregateId: 'a',
          aggregateVersion: ++version,
          payload: { n: version },
          actor: 'test',
          correlationId: 'c',
        })),
      ),
    );
  const onStream = async () => {
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    return (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0;
  };
  const outbox = async () => Number((await ds.query('SELECT count(*) AS n FROM event_outbox'))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openEventStoreDataSource(db.url, 4);
    bus = await isolatedBus({ name: 'event-store-relay-spec' });
    ({ nc, jsm } = bus);
    stream = bus.topology.streams.events.name;
    subject = bus.topology.eventSubject(aggregate, 'Probe');
    await ensureEventsStream(jsm, bus.topology); // idempotent over the existing stream
  });
  afterAll(async () => {
    await bus.destroy();
    await ds.destroy();
    await db.drop();
  });

  it('publishes committed events in order with the event id as message id, then clears the outbox', async () => {
    const events = await append(3);
    expect(await relay().drain()).toBe(3);
    expect(await outbox()).toBe(0);
    expect(await onStream()).toBe(3);
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    expect(last.json()).toEqual(events[2]);
    expect(last.header?.get('Nats-Msg-Id')).toBe(events[2].id);
    // CloudEvents 1.0 attributes in the headers (binary mode); the payload above is the envelope, unchanged.
    const ce = Object.fromEntries(['ce-id', 'ce-source', 'ce-type', 'ce-specversion', 'ce-time', 'ce-subject', 'ce-sequence', 'ce-dataschema', 'Content-Type'].map((k) => [k, last.header?.get(k)]));
    expect(ce).toEqual({
      'ce-id': events[2].id,
      'ce-source': '/sdn/event-store',
      'ce-type': `sdn.${aggregate}.Probe.v1`,
      'ce-specversion': '1.0',
      'ce-time': events[2].time,
      'ce-subject': `${aggregate}/a`,
      'ce-sequence': String(events[2].seq),
      'ce-dataschema': '/api2/json/cluster/sdn/events/schemas/Probe/v1',
      'Content-Type': 'application/json',
    });
  });

  it('crash after publish, before marking: the restarted relay re-publishes and JetStream keeps exactly one copy', async () => {
    const before = await onStream();
    const [ev] = await append(1);
    const crashing = relay({
      afterPublish: () => {
        throw new Error('simulated crash between publish and commit');
      },
    });
    await expect(crashing.runOnce()).rejects.toThrow('simulated crash');
    expect(await outbox()).toBe(1); // still pending: nothing is lost
    expect(await onStream()).toBe(before + 1);

    const restarted = relay();
    expect(await restarted.drain()).toBe(1);
    expect(await outbox()).toBe(0);
    expect(await onStream()).toBe(before + 1); // de-duplicated by message id
    expect((await jsm.streams.getMessage(stream, { last_by_subj: subject })).json<{ id: string }>().id).toBe(ev.id);
  });

  it('relay process killed (SIGKILL) after the publish ack, before marking: restarted relay → delivered exactly once', async () => {
    const before = await onStream();
    const [ev] = await append(1);
    const root = path.resolve(__dirname, '../../..');
    const natsUrl = process.env.NATS_URL || process.env.SDN_NATS_URL || 'nats://127.0.0.1:4222';
    const child = spawn(process.execPath, ['-r', './tools/register.js', 'libs/event-store/src/relay-crash.fixture.ts', db.url, natsUrl, bus.topology.namespace], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(await outbox()).toBe(1); // the kill lost the commit: the row is still there
    expect(await onStream()).toBe(before + 1); // but the message had been stored

    expect(await relay().drain()).toBe(1);
    expect(await outbox()).toBe(0);
    expect(await onStream()).toBe(before + 1); // exactly once
    expect((await jsm.streams.getMessage(stream, { last_by_subj: subject })).json<{ id: string }>().id).toBe(ev.id);
  });

  it('crash before publish (commit done, relay down): the next run delivers it once', async () => {
    const before = await onStream();
    await append(2);
    expect(await outbox()).toBe(2);
    expect(await onStream()).toBe(before);
    expect(await relay().drain()).toBe(2);
    expect(await onStream()).toBe(before + 2);
  });

  it('two relays (replicas) share the outbox without double publishing', async () => {
    const before = await onStream();
    await append(40);
    const a = relay({ batchSize: 5 });
    const b = relay({ batchSize: 5 });
    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    expect(na + nb).toBe(40);
    expect(await onStream()).toBe(before + 40);
  });
});
