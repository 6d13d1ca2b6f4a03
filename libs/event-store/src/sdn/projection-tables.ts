import type { DataSource } from 'typeorm';
import { readEvents, WRITE_LOCK_SQL } from '../event-store';
import { SECTIONS, type SdnObject, type SectionName } from './events';
import { emptySections, emptyState, type SdnState, StateDraft } from './state';

export const SDN_PROJECTION = 'sdn';

type Q = { query(sql: string, params?: unknown[]): Promise<any> };

/**
 * Writes the projection rows that differ between `before` and `after`, inside
 * the caller's transaction (the same one that appended the events, so tables
 * and log never disagree). Sections are compared by identity first: `reduce`
 * only copies what changed, so untouched sections cost nothing.
 */
export async function writeProjectionDelta(q: Q, before: SdnState, after: SdnState): Promise<void> {
  const upserts: { section: string; id: string; data: SdnObject }[] = [];
  const deletes: { section: string; id: string }[] = [];
  for (const s of SECTIONS) {
    const a = before.pending[s];
    const b = after.pending[s];
    if (a === b) continue;
    for (const id of Object.keys(b)) if (a[id] !== b[id]) upserts.push({ section: s, id, data: b[id] });
    for (const id of Object.keys(a)) if (!(id in b)) deletes.push({ section: s, id });
  }
  if (upserts.length) {
    await q.query(
      `INSERT INTO sdn_objects (section, id, data)
       SELECT section, id, data FROM jsonb_to_recordset($1::jsonb) AS x(section text, id text, data jsonb)
       ON CONFLICT (section, id) DO UPDATE SET data = EXCLUDED.data`,
      [JSON.stringify(upserts)],
    );
  }
  if (deletes.length) {
    await q.query(
      `DELETE FROM sdn_objects o USING jsonb_to_recordset($1::jsonb) AS x(section text, id text)
       WHERE o.section = x.section AND o.id = x.id`,
      [JSON.stringify(deletes)],
    );
  }
  if (before.running !== after.running && after.running) {
    await q.query(
      `INSERT INTO sdn_running (name, version, config) VALUES ('running', $1, $2::jsonb)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, config = EXCLUDED.config`,
      [after.running.version, JSON.stringify(after.running.config)],
    );
  }
  if (before.lock !== after.lock) {
    if (after.lock) {
      await q.query(
        `INSERT INTO sdn_lock (name, token_hash) VALUES ('sdn', $1) ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash`,
        [after.lock.tokenHash],
      );
    } else await q.query(`DELETE FROM sdn_lock WHERE name = 'sdn'`);
  }
  if (after.seq !== before.seq) {
    await q.query(
      // GREATEST: a write's own events may move it further in the same transaction (appendAtCommit).
      `INSERT INTO projection_checkpoints (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET seq = GREATEST(projection_checkpoints.seq, EXCLUDED.seq)`,
      [SDN_PROJECTION, after.seq],
    );
  }
}

/** Loads the state from the projection tables (fast start); the caller then catches up from `seq`. */
export async function loadProjection(q: Q): Promise<SdnState> {
  const state = emptyState();
  const pending = emptySections() as Record<SectionName, Record<string, SdnObject>>;
  for (const r of (await q.query('SELECT section, id, data FROM sdn_objects ORDER BY section, id')) as { section: SectionName; id: string; data: SdnObject }[]) {
    if (pending[r.section]) pending[r.section][r.id] = r.data;
  }
  state.pending = pending;
  const run = (await q.query(`SELECT version, config FROM sdn_running WHERE name = 'running'`)) as { version: number; config: Record<string, unknown> }[];
  state.running = run[0] ? { version: run[0].version, config: run[0].config } : null;
  const lock = (await q.query(`SELECT token_hash FROM sdn_lock WHERE name = 'sdn'`)) as { token_hash: string }[];
  state.lock = lock[0] ? { tokenHash: lock[0].token_hash } : null;
  const cp = (await q.query(`SELECT seq FROM projection_checkpoints WHERE name = $1`, [SDN_PROJECTION])) as { seq: string }[];
  state.seq = cp[0] ? Number(cp[0].seq) : 0;
  return state;
}

/** Folds the whole log from sequence 0 (no I/O besides reading events). */
export async function foldLog(q: Q, pageSize = 5000): Promise<SdnState> {
  const draft = new StateDraft(emptyState());
  for (;;) {
    const page = await readEvents(q, draft.state.seq, pageSize);
    for (const e of page) draft.apply(e);
    if (page.length < pageSize) return draft.state;
  }
}

/**
 * `sdnctl projections rebuild`: empties the projection tables and rebuilds them
 * from the event log alone, under the write lock so no event slips in between.
 */
export async function rebuildProjections(ds: DataSource): Promise<SdnState> {
  return ds.transaction(async (m) => {
    await m.query(WRITE_LOCK_SQL);
    await m.query('DELETE FROM sdn_objects');
    await m.query('DELETE FROM sdn_running');
    await m.query('DELETE FROM sdn_lock');
    await m.query('DELETE FROM projection_checkpoints WHERE name = $1', [SDN_PROJECTION]);
    const state = await foldLog(m);
    await writeProjectionDelta(m, emptyState(), state);
    return state;
  });
}

/** The projection tables as plain data, for comparing a live projection with a rebuilt one. */
export async function dumpProjection(q: Q): Promise<{ objects: unknown[]; running: unknown[]; lock: unknown[]; checkpoint: unknown[] }> {
  return {
    objects: await q.query('SELECT section, id, data FROM sdn_objects ORDER BY section, id'),
    running: await q.query('SELECT name, version, config FROM sdn_running ORDER BY name'),
    lock: await q.query('SELECT name, token_hash FROM sdn_lock ORDER BY name'),
    checkpoint: await q.query('SELECT name, seq FROM projection_checkpoints ORDER BY name'),
  };
}
