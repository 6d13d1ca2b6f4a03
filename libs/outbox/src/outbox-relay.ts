import type { DataSource, QueryRunner } from 'typeorm';
import { headers as natsHeaders, JSONCodec, type JetStreamClient } from 'nats';
import { busTopology, type BusTopology } from '@sdn/bus';
import { assertContract, cloudEventAttributes, cloudEventHeaders, CORRELATION_ID_HEADER, eventEnvelopeSchema, type EventEnvelope } from '@sdn/contracts';
import { outboxDepth, outboxLag, outboxPublished } from '@sdn/metrics';

/**
 * Where a service keeps its outbox. The relay owns the transaction; the source
 * only knows its tables. Used by the event store (API) and the IPAM service.
 */
export interface OutboxSource {
  /** `ce-source` of the CloudEvents attributes on every message (EVENT_SOURCES of @sdn/contracts). */
  readonly source: string;
  /**
   * Takes the outbox's lease and returns up to `limit` pending events, oldest
   * first, inside the runner's transaction. The lease is a transaction-scoped
   * advisory lock (pg_try_advisory_xact_lock): one relay of all replicas holds
   * it, and PostgreSQL gives it up when that relay's transaction ends or its
   * session dies (a killed process). Row locks with SKIP LOCKED are not enough:
   * two relays would publish neighbouring batches concurrently, out of order.
   * null: another relay holds the lease right now (this one tries again shortly).
   */
  claim(q: QueryRunner, limit: number): Promise<EventEnvelope[] | null>;
  /** Deletes the rows of the published events, in the same transaction. */
  remove(q: QueryRunner, events: EventEnvelope[]): Promise<void>;
  /** Contract check before publishing (default: the event envelope). */
  check?(ev: EventEnvelope): void;
  /** Unpublished events now and the age of the oldest (seconds, 0 when none): outbox depth and relay lag metrics. */
  backlog?(q: Pick<DataSource, 'query'>): Promise<{ events: number; oldestAgeSeconds: number }>;
}

export interface RelayOptions {
  batchSize?: number;
  /** Stream and subject names; a namespace isolates tests from the real bus (default: production names). */
  topology?: BusTopology;
  /** Test hook: called with a claimed batch before its first publish. */
  beforePublish?: (events: EventEnvelope[]) => Promise<void> | void;
  /** Test hook: called after JetStream acknowledged one event (a throw is a crash in the middle of a batch). */
  afterEach?: (event: EventEnvelope) => Promise<void> | void;
  /** Test hook: called after JetStream acknowledged a batch and before it is marked published. */
  afterPublish?: (events: EventEnvelope[]) => Promise<void> | void;
  onError?: (e: unknown) => void;
  /** Label of this outbox in the metrics (`outbox="api"`, `"ipam"`); without it the relay exports none. */
  metricsName?: string;
  /** How long drain() waits for a lease another relay holds (default 10 000 ms). */
  leaseWaitMs?: number;
}

/**
 * Transactional outbox relay. Each run takes the outbox's lease (one relay of
 * all replicas at a time), publishes the oldest pending events with the event
 * id as JetStream message id, and deletes their rows only after every ack. A
 * crash anywhere before the commit leaves the rows in place: the next run
 * publishes them again and JetStream's de-duplication window drops the copies.
 *
 * Why the stream ends up in outbox order (the guarantee stated in
 * libs/contracts/README.md, "Event order"), whatever the replicas do and
 * however they crash:
 * - one lease holder: no two relays publish at the same time, and each starts
 *   from the oldest pending row, so nothing newer than a pending row is sent
 *   before it;
 * - one message in flight: event k+1 is sent only after JetStream stored k.
 *   Pipelining would let a NATS restart drop k while k+1, still in the
 *   client's reconnect buffer, is stored after the reconnect; and it would
 *   leave several messages of a killed relay in the server's socket buffer,
 *   racing the next lease holder. With one in flight, the only message a dead
 *   relay can still have on the wire is the very event its successor publishes
 *   first, with the same message id: whichever arrives first is stored, the
 *   other is dropped as a duplicate;
 * - rows are deleted in the lease holder's transaction after the acks, so a
 *   crash re-publishes a prefix already on the stream (all duplicates) and
 *   then continues in order.
 */
