import { assertContract, ContractViolation, type Contract } from '@sdn/contracts';
import { AckPolicy, DeliverPolicy, nanos, type JetStreamClient, type JetStreamManager, type StoredMsg } from 'nats';
import { decodeJson } from '../codec/json-codec';
import type { BusLogger } from '../log/bus-logger';

/** A message read back from a stream, checked against its contract. */
export interface StoredMessage<T> {
  subject: string;
  /** Stream sequence: the `expectLastSubjectSequence` for a compare-and-set publish on this subject. */
  seq: number;
  time: Date;
  value: T;
}

// 10037: stream API "no message found"; '404': the same from a direct get.
const isNoMessage = (e: unknown) => (e as { api_error?: { err_code?: number } })?.api_error?.err_code === 10037 || (e as { code?: string })?.code === '404';

/** The client's direct-get API, which the `JetStreamManager` type does not declare (yet) but the implementation has. */
type DirectGet = { direct: { getMessage(stream: string, q: { last_by_subj: string }): Promise<StoredMsg> } };
export function withDirect(jsm: JetStreamManager): JetStreamManager & DirectGet {
  return jsm as JetStreamManager & DirectGet;
}

/** The last stored message on `subject`, or undefined when the subject has none. */
async function lastStored(jsm: JetStreamManager, stream: string, subject: string, direct: boolean): Promise<StoredMsg | undefined> {
  try {
    // Direct get names the subject in the request subject, so NATS permissions can grant one
    // subject's last message (a node agent: its own bundle) without granting the whole stream.
    return direct ? await withDirect(jsm).direct.getMessage(stream, { last_by_subj: subject }) : await jsm.streams.getMessage(stream, { last_by_subj: subject });
  } catch (e) {
    if (isNoMessage(e)) return undefined;
    throw e;
  }
}

/**
 * The last message on `subject` in `stream`, or undefined when the subject has
 * none. Throws ContractViolation (or SyntaxError) when the stored message does
 * not satisfy the contract.
 */
export async function readLastMessage<T>(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  contract: Contract<T>,
  opts: { direct?: boolean } = {},
): Promise<StoredMessage<T> | undefined> {
  const sm = await lastStored(jsm, stream, subject, !!opts.direct);
  if (!sm) return undefined;
  return { subject: sm.subject, seq: sm.seq, time: sm.time, value: assertContract<T>(contract.name, contract.schema, decodeJson(sm.data)) };
}

/**
 * The last message of every subject matching `filter` (e.g. all
 * `sdn.node.*.facts`), keyed by subject. Messages that break the contract are
 * logged and left out: one bad publisher must not block reading the others.
 */
export async function readLastPerSubject<T>(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  contract: Contract<T>,
  log?: BusLogger,
): Promise<Map<string, StoredMessage<T>>> {
  const info = await jsm.streams.info(stream, { subjects_filter: filter });
  const subjects = Object.keys(info.state.subjects ?? {}).sort();
  const read = await Promise.all(
    subjects.map((subject) =>
      readLastMessage(jsm, stream, subject, contract).catch((e: unknown) => {
        if (!(e instanceof ContractViolation || e instanceof SyntaxError)) throw e;
        log?.warn('ignoring stored message that breaks its contract', { stream, subject, error: String((e as Error)?.message ?? e) });
        return undefined;
      }),
    ),
  );
  const out = new Map<string, StoredMessage<T>>();
  for (const m of read) if (m) out.set(m.subject, m);
  return out;
}

/** Subject, sequence and headers of a stored message, without its payload. */
export interface StoredHeaders {
  subject: string;
  seq: number;
  headers: Record<string, string>;
}

/** A stored message as `scanStream` returns it (no payload when `headersOnly`). */
export interface ScannedMessage extends StoredHeaders {
  data: Uint8Array;
}

/**
 * Reads what the stream holds now for `filter` — every message, or only the
 * last one per subject — through a short-lived ephemeral consumer, and
 * returns once the messages present at the start are read.
 */
export async function scanStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  opts: { filter: string; lastPerSubject?: boolean; headersOnly?: boolean },
): Promise<ScannedMessage[]> {
  const ci = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: opts.lastPerSubject ? DeliverPolicy.LastPerSubject : DeliverPolicy.All,
    filter_subject: opts.filter,
    headers_only: opts.headersOnly || undefined,
    mem_storage: true,
    // Cleans up after a client that died mid-scan.
    inactive_threshold: nanos(60_000),
  });
  const out: ScannedMessage[] = [];
  try {
    if (ci.num_pending === 0) return out;
    const consumer = await js.consumers.get(stream, ci.name);
    while (out.length < ci.num_pending) {
      let last = -1;
      for await (const m of await consumer.fetch({ max_messages: ci.num_pending - out.length, expires: 5000 })) {
        const headers: Record<string, string> = {};
        for (const [k, v] of m.headers ?? []) headers[k] = v[0];
        out.push({ subject: m.subject, seq: m.seq, headers, data: m.data });
        last = m.info.pending;
        if (last === 0) break;
      }
      // Messages removed by limits while we read count as read.
      if (last === 0 || last === -1) break;
    }
  } finally {
    await jsm.consumers.delete(stream, ci.name).catch(() => undefined);
  }
  return out;
}

/**
 * The headers of the last message of every subject matching `filter`, without
 * the payloads. For streams of large messages — node bundles — where the
 * caller only needs what the publisher put in headers (hash, version) and the
 * sequence for a compare-and-set.
 */
export async function readLastHeadersPerSubject(js: JetStreamClient, jsm: JetStreamManager, stream: string, filter: string): Promise<Map<string, StoredHeaders>> {
  const found = await scanStream(js, jsm, stream, { filter, lastPerSubject: true, headersOnly: true });
  return new Map(found.map(({ subject, seq, headers }) => [subject, { subject, seq, headers }]));
}

/**
 * The headers and sequence of the last message on one subject (a direct
 * get; the payload comes along but is not decoded), or undefined when the
 * subject has none. For one or a few subjects this is a request each,
 * where readLastHeadersPerSubject creates and deletes a consumer per filter.
 */
export async function readLastHeaders(jsm: JetStreamManager, stream: string, subject: string): Promise<StoredHeaders | undefined> {
  const sm = await lastStored(jsm, stream, subject, true);
  if (!sm) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of sm.header ?? []) headers[k] = v[0];
  return { subject: sm.subject, seq: sm.seq, headers };
}
