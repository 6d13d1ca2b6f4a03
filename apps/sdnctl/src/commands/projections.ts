import { isDeepStrictEqual } from 'node:util';
import { databaseUrl, dumpProjection, openEventStoreDataSource, rebuildProjections } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';

export const usage = [
  'sdnctl projections rebuild   rebuild the SDN projection tables from the event log (from sequence 0)',
  'sdnctl projections verify    rebuild in a rolled-back transaction and report whether the live tables match',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const [sub] = parseArgs(args).positional;
  if (sub !== 'rebuild' && sub !== 'verify') throw new UsageError(`usage:\n${usage}`);
  const ds = await openEventStoreDataSource(databaseUrl(), 2);
  try {
    if (sub === 'rebuild') {
      const state = await rebuildProjections(ds);
      const objects = Object.values(state.pending).reduce((n, s) => n + Object.keys(s).length, 0);
      console.log(`rebuilt from ${state.seq} events: ${objects} objects, running version ${state.running?.version ?? 0}, ${state.lock ? 'locked' : 'unlocked'}`);
      return 0;
    }
    // verify: compare live tables with a rebuild done inside a transaction we roll back.
    const live = await dumpProjection(ds);
    let same = false;
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const { foldLog, writeProjectionDelta, emptyState, WRITE_LOCK_SQL } = await import('@sdn/event-store');
      await qr.query(WRITE_LOCK_SQL);
      for (const t of ['sdn_objects', 'sdn_running', 'sdn_lock']) await qr.query(`DELETE FROM ${t}`);
      await qr.query(`DELETE FROM projection_checkpoints WHERE name = 'sdn'`);
      await writeProjectionDelta(qr, emptyState(), await foldLog(qr));
      same = isDeepStrictEqual(await dumpProjection(qr), live);
    } finally {
      await qr.rollbackTransaction().catch(() => undefined);
      await qr.release();
    }
    console.log(same ? 'projections match the event log' : 'projections DIFFER from the event log (run: sdnctl projections rebuild)');
    return same ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}
