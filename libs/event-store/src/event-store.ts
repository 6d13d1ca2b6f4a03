import { randomUUID } from 'node:crypto';
import { eventStoreWriteDuration } from '@sdn/metrics';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@sdn/contracts';

/** An event to append: the envelope without what the store assigns (seq, time, and id unless given). */
export type NewEvent<P = unknown> = Omit<EventEnvelope<P>, 'id' | 'seq' | 'time'> & { id?: string };

/**
 * One advisory lock serialises every writer of the log, across processes and
 * replicas. Besides making cross-object validation safe (the writer validates
 * against a state that includes every committed event), it guarantees that
 * sequence numbers are allocated and committed in the same order, so a reader
 * that has seen seq N has seen every event below N ("catch up by sequence").
 */
export const WRITE_LOCK_SQL = 'SELECT pg_advisory_xact_lock(7421, 1)';

const EVENT_COLUMNS = `seq, id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id, time`;

interface EventRow {
  seq: string;
  id: string;
  type: string;
  type_version: number;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  payload: unknown;
  actor: string;
  correlation_id: string;
  time: Date | string;
}

export function rowToEnvelope(r: EventRow): EventEnvelope {
  return {
    id: r.id,
    seq: Number(r.seq),
    type: r.type,
    typeVersion: r.type_version,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    aggregateVersion: r.aggregate_version,
    payload: r.payload,
    actor: r.actor,
    correlationId: r.correlation_id,
    time: (r.time instanceof Date ? r.time : new Date(r.time)).toISOString(),
  };
}

/** The pg client behind a TypeORM query runner: what the writer needs of it. */
interface PgClient {
  query(text: string): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
  escapeLiteral(value: string): string;
}

/**
 * Writes the parameter of a deferred statement as an SQL literal. Deferred
 * statements travel in one simple-protocol message with COMMIT (which has no
 * bind parameters), so values are quoted by the driver's own escaping.
 */
function sqlLiteral(client: PgClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return client.escapeLiteral(typeof value === 'string' ? value : JSON.stringify(value));
}

function eventRowsJson(events: NewEvent[]): string {
  return JSON.stringify(
    events.map((e, ord) => ({
      id: e.id ?? randomUUID(),
      type: e.type,
      type_version: e.typeVersion,
      aggregate_type: e.aggregateType,
      aggregate_id: e.aggregateId,
      aggregate_version: e.aggregateVersion,
      payload: e.payload,
      actor: e.actor,
      correlation_id: e.correlationId,
      ord,
    })),
  );
}

/**
 * One statement for the whole batch (jsonb_to_recordset keeps it fixed):
 * events, their outbox rows and optionally a projection checkpoint.
 * `rows` is a placeholder or a quoted literal; so is `checkpoint`.
 */
function appendSql(rows: string, checkpoint?: string): string {
  const cp = checkpoint
    ? `, cp AS (INSERT INTO projection_checkpoints (name, seq) SELECT ${checkpoint}, max(seq) FROM ins
         ON CONFLICT (name) DO UPDATE SET seq = GREATEST(projection_checkpoints.seq, EXCLUDED.seq))`
    : '';
  return `WITH ins AS (
     INSERT INTO events (id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id)
     SELECT id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id
     FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, type text, type_version int, aggregate_type text, aggregate_id text,
          aggregate_version int, payload jsonb, actor text, correlation_id text, ord int)
     ORDER BY ord
     RETURNING ${EVENT_COLUMNS}
   ), out AS (INSERT INTO event_outbox (seq) SELECT seq FROM ins)${cp}
   SELECT * FROM ins ORDER BY seq`;
}

/** SQLSTATE of a lost optimistic write (a class of our own: no PostgreSQL error uses it). */
const STALE_WRITE_SQLSTATE = 'SDN01';

/** Another writer appended after the `since` an optimistic write bet on: nothing was written. */
export class StaleWriteError extends Error {
  constructor(readonly since: number) {
    super(`events were written after seq ${since}: decide again on the current log`);
  }
}

