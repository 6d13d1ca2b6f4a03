import type { DataSource } from 'typeorm';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { TransactionalOutboxRelay, type OutboxSource, type RelayOptions } from '@sdn/outbox';
import { busTopology, type BusTopology, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { assertContract, configAppliedEventSchema, EVENT_SOURCES, eventEnvelopeSchema, type EventEnvelope } from '@sdn/contracts';
import { rowToEnvelope } from './event-store';

/**
 * Creates the events stream if missing, or brings it to the shared spec of
 * @sdn/bus (the one place stream settings live: limits retention, a de-dup
 * window covering the relay's retries). Idempotent; safe with racing replicas.
 */
export async function ensureEventsStream(jsm: JetStreamManager, topology: BusTopology = busTopology('')): Promise<void> {
  const spec = sdnStreamSpecs(topology).find((s) => s.name === topology.streams.events.name)!;
  await ensureStreams(jsm, [spec]);
}

export type { RelayOptions } from '@sdn/outbox';

/** Lease of the event store's outbox: the one relaying API replica holds it (see OutboxSource.claim). */
export const EVENT_RELAY_LEASE_SQL = 'SELECT pg_try_advisory_xact_lock(7421, 3) AS locked';

/** The event store's outbox: `event_outbox` rows pointing into the append-only `events` log. */
export const eventStoreOutbox: OutboxSource = {
  source: EVENT_SOURCES.eventStore,
  async claim(q, limit) {
    // Without the lease, two replicas would publish neighbouring batches at once, out of seq order.
    const [{ locked }] = await q.query(EVENT_RELAY_LEASE_SQL);
    if (!locked) return null;
    const rows = await q.query(
      `SELECT e.seq, e.id, e.type, e.type_version, e.aggregate_type, e.aggregate_id, e.aggregate_version,
              e.payload, e.actor, e.correlation_id, e.time
       FROM (SELECT seq FROM event_outbox ORDER BY seq LIMIT $1) o
       JOIN events e ON e.seq = o.seq ORDER BY e.seq`,
      [limit],
    );
    return rows.map(rowToEnvelope);
  },
  async remove(q, events) {
    await q.query('DELETE FROM event_outbox WHERE seq = ANY($1::bigint[])', [events.map((e) => e.seq)]);
  },
  async backlog(q) {
    const [r]: { n: string; age: number | null }[] = await q.query(
      `SELECT count(*) AS n, extract(epoch FROM now() - min(e.time))::float8 AS age FROM event_outbox o JOIN events e ON e.seq = o.seq`,
    );
    return { events: Number(r.n), oldestAgeSeconds: Math.max(0, r.age ?? 0) };
  },
  check(ev) {
    // ConfigApplied is checked down to its payload: config services render nodes from it.
    if (ev.type === 'ConfigApplied') assertContract<EventEnvelope>('ConfigApplied/v1', configAppliedEventSchema, ev);
    else assertContract<EventEnvelope>('EventEnvelope', eventEnvelopeSchema, ev);
  },
};

/** The API's relay: the shared outbox relay (@sdn/outbox) over the event store's tables. */
export class OutboxRelay extends TransactionalOutboxRelay {
  constructor(ds: DataSource, js: JetStreamClient, opts: RelayOptions = {}) {
    super(ds, js, eventStoreOutbox, opts);
  }

  static async create(ds: DataSource, nc: NatsConnection, opts: RelayOptions = {}): Promise<OutboxRelay> {
    await ensureEventsStream(await nc.jetstreamManager(), opts.topology);
    return new OutboxRelay(ds, nc.jetstream(), opts);
  }
}
