import { databaseUrl, openEventStoreDataSource, readEvents } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';

export const usage = 'sdnctl events [--since SEQ] [--limit N] [--json]   print the event log (audit: who changed what, when)';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const since = Number(p.flags.since ?? 0);
  const limit = Number(p.flags.limit ?? 100);
  if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1) throw new UsageError('--since and --limit must be non-negative integers');
  const ds = await openEventStoreDataSource(databaseUrl(), 1);
  try {
    for (const e of await readEvents(ds, since, limit)) {
      // Secrets (ipam token, dns key) are printed masked, as the API does.
      const payload = JSON.parse(JSON.stringify(e.payload, (k, v) => ((k === 'token' || k === 'key') && typeof v === 'string' ? '**********' : v)));
      if (p.flags.json) console.log(JSON.stringify({ ...e, payload }));
      else console.log(`${e.seq}\t${e.time}\t${e.actor}\t${e.type}\t${e.aggregateType}/${e.aggregateId}@${e.aggregateVersion}\t${JSON.stringify(payload)}`);
    }
    return 0;
  } finally {
    await ds.destroy();
  }
}