/** Aborts the transaction unless the log ends at `since` (run after the lock, so it sees every earlier writer). */
function headCheckSql(since: number): string {
  return `DO $$BEGIN IF EXISTS (SELECT 1 FROM events WHERE seq > ${since}) THEN RAISE EXCEPTION USING ERRCODE = '${STALE_WRITE_SQLSTATE}', MESSAGE = 'stale write'; END IF; END$$`;
}

/** Operations available inside a serialised write transaction. */
export class WriteTx {
  private readonly deferred: string[] = [];
  private atCommit: { events: NewEvent[]; checkpoint?: string; resolve(v: EventEnvelope[]): void; reject(e: unknown): void } | null = null;
  /** Events committed by other writers after the `since` given to write(), read with the lock. */
  missed: EventEnvelope[] = [];

  constructor(
    readonly runner: QueryRunner,
    private readonly client: PgClient,
  ) {}

  /**
   * A sink for statements whose results the writer does not need (projection
   * rows): they run in the same round trip as COMMIT. Every write is
   * serialised by the lock, so each round trip saved is throughput.
   */
  readonly deferring = {
    query: async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
      this.deferred.push(sql.replace(/\$(\d+)/g, (_m, n: string) => sqlLiteral(this.client, params[Number(n) - 1])));
      return [];
    },
  };

  /** Appends the events and their outbox rows; returns them with seq and time. */
  async append(events: NewEvent[]): Promise<EventEnvelope[]> {
    if (!events.length) return [];
    const inserted: EventRow[] = await this.runner.query(appendSql('$1'), [eventRowsJson(events)]);
    return inserted.map(rowToEnvelope);
  }

  /**
   * Appends the events in the COMMIT round trip (with the deferred
   * statements): resolves with them once committed, rejects if the write
   * fails. Do not await it inside the write. With `checkpoint`, that
   * projection's checkpoint moves to the last appended seq, which is only
   * known there.
   */
  appendAtCommit(events: NewEvent[], opts: { checkpoint?: string } = {}): Promise<EventEnvelope[]> {
    if (this.atCommit) throw new Error('appendAtCommit called twice in one write');
    const p = new Promise<EventEnvelope[]>((resolve, reject) => {
      this.atCommit = { events, checkpoint: opts.checkpoint, resolve, reject };
    });
    // The caller awaits it after the write; until then a failure must not count as unhandled.
    p.catch(() => undefined);
    return p;
  }

  /**
   * Sends the deferred statements and COMMIT as one message, after `prefix`
   * (the optimistic write's BEGIN, lock and head check); settles appendAtCommit.
   */
  async commit(prefix: string[] = []): Promise<void> {
    const statements = [...prefix];
    const at = this.atCommit;
    const appendAt = at?.events.length ? statements.length : -1;
    if (appendAt >= 0) statements.push(appendSql(sqlLiteral(this.client, eventRowsJson(at!.events)), at!.checkpoint === undefined ? undefined : sqlLiteral(this.client, at!.checkpoint)));
    statements.push(...this.deferred);
    try {
      const res = await this.client.query([...statements, 'COMMIT'].join(';\n'));
      const results = Array.isArray(res) ? res : [res];
      at?.resolve(appendAt < 0 ? [] : (results[appendAt].rows as EventRow[]).map(rowToEnvelope));
    } catch (e) {
      at?.reject(e);
      throw e;
    }
  }

  /** A write that failed before COMMIT: appendAtCommit rejects too. */
  abandon(e: unknown): void {
    this.atCommit?.reject(e);
  }

  query<T = unknown>(sql: string, params?: unknown[]): Promise<T> {
    return this.runner.query(sql, params);
  }
}

