import { sdnctlConfig } from '@sdn/config';
import { isDeepStrictEqual } from 'node:util';
import { dumpAccessProjection, dumpProjection, openEventStoreDataSource, rebuildAccessProjection, rebuildProjections } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';

export const usage = [
  'sdnctl projections rebuild   rebuild the SDN and access projection tables from the event log (from sequence 0)',
  'sdnctl projections verify    rebuild in a rolled-back transaction and report whether the live tables match',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const [sub] = parseArgs(args).positional;
  if (sub !== 'rebuild' && sub !== 'verify') throw new UsageError(`usage:\n${usage}`);
  const ds = await openEventStoreDataSource(sdnctlConfig().databaseUrl, 2);
  try {
    if (sub === 'rebuild') {
      const state = await rebuildProjections(ds);
      const objects = Object.values(state.pending).reduce((n, s) => n + Object.keys(s).length, 0);
      console.log(`rebuilt from ${state.seq} events: ${objects} objects, running version ${state.running?.version ?? 0}, ${state.lock ? 'locked' : 'unlocked'}`);
      const access = await rebuildAccessProjection(ds);
      console.log(`access: ${Object.keys(access.users).length} users, ${Object.keys(access.tokens).length} tokens, ${access.acl.length} ACL entries`);
      return 0;
    }
    // verify: compare live tables with a rebuild done inside a transaction we roll back.
    const live = [await dumpProjection(ds), await dumpAccessProjection(ds)];
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
      const { emptyAccessState } = await import('@sdn/access');
      const { foldAccess, readAccessEvents, writeAccessDelta, ACCESS_PROJECTION_TABLES } = await import('@sdn/event-store');
      for (const t of ACCESS_PROJECTION_TABLES) await qr.query(`DELETE FROM ${t}`);
      const accessEvents = await readAccessEvents(qr, 0);
      await writeAccessDelta(qr, emptyAccessState(), foldAccess(emptyAccessState(), accessEvents), accessEvents.at(-1)?.seq ?? 0);
      same = isDeepStrictEqual([await dumpProjection(qr), await dumpAccessProjection(qr)], live);
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
