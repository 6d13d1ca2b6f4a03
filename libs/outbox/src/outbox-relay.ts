import type { DataSource, QueryRunner } from 'typeorm';
import { JSONCodec, type JetStreamClient } from 'nats';
import { busTopology, type BusTopology } from '@sdn/bus';
import { assertContract, eventEnvelopeSchema, type EventEnvelope } from '@sdn/contracts';

/**
 * Where a service keeps its outbox. The relay owns the transaction; the source
 * only knows its tables. Used by the event store (API) and the IPAM service.
 */
export interface OutboxSource {
  /**
   * Locks up to `limit` pending events inside the runner's transaction and
   * returns them in publish order. Must lock (FOR UPDATE SKIP LOCKED, or an
   * advisory lock) so that two relays never publish the same rows at once.
   * null: another relay holds the outbox right now (this one tries again shortly).
   */
  claim(q: QueryRunner, limit: number): Promise<EventEnvelope[] | null>;
  /** Deletes the rows of the published events, in the same transaction. */
  remove(q: QueryRunner, events: EventEnvelope[]): Promise<void>;
  /** Contract check before publishing (default: the event envelope). */
  check?(ev: EventEnvelope): void;
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
 * Transactional outbox relay. Each run claims a batch of outbox rows (locked,
 * so several replicas share the work without publishing the same rows
 * concurrently), publishes them with the event id as JetStream message id, and
 * deletes the rows only after every ack. A crash anywhere before the commit
 * leaves the rows in place: the next run publishes them again and JetStream's
 * de-duplication window drops the copies.
 */
export class TransactionalOutboxRelay {
  private readonly codec = JSONCodec();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly js: JetStreamClient,
    private readonly source: OutboxSource,
    private readonly opts: RelayOptions = {},
  ) {}

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
      const events = await this.source.claim(runner, this.opts.batchSize ?? 500);
      if (!events?.length) {
        // Rows committed while another relay is busy must not wait for the poll timer.
        if (!events) this.busy = true;
        await runner.commitTransaction();
        return 0;
      }
      const topology = this.opts.topology ?? busTopology('');
      const check = this.source.check ?? ((ev: EventEnvelope) => assertContract<EventEnvelope>('EventEnvelope', eventEnvelopeSchema, ev));
      // Publishes are pipelined on one connection, so JetStream stores them in outbox order.
      await Promise.all(
        events.map((ev) => {
          check(ev);
          return this.js.publish(topology.eventSubject(ev.aggregateType, ev.type), this.codec.encode(ev), { msgID: ev.id });
        }),
      );
      await this.opts.afterPublish?.(events);
      await this.source.remove(runner, events);
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
        } else if (this.busy) {
          this.busy = false;
          setTimeout(() => this.kick(), 20).unref();
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