export async function readEvents(runner: { query(sql: string, p?: unknown[]): Promise<unknown> }, since: number, limit: number, correlationId?: string): Promise<EventEnvelope[]> {
  const rows = (
    correlationId === undefined
      ? await runner.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [since, limit])
      : await runner.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE correlation_id = $3 AND seq > $1 ORDER BY seq LIMIT $2`, [since, limit, correlationId])
  ) as EventRow[];
  return rows.map(rowToEnvelope);
}

export class EventStore {
  constructor(readonly ds: DataSource) {}

  /**
   * Runs `fn` in a transaction holding the global write lock; commits when it
   * resolves. With `since`, the events committed after it are read in the
   * same round trip as BEGIN and the lock (`tx.missed`): each statement of a
   * simple-protocol message takes its own snapshot, so the read sees every
   * writer that held the lock before us.
   *
   * With `optimistic` (and `since`), `fn` runs first, on the bet that nobody
   * else wrote after `since` (`tx.missed` is empty), and everything goes in
   * one message: BEGIN, the lock, a check of that bet, the events, the
   * deferred statements, COMMIT. A lost bet aborts the transaction and throws
   * StaleWriteError; the caller decides again with the normal write. With one
   * writer (one API replica) every write is one round trip.
   */
  async write<T>(fn: (tx: WriteTx) => Promise<T>, opts: { since?: number; optimistic?: boolean } = {}): Promise<T> {
    const end = eventStoreWriteDuration().startTimer();
    try {
      const out = await this.writeOnce(fn, opts);
      end({ outcome: 'committed' });
      return out;
    } catch (e) {
      end({ outcome: e instanceof StaleWriteError ? 'stale' : 'aborted' });
      throw e;
    }
  }

  private async writeOnce<T>(fn: (tx: WriteTx) => Promise<T>, opts: { since?: number; optimistic?: boolean }): Promise<T> {
    if (opts.since !== undefined && (!Number.isSafeInteger(opts.since) || opts.since < 0)) throw new Error(`bad sequence number: ${opts.since}`);
    const runner = this.ds.createQueryRunner();
    const client = (await runner.connect()) as PgClient;
    // Set before BEGIN: if the lock statement fails after BEGIN ran, the connection
    // must not go back to the pool inside an aborted transaction (ROLLBACK outside one is harmless).
    let open = true;
    const tx = new WriteTx(runner, client);
    const optimistic = opts.optimistic === true && opts.since !== undefined;
    try {
      if (optimistic) {
        // Nothing is sent until fn has decided.
      } else if (opts.since === undefined) await runner.query(`BEGIN; ${WRITE_LOCK_SQL}`);
      else {
        const results = (await client.query(`BEGIN; ${WRITE_LOCK_SQL}; SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ${opts.since} ORDER BY seq`)) as { rows: EventRow[] }[];
        tx.missed = results[results.length - 1].rows.map(rowToEnvelope);
      }
      let out: T;
      try {
        out = await fn(tx);
      } catch (e) {
        tx.abandon(e);
        throw e;
      }
      try {
        await tx.commit(optimistic ? ['BEGIN', WRITE_LOCK_SQL, headCheckSql(opts.since!)] : []);
      } catch (e) {
        throw (e as { code?: string }).code === STALE_WRITE_SQLSTATE ? new StaleWriteError(opts.since!) : e;
      }
      open = false;
      return out;
    } catch (e) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Reads the log after `since` (no lock: committed events only, in order), optionally only one correlation id's events. */
  read(since: number, limit = 1000, correlationId?: string): Promise<EventEnvelope[]> {
    return readEvents(this.ds, since, limit, correlationId);
  }

  async count(): Promise<number> {
    const r: { n: string }[] = await this.ds.query('SELECT count(*) AS n FROM events');
    return Number(r[0].n);
  }

  /** Highest version of every aggregate (to number the next event of each). */
  async aggregateVersions(): Promise<Map<string, number>> {
    const rows: { t: string; i: string; v: number }[] = await this.ds.query(
      'SELECT aggregate_type AS t, aggregate_id AS i, max(aggregate_version) AS v FROM events GROUP BY 1, 2',
    );
    return new Map(rows.map((r) => [aggregateKey(r.t, r.i), Number(r.v)]));
  }
}

export function aggregateKey(type: string, id: string): string {
  return `${type}/${id}`;
}
