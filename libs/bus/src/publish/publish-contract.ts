import { assertContract, type Contract } from '@sdn/contracts';
import { headers, type JetStreamClient, type MsgHdrs, type PubAck } from 'nats';
import { encodeJson } from '../codec/json-codec';

export interface PublishOptions {
  /** JetStream de-duplication id (`Nats-Msg-Id`): a retry with the same id is stored once. */
  msgID?: string;
  /**
   * Optimistic concurrency: store only if the subject's last message has this
   * stream sequence (0 = the subject has no message yet). A conflict throws;
   * see `isWrongLastSequence`.
   */
  expectLastSubjectSequence?: number;
  timeoutMs?: number;
  /** Extra headers, for facts a reader needs without decoding the payload (see readLastHeadersPerSubject). */
  headers?: Record<string, string>;
}

/**
 * Checks `value` against its contract, then publishes it to JetStream and
 * waits for the stream's ack. A payload that breaks its contract never
 * reaches the bus (throws ContractViolation).
 */
export async function publishContract<T>(js: JetStreamClient, subject: string, contract: Contract<T>, value: T, opts: PublishOptions = {}): Promise<PubAck> {
  assertContract<T>(contract.name, contract.schema, value);
  let hdrs: MsgHdrs | undefined;
  if (opts.headers) {
    hdrs = headers();
    for (const [k, v] of Object.entries(opts.headers)) hdrs.set(k, v);
  }
  return js.publish(subject, encodeJson(value), {
    headers: hdrs,
    msgID: opts.msgID,
    timeout: opts.timeoutMs,
    expect: opts.expectLastSubjectSequence === undefined ? undefined : { lastSubjectSequence: opts.expectLastSubjectSequence },
  });
}

/** The publish lost an optimistic-concurrency race (JetStream error 10071). */
export function isWrongLastSequence(e: unknown): boolean {
  return (e as { api_error?: { err_code?: number } })?.api_error?.err_code === 10071;
}
