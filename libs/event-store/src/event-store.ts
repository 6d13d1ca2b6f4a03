import { randomUUID } from 'node:crypto';
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

/** Operations available inside a serialised write transaction. */
export class WriteTx {
  constructor(readonly runner: QueryRunner) {}

  /** Events committed after `seq` (by this or any other writer), in order. */
  async readSince(seq: number): Promise<EventEnvelope[]> {
    return readEvents(this.runner, seq, 1_000_000);
  }

  /** Appends the events and their outbox rows; returns them with seq and time. */
  async append(events: NewEvent[]): Promise<EventEnvelope[]> {
    if (!events.length) return [];
    // One round trip for the whole batch: jsonb_to_recordset keeps the statement fixed.
    const rows = events.map((e) => ({
      id: e.id ?? randomUUID(),
      type: e.type,
      type_version: e.typeVersion,
      aggregate_type: e.aggregateType,
      aggregate_id: e.aggregateId,
      aggregate_version: e.aggregateVersion,
      payload: e.payload,
      actor: e.actor,
      correlation_id: e.correlationId,
    }));
    const inserted: EventRow[] = await this.runner.query(
      `WITH ins AS (
         INSERT INTO events (id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id)
         SELECT id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, type text, type_version int, aggregate_type text, aggregate_id text,
              aggregate_version int, payload jsonb, actor text, correlation_id text, ord int)
         ORDER BY ord
         RETURNING ${EVENT_COLUMNS}
       ), out AS (INSERT INTO event_outbox (seq) SELECT seq FROM ins)
       SELECT * FROM ins ORDER BY seq`,
      [JSON.stringify(rows.map((r, ord) => ({ ...r, ord })))],
    );
    return inserted.map(rowToEnvelope);
  }

  query<T = unknown>(sql: string, params?: unknown[]): Promise<T> {
    return this.runner.query(sql, params);
  }
}

export async function readEvents(runner: { query(sql: string, p?: unknown[]): Promise<unknown> }, since: number, limit: number): Promise<EventEnvelope[]> {
  const rows = (await runner.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [since, limit])) as EventRow[];
  return rows.map(rowToEnvelope);
}

export class EventStore {
  constructor(readonly ds: DataSource) {}

  /** Runs `fn` in a transaction holding the global write lock; commits when it resolves. */
  async write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    // Set before BEGIN: if the lock statement fails after BEGIN ran, the connection
    // must not go back to the pool inside an aborted transaction (ROLLBACK outside one is harmless).
    let open = true;
    try {
      // One round trip for BEGIN and the lock (simple protocol allows two statements);
      // every write pays this, and writes are serialised, so round trips are throughput.
      await runner.query(`BEGIN; ${WRITE_LOCK_SQL}`);
      const out = await fn(new WriteTx(runner));
      await runner.query('COMMIT');
      open = false;
      return out;
    } catch (e) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Reads the log after `since` (no lock: committed events only, in order). */
  read(since: number, limit = 1000): Promise<EventEnvelope[]> {
    return readEvents(this.ds, since, limit);
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
