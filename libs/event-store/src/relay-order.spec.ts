import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { seededRandom } from '@sdn/model';
import type { OutboxSource } from '@sdn/outbox';
import { openEventStoreDataSource } from './data-source';
import { EventStore, rowToEnvelope } from './event-store';
import { eventStoreOutbox, OutboxRelay } from './relay';
import { createTestDatabase } from './testing';

/**
 * The order guarantee (libs/contracts/README.md, "Event order"): four relays, each on
 * its own PostgreSQL session and NATS connection like four API replicas, race
 * for the outbox while three writers append, and crash at random — in the
 * middle of a batch and between the last ack and the commit. The stream must
 * end up with every event exactly once, in seq order. The same race with the
 * lease removed (row locks with SKIP LOCKED, what the relay did before) is run
 * too, to show the check catches the disorder it is there for.
 */
describe('outbox relay order: racing and crashing relays', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let writerDs: DataSource;
  let bus: IsolatedBus;
  const relayDs: DataSource[] = [];
  const relayNc: NatsConnection[] = [];
  const natsUrl = process.env.NATS_URL || process.env.SDN_NATS_URL || 'nats://127.0.0.1:4222';

  beforeAll(async () => {
    db = await createTestDatabase();
    writerDs = await openEventStoreDataSource(db.url, 4);
    bus = await isolatedBus({ name: 'relay-order-spec' });
    for (let i = 0; i < 4; i++) {
      relayDs.push(await openEventStoreDataSource(db.url, 2));
      relayNc.push(await connect({ servers: natsUrl, name: `relay-${i}` }));
    }
  });
  afterAll(async () => {
    for (const nc of relayNc) await nc.close();
    for (const ds of relayDs) await ds.destroy();
    await bus.destroy();
    await writerDs.destroy();
    await db.drop();
  });

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** Runs the race with `source`; returns the appended seqs and the seqs on the stream, in stream order. */
  async function race(source: OutboxSource, seed: number): Promise<{ appended: number[]; onStream: number[]; crashes: number }> {
    const rnd = seededRandom(seed);
    const aggregate = `o${randomBytes(4).toString('hex')}`;
    const versions = new Map<string, number>();
    const appended: number[] = [];
    let writing = true;
    let crashes = 0;
    class Crash extends Error {}

    const writer = async (w: number) => {
      for (let b = 0; b < 30; b++) {
        const n = 1 + Math.floor(rnd() * 4);
        const evs = await new EventStore(writerDs).write((tx) =>
          tx.append(
            Array.from({ length: n }, () => {
              const id = `a${Math.floor(rnd() * 6)}`;
              const v = (versions.get(id) ?? 0) + 1;
              versions.set(id, v);
              return { type: 'Probe', typeVersion: 1, aggregateType: aggregate, aggregateId: id, aggregateVersion: v, payload: { w }, actor: 'test', correlationId: 'c' };
            }),
          ),
        );
        appended.push(...evs.map((e) => e.seq));
        await sleep(rnd() * 4);
      }
    };
    const pending = async () => Number((await writerDs.query('SELECT count(*) AS n FROM event_outbox'))[0].n);
    const relayLoop = async (i: number) => {
      while (writing || (await pending()) > 0) {
        const relay = new OutboxRelay(relayDs[i], relayNc[i].jetstream(), {
          topology: bus.topology,
          batchSize: 1 + Math.floor(rnd() * 8),
          beforePublish: () => sleep(rnd() * 5),
          afterEach: () => {
            if (rnd() < 0.04) throw new Crash('crash in the middle of a batch');
          },
          afterPublish: () => {
            if (rnd() < 0.15) throw new Crash('crash after the acks, before the commit');
          },
        });
        // The source under test instead of the relay's own.
        (relay as unknown as { source: OutboxSource }).source = source;
        await relay.runOnce().catch((e) => {
          if (!(e instanceof Crash)) throw e;
          crashes++;
        });
        await sleep(rnd() * 3);
      }
    };
    const relays = [0, 1, 2, 3].map(relayLoop);
    await Promise.all([0, 1, 2].map(writer));
    writing = false;
    await Promise.all(relays);

    const subject = bus.topology.eventSubject(aggregate, 'Probe');
    const consumer = await bus.js.consumers.get(bus.topology.streams.events.name, { filterSubjects: subject });
    const onStream: number[] = [];
    const info = await bus.jsm.streams.info(bus.topology.streams.events.name, { subjects_filter: subject });
    const total = (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0;
    while (onStream.length < total) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
      for await (const m of batch) onStream.push(m.json<{ seq: number }>().seq);
    }
    return { appended: appended.sort((a, b) => a - b), onStream, crashes };
  }

  const inversions = (seqs: number[]) => seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]).length;

  it('with the lease: every event once, in seq order, through crashes', async () => {
    const r = await race(eventStoreOutbox, 19);
    expect(r.crashes).toBeGreaterThan(5);
    expect(r.appended.length).toBeGreaterThan(60);
    expect(inversions(r.onStream)).toBe(0);
    expect(r.onStream).toEqual(r.appended);
  }, 120_000);

  it('control: without the lease (SKIP LOCKED row claims) the same race publishes out of seq order', async () => {
    const skipLocked: OutboxSource = {
      ...eventStoreOutbox,
      async claim(q, limit) {
        const rows = await q.query(
          `SELECT e.* FROM (SELECT seq FROM event_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED) o JOIN events e ON e.seq = o.seq ORDER BY e.seq`,
          [limit],
        );
        return rows.map(rowToEnvelope);
      },
    };
    const r = await race(skipLocked, 19);
    expect(new Set(r.onStream).size).toBe(r.appended.length); // nothing lost or doubled: only the order breaks
    expect(inversions(r.onStream)).toBeGreaterThan(0);
  }, 120_000);
});