export class TransactionalOutboxRelay {
  private readonly codec = JSONCodec();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private busy = false;
  private stopped = false;
  private unwatch: (() => void)[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly js: JetStreamClient,
    private readonly source: OutboxSource,
    private readonly opts: RelayOptions = {},
  ) {}

  /**
   * Publishes everything pending now; resolves with the number of events published.
   * While another relay holds the lease it waits (up to leaseWaitMs) instead of
   * returning 0 at once: that relay may be mid-batch, or dead with its session
   * not yet reaped by PostgreSQL (a SIGKILLed process's transaction ends only
   * when its backend reads EOF from the socket), so "nothing claimed" would
   * not mean "nothing pending".
   */
  async drain(): Promise<number> {
    return this.drainPending(true);
  }

  private async drainPending(waitForLease: boolean): Promise<number> {
    let total = 0;
    let waitUntil = 0;
    let pause = 5;
    for (;;) {
      const n = await this.runBatch();
      if (n === null) {
        if (!waitForLease || this.stopped) return total;
        waitUntil ||= Date.now() + (this.opts.leaseWaitMs ?? 10_000);
        if (Date.now() >= waitUntil) return total;
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 200);
        continue;
      }
      waitUntil = 0;
      pause = 5;
      total += n;
      if (n < (this.opts.batchSize ?? 500)) return total;
    }
  }

  /** One batch; 0 when another relay holds the lease (see OutboxSource.claim). */
  async runOnce(): Promise<number> {
    return (await this.runBatch()) ?? 0;
  }

  /** One batch; null when another relay holds the lease. */
  private async runBatch(): Promise<number | null> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const events = await this.source.claim(runner, this.opts.batchSize ?? 500);
      if (!events?.length) {
        // Rows committed while another relay is busy must not wait for the poll timer.
        if (!events) this.busy = true;
        await runner.commitTransaction();
        return events ? 0 : null;
      }
      const topology = this.opts.topology ?? busTopology('');
      const check = this.source.check ?? ((ev: EventEnvelope) => assertContract<EventEnvelope>('EventEnvelope', eventEnvelopeSchema, ev));
      for (const ev of events) check(ev);
      await this.opts.beforePublish?.(events);
      // One in flight, in outbox order: see the class comment for why this is not pipelined.
      for (const ev of events) {
        const h = natsHeaders();
        for (const [k, v] of cloudEventHeaders(cloudEventAttributes(ev, this.source.source))) h.set(k, v);
        if (ev.correlationId) h.set(CORRELATION_ID_HEADER, ev.correlationId);
        await this.js.publish(topology.eventSubject(ev.aggregateType, ev.type), this.codec.encode(ev), { msgID: ev.id, headers: h });
        await this.opts.afterEach?.(ev);
      }
      await this.opts.afterPublish?.(events);
      await this.source.remove(runner, events);
      await runner.commitTransaction();
      if (this.opts.metricsName) outboxPublished().inc({ outbox: this.opts.metricsName }, events.length);
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
    // No waiting here: a busy lease is retried by the busy flag below, so stop() is never held up.
    this.running = this.drainPending(false)
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
    this.watchBacklog();
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.unwatch.splice(0)) stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Depth and lag are read from the table when Prometheus scrapes: they hold across replicas and restarts. */
  private watchBacklog(): void {
    const outbox = this.opts.metricsName;
    const backlog = this.source.backlog?.bind(this.source);
    if (!outbox || !backlog || this.unwatch.length) return;
    let last: { at: number; read: ReturnType<typeof backlog> } | null = null;
    // Both gauges are collected in one scrape: one query serves them.
    const read = () => {
      if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), read: backlog(this.ds) };
      return last.read;
    };
    this.unwatch.push(
      outboxDepth().onCollect(async (g) => g.set({ outbox }, (await read()).events)),
      outboxLag().onCollect(async (g) => g.set({ outbox }, (await read()).oldestAgeSeconds)),
    );
  }
}
