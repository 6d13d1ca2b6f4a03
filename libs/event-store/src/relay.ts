import type { DataSource } from 'typeorm';
import { JSONCodec, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { busTopology, type BusTopology, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { assertContract, configAppliedEventSchema, eventEnvelopeSchema, type EventEnvelope } from '@sdn/contracts';
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

export interface RelayOptions {
  batchSize?: number;
  /** Stream and subject names; a namespace isolates tests from the real bus (default: production names). */
  topology?: BusTopology;
  /** Test hook: called after JetStream acknowledged a batch and before it is marked published. */
  afterPublish?: (events: EventEnvelope[]) => Promise<void> | void;
  onError?: (e: unknown) => void;
}

/**
 * Transactional outbox relay. Each run locks a batch of outbox rows with
 * FOR UPDATE SKIP LOCKED (so several API replicas share the work without
 * publishing the same rows concurrently), publishes them with the event id as
 * JetStream message id, and deletes the rows only after every ack. A crash
 * anywhere before the commit leaves the rows in place: the next run publishes
 * them again and JetStream's de-duplication window drops the copies.
 */
export class OutboxRelay {
  private readonly codec = JSONCodec();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly js: JetStreamClient,
    private readonly opts: RelayOptions = {},
  ) {}

  static async create(ds: DataSource, nc: NatsConnection, opts: RelayOptions = {}): Promise<OutboxRelay> {
    await ensureEventsStream(await nc.jetstreamManager(), opts.topology);
    return new OutboxRelay(ds, nc.jetstream(), opts);
  }

  /** Publishes everything pending now; resolves with the number of events published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n < (this.opts.batchSize ?? 500)) return total;
    }
  }

  async runOnce(): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows = await runner.query(
        `SELECT e.seq, e.id, e.type, e.type_version, e.aggregate_type, e.aggregate_id, e.aggregate_version,
                e.payload, e.actor, e.correlation_id, e.time
         FROM (SELECT seq FROM event_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED) o
         JOIN events e ON e.seq = o.seq ORDER BY e.seq`,
        [this.opts.batchSize ?? 500],
      );
      if (!rows.length) {
        await runner.commitTransaction();
        return 0;
      }
      const events: EventEnvelope[] = rows.map(rowToEnvelope);
      // Publishes are pipelined on one connection, so JetStream stores them in log order.
      const topology = this.opts.topology ?? busTopology('');
      await Promise.all(
        events.map((ev) => {
          // ConfigApplied is checked down to its payload: config services render nodes from it.
          if (ev.type === 'ConfigApplied') assertContract<EventEnvelope>('ConfigApplied/v1', configAppliedEventSchema, ev);
          else assertContract<EventEnvelope>('EventEnvelope', eventEnvelopeSchema, ev);
          return this.js.publish(topology.eventSubject(ev.aggregateType, ev.type), this.codec.encode(ev), { msgID: ev.id });
        }),
      );
      await this.opts.afterPublish?.(events);
      await runner.query('DELETE FROM event_outbox WHERE seq = ANY($1::bigint[])', [events.map((e) => e.seq)]);
      await runner.commitTransaction();
      return events.length;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Asks for a run soon (after a commit); runs never overlap inside one process. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e) => {
        this.opts.onError?.(e);
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.kick());
        }
      });
  }

  /** Polls periodically too: rows left by a crashed replica, or a NATS outage, get retried. */
  start(intervalMs = 1000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
