import type { ApiClient } from '../client/api-client';
import type { OutputFormat } from '../output/format';

interface Event {
  seq: number;
  time: string;
  actor: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  correlationId?: string;
  payload: unknown;
}

export interface EventsOptions {
  since: number;
  limit: number;
  follow?: boolean;
  correlation?: string;
  /** Poll interval of --follow, ms. */
  interval?: number;
  outputFormat: OutputFormat;
  /** Stops --follow (tests; SIGINT otherwise). */
  signal?: AbortSignal;
}

function line(e: Event, format: OutputFormat): string {
  if (format === 'json' || format === 'json-pretty' || format === 'yaml') return JSON.stringify(e);
  // ConfigApplied carries the whole running config: summarised, the full event is in --output-format json.
  const payload = e.type === 'ConfigApplied' ? JSON.stringify({ version: (e.payload as { version?: number }).version, task: (e.payload as { task?: string }).task }) : JSON.stringify(e.payload);
  return `${e.seq}\t${e.time}\t${e.actor}\t${e.type}\t${e.aggregateType}/${e.aggregateId}@${e.aggregateVersion}\t${e.correlationId ?? ''}\t${payload}`;
}

/**
 * `sdnctl events`: the audit log through the API (secrets masked by it).
 * --correlation keeps the events of one request or sdnctl run; --follow keeps
 * polling for new events until interrupted. JSON formats print one event per line.
 */
export async function runEvents(client: ApiClient, o: EventsOptions): Promise<number> {
  let since = o.since;
  const page = Math.min(1000, o.limit);
  let printed = 0;
  for (;;) {
    // The API filters on the correlation id (indexed); the check below stays for APIs without the filter.
    const batch = await client.call<Event[]>('GET', '/cluster/sdn/events', { since, limit: o.follow ? 1000 : page, ...(o.correlation ? { correlation: o.correlation } : {}) });
    for (const e of batch) {
      since = Math.max(since, e.seq);
      if (o.correlation && e.correlationId !== o.correlation) continue;
      process.stdout.write(`${line(e, o.outputFormat)}\n`);
      printed++;
      if (!o.follow && printed >= o.limit) return 0;
    }
    // Without --follow: stop at the end of the log; a filtered read pages on until it is reached.
    if (!o.follow && (batch.length < page || !o.correlation)) return 0;
    if (o.follow && batch.length === 1000) continue;
    if (o.follow) {
      if (o.signal?.aborted) return 0;
      await new Promise<void>((r) => {
        const t = setTimeout(r, o.interval ?? 1000);
        o.signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
      if (o.signal?.aborted) return 0;
    }
  }
}
