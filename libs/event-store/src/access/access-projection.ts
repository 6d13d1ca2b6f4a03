import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@sdn/contracts';
import {
  ACCESS_AGGREGATE_TYPES,
  type AccessDeniedV1,
  type AccessDraft,
  type AccessState,
  AUDIT_AGGREGATE,
  type AclEntry,
  type ApiToken,
  emptyAccessState,
  type Group,
  reduceAccess,
  type User,
} from '@sdn/access';
import { type EventStore, rowToEnvelope, WRITE_LOCK_SQL } from '../event-store';
import { deleteToken, upsertToken } from '../tokens';
import { deletePasswordHash, setPasswordHash } from '../passwords';

export const ACCESS_PROJECTION = 'access';

/** The projection tables folded from the access events (emptied together on a rebuild). */
export const ACCESS_PROJECTION_TABLES = ['access_users', 'access_tokens', 'access_groups', 'access_acl'] as const;

type Q = { query(sql: string, params?: unknown[]): Promise<any> };

/** Credential-table changes that go with a command's events (same transaction). */
export type CredentialOp =
  | { op: 'set'; id: string; secret: string; comment?: string }
  | { op: 'delete'; id: string }
  /** A user's password hash (computed before the write: scrypt takes tens of milliseconds), or its removal. */
  | { op: 'password'; userid: string; hash: string }
  | { op: 'delete-password'; userid: string };

export interface AccessDecision<T> {
  events: AccessDraft[];
  result: T;
  credentials?: CredentialOp[];
}

/** Access events after `since`, read through the (aggregate_type, …) unique index rather than the whole log. */
export async function readAccessEvents(q: Q, since: number): Promise<EventEnvelope[]> {
  const rows = await q.query(
    `SELECT seq, id, type, type_version, aggregate_type, aggregate_id, aggregate_version, payload, actor, correlation_id, time
     FROM events WHERE aggregate_type = ANY($1::text[]) AND seq > $2 ORDER BY seq`,
    [ACCESS_AGGREGATE_TYPES, since],
  );
  return rows.map(rowToEnvelope);
}

const entryKey = (e: AclEntry) => JSON.stringify([e.path, e.type, e.ugid, e.roleid]);

/** Writes the rows that differ between two states (records are replaced, never mutated, so identity says "changed"). */
export async function writeAccessDelta(q: Q, before: AccessState, after: AccessState, seq: number): Promise<void> {
  for (const [table, key, a, b] of [
    ['access_users', 'userid', before.users, after.users],
    ['access_tokens', 'id', before.tokens, after.tokens],
    ['access_groups', 'groupid', before.groups, after.groups],
  ] as const) {
    if (a === b) continue;
    for (const id of Object.keys(b)) {
      if (a[id] !== b[id]) await q.query(`INSERT INTO ${table} (${key}, data) VALUES ($1, $2::jsonb) ON CONFLICT (${key}) DO UPDATE SET data = EXCLUDED.data`, [id, JSON.stringify(b[id])]);
    }
    for (const id of Object.keys(a)) if (!(id in b)) await q.query(`DELETE FROM ${table} WHERE ${key} = $1`, [id]);
  }
  if (before.acl !== after.acl) {
    const old = new Map(before.acl.map((e) => [entryKey(e), e]));
    const now = new Map(after.acl.map((e) => [entryKey(e), e]));
    for (const [k, e] of old) {
      if (!now.has(k)) await q.query('DELETE FROM access_acl WHERE path = $1 AND type = $2 AND ugid = $3 AND roleid = $4', [e.path, e.type, e.ugid, e.roleid]);
    }
    for (const [k, e] of now) {
      if (old.get(k)?.propagate !== e.propagate) {
        await q.query(
          `INSERT INTO access_acl (path, type, ugid, roleid, propagate) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (path, type, ugid, roleid) DO UPDATE SET propagate = EXCLUDED.propagate`,
          [e.path, e.type, e.ugid, e.roleid, e.propagate],
        );
      }
    }
  }
  // No row before the first access event, so a rebuild of an empty history matches an untouched database.
  if (seq > 0) await q.query(`INSERT INTO projection_checkpoints (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq`, [ACCESS_PROJECTION, seq]);
}

export async function loadAccessProjection(q: Q): Promise<{ state: AccessState; seq: number }> {
  const state = emptyAccessState();
  for (const r of (await q.query('SELECT data FROM access_users')) as { data: User }[]) state.users[r.data.userid] = r.data;
  for (const r of (await q.query('SELECT data FROM access_tokens')) as { data: ApiToken }[]) state.tokens[r.data.fullTokenId] = r.data;
  for (const r of (await q.query('SELECT data FROM access_groups')) as { data: Group }[]) state.groups[r.data.groupid] = r.data;
  state.acl = ((await q.query('SELECT path, type, ugid, roleid, propagate FROM access_acl ORDER BY path, type, ugid, roleid')) as AclEntry[]).map((e) => ({ ...e }));
  const cp = (await q.query('SELECT seq FROM projection_checkpoints WHERE name = $1', [ACCESS_PROJECTION])) as { seq: string }[];
  return { state, seq: cp[0] ? Number(cp[0].seq) : 0 };
}

