import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import type { BusLogger } from '../log/bus-logger';
import type { BusTopology, StreamName } from '../topology/bus-topology';

/** The settings of a stream that this code decides (everything else is the server default). */
export type StreamSpec = Pick<StreamConfig, 'name' | 'subjects' | 'retention' | 'storage' | 'discard' | 'max_msgs_per_subject' | 'duplicate_window' | 'allow_direct'> &
  Partial<Pick<StreamConfig, 'num_replicas'>>;


const MINUTE_NS = nanos(60_000);

/**
 * The four SDN streams.
 * - events: the durable log of domain events; limits retention (every service
 *   reads it independently), 5 min de-dup window because the outbox relay may
 *   republish an event id after a crash.
 * - `replicas` (SDN_NATS_STREAM_REPLICAS): servers of a cluster keeping each stream; undefined leaves
 *   it out of the spec (a new stream gets the server's 1, an existing one keeps its count), so a
 *   process without the setting (a node agent, whose identity may not change streams) never fights
 *   the services over it.
 * - bundles / facts / status: one message per node subject is all that matters,
 *   so `max_msgs_per_subject: 1` — a node that comes up late gets only the
 *   latest. De-dup window 2 min for publishers that retry.
 */
export function sdnStreamSpecs(topology: BusTopology, replicas?: number): StreamSpec[] {
  const base = (s: StreamName): StreamSpec => ({
    name: s.name,
    subjects: [s.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    duplicate_window: 2 * MINUTE_NS,
    allow_direct: true,
    ...(replicas === undefined ? {} : { num_replicas: replicas }),
  });
  const { events, bundles, facts, status } = topology.streams;
  // The bundles stream also keeps each node's latest version-only message, beside its latest full bundle.
  const withVersions = { ...base(bundles), subjects: [bundles.subjects, topology.bundleVersionSubject('*')] };
  return [{ ...base(events), max_msgs_per_subject: -1, duplicate_window: 5 * MINUTE_NS }, withVersions, base(facts), base(status)];
}

const isNotFound = (e: unknown) => (e as { api_error?: { err_code?: number } }).api_error?.err_code === 10059;

/** Updatable fields where the server's stream differs from the spec (retention and storage cannot change in place). */
function drift(want: StreamSpec, have: StreamConfig): string[] {
  const out: string[] = [];
  if (JSON.stringify([...want.subjects].sort()) !== JSON.stringify([...(have.subjects ?? [])].sort())) out.push('subjects');
  for (const k of ['discard', 'max_msgs_per_subject', 'duplicate_window', 'allow_direct', 'num_replicas'] as const) {
    if (want[k] !== undefined && want[k] !== have[k]) out.push(k);
  }
  return out;
}

/**
 * Creates each stream, or brings an existing one to the spec. Idempotent and
 * safe when several services start at once: losing the create race is fine,
 * the stream is then checked and updated like any existing one.
 */
export async function ensureStreams(jsm: JetStreamManager, specs: StreamSpec[], log?: BusLogger): Promise<void> {
  for (const spec of specs) {
    let have: StreamConfig | undefined;
    try {
      have = (await jsm.streams.info(spec.name)).config;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!have) {
      try {
        await jsm.streams.add(spec);
        log?.info('created stream', { stream: spec.name });
        continue;
      } catch (e) {
        // Another service created it in between: fall through to the update path.
        have = (await jsm.streams.info(spec.name).catch(() => Promise.reject(e))).config;
      }
    }
    if (have.storage !== spec.storage || have.retention !== spec.retention) {
      log?.warn('stream storage/retention differ from the spec and cannot be changed in place', { stream: spec.name });
    }
    const changed = drift(spec, have);
    if (changed.length) {
      const { subjects, discard, max_msgs_per_subject, duplicate_window, allow_direct, num_replicas } = spec;
      await jsm.streams.update(spec.name, { subjects, discard, max_msgs_per_subject, duplicate_window, allow_direct, ...(num_replicas === undefined ? {} : { num_replicas }) });
      log?.info('updated stream', { stream: spec.name, changed });
    }
  }
}