export function foldAccess(state: AccessState, events: Iterable<{ type: string; payload: unknown }>): AccessState {
  let s = state;
  for (const e of events) s = reduceAccess(s, e);
  return s;
}

/**
 * The access-control state of one process: users, tokens and ACLs folded
 * from the event log (via the projection tables), plus the serialised writer
 * for access commands. Writes share the event store's global write lock with
 * the SDN writer, so a command is validated against every committed event.
 */
export class AccessProjection {
  private current: AccessState = emptyAccessState();
  private seq = 0;

  get state(): AccessState {
    return this.current;
  }

  async load(q: Q): Promise<void> {
    const p = await loadAccessProjection(q);
    this.current = p.state;
    this.seq = p.seq;
    await this.catchUp(q);
  }

  /** Folds access events committed since we last looked (by any process). */
  async catchUp(q: Q): Promise<void> {
    const base = this.seq;
    const events = await readAccessEvents(q, base);
    if (!events.length || this.seq !== base) return;
    this.current = foldAccess(this.current, events);
    this.seq = events[events.length - 1].seq;
  }

  async write<T>(store: EventStore, actor: string, decide: (state: AccessState) => AccessDecision<T>, correlationId: string = randomUUID()): Promise<T> {
    const out = await store.write(async (tx) => {
      const missed = await readAccessEvents(tx, this.seq);
      const base = foldAccess(this.current, missed);
      const baseSeq = missed.length ? missed[missed.length - 1].seq : this.seq;
      const d = decide(base);
      const versions = new Map<string, number>();
      const drafts = [];
      for (const ev of d.events) {
        const key = `${ev.aggregateType}/${ev.aggregateId}`;
        let v = versions.get(key);
        if (v === undefined) {
          const r = (await tx.query('SELECT max(aggregate_version) AS v FROM events WHERE aggregate_type = $1 AND aggregate_id = $2', [ev.aggregateType, ev.aggregateId])) as { v: number | null }[];
          v = Number(r[0]?.v ?? 0);
        }
        versions.set(key, v + 1);
        drafts.push({ ...ev, typeVersion: 1, aggregateVersion: v + 1, actor, correlationId });
      }
      const appended = await tx.append(drafts);
      const next = foldAccess(base, appended);
      const seq = appended.length ? appended[appended.length - 1].seq : baseSeq;
      if (appended.length || missed.length) await writeAccessDelta(tx, this.current, next, seq);
      for (const c of d.credentials ?? []) {
        if (c.op === 'set') await upsertToken(tx, { id: c.id, secret: c.secret }, c.comment ?? '');
        else if (c.op === 'delete') await deleteToken(tx, c.id);
        else if (c.op === 'password') await setPasswordHash(tx, c.userid, c.hash);
        else await deletePasswordHash(tx, c.userid);
      }
      return { next, seq, result: d.result };
    });
    if (out.seq >= this.seq) {
      this.current = out.next;
      this.seq = out.seq;
    }
    return out.result;
  }
}

/** Appends one refused request to the log (its own aggregate: no version contention, no read). */
export async function appendAccessDenied(store: EventStore, payload: AccessDeniedV1, actor: string, correlationId: string = randomUUID()): Promise<void> {
  const id = randomUUID();
  await store.write((tx) => tx.append([{ id, type: 'AccessDenied', typeVersion: 1, aggregateType: AUDIT_AGGREGATE, aggregateId: id, aggregateVersion: 1, payload, actor, correlationId }]));
}

/** Empties the access projection tables and refolds them from the log (under the write lock). */
export async function rebuildAccessProjection(ds: DataSource): Promise<AccessState> {
  return ds.transaction(async (m) => {
    await m.query(WRITE_LOCK_SQL);
    for (const t of ACCESS_PROJECTION_TABLES) await m.query(`DELETE FROM ${t}`);
    await m.query('DELETE FROM projection_checkpoints WHERE name = $1', [ACCESS_PROJECTION]);
    const events = await readAccessEvents(m, 0);
    const state = foldAccess(emptyAccessState(), events);
    await writeAccessDelta(m, emptyAccessState(), state, events.length ? events[events.length - 1].seq : 0);
    return state;
  });
}

export async function dumpAccessProjection(q: Q): Promise<unknown> {
  return {
    users: await q.query('SELECT userid, data FROM access_users ORDER BY userid'),
    tokens: await q.query('SELECT id, data FROM access_tokens ORDER BY id'),
    groups: await q.query('SELECT groupid, data FROM access_groups ORDER BY groupid'),
    acl: await q.query('SELECT path, type, ugid, roleid, propagate FROM access_acl ORDER BY path, type, ugid, roleid'),
  };
}
