import { assertContract, ContractViolation, type Contract } from '@sdn/contracts';
import { AckPolicy, DeliverPolicy, nanos, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';
import { watchJetStreamConsumer } from '@sdn/metrics';
import { decodeJson } from '../codec/json-codec';
import { ackSurely } from './ack-surely';
import type { BusLogger } from '../log/bus-logger';

export interface DurableConsumerSpec {
  stream: string;
  /** Durable name; every replica of a service uses the same one, so the stream's messages are shared out (work-queue style). */
  durable: string;
  filterSubject: string;
  /** Time a replica has to ack before the message goes to another; kept alive by `working()` while the handler runs. */
  ackWaitMs?: number;
  /** -1 (default): redeliver until handled — an event must never be dropped because a dependency was down. */
  maxDeliver?: number;
  /** Messages delivered and not yet acked, over all replicas (server default 1000); 1 keeps strict stream order across restarts. */
  maxAckPending?: number;
}

export interface ConsumeOptions<T> extends DurableConsumerSpec {
  contract: Contract<T>;
  /** Resolve when the message is fully processed (it is acked then); throw to have it redelivered later. */
  handle(value: T, msg: JsMsg): Promise<void>;
  log: BusLogger;
  /** Delay before a failed message is redelivered, by delivery count (default: 1 s doubling to 30 s). */
  retryDelayMs?(deliveryCount: number): number;
}

export interface RunningConsumer {
  /** Stops pulling, lets the message in hand finish (and be acked), returns unhandled ones to the stream. */
  stop(): Promise<void>;
  /** Resolves when the consume loop has ended (after `stop`, or when the connection closed). */
  readonly done: Promise<void>;
}

const DEFAULT_ACK_WAIT_MS = 30_000;
const defaultRetryDelay = (n: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, n - 1));
const isNotFound = (e: unknown) => (e as { api_error?: { err_code?: number } })?.api_error?.err_code === 10014;

/** Creates the durable pull consumer, or updates the settings that may change in place. Idempotent. */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec, log?: BusLogger): Promise<void> {
  const want: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    max_deliver: spec.maxDeliver ?? -1,
    ...(spec.maxAckPending !== undefined ? { max_ack_pending: spec.maxAckPending } : {}),
  };
  let have: ConsumerConfig | undefined;
  try {
    have = (await jsm.consumers.info(spec.stream, spec.durable)).config;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!have) {
    try {
      await jsm.consumers.add(spec.stream, want);
      log?.info('created consumer', { stream: spec.stream, durable: spec.durable });
      return;
    } catch (e) {
      // A replica created it first; compare with that one below.
      have = (await jsm.consumers.info(spec.stream, spec.durable).catch(() => Promise.reject(e))).config;
    }
  }
  if (have.filter_subject !== want.filter_subject) {
    throw new Error(`consumer ${spec.stream}/${spec.durable} filters ${have.filter_subject}, expected ${want.filter_subject}: delete it to change the filter`);
  }
  const ackPending = want.max_ack_pending !== undefined && have.max_ack_pending !== want.max_ack_pending;
  if (have.ack_wait !== want.ack_wait || have.max_deliver !== want.max_deliver || ackPending) {
    await jsm.consumers.update(spec.stream, spec.durable, { ack_wait: want.ack_wait, max_deliver: want.max_deliver, ...(ackPending ? { max_ack_pending: want.max_ack_pending } : {}) });
    log?.info('updated consumer', { stream: spec.stream, durable: spec.durable });
  }
}

/**
 * Runs a durable pull consumer: each message is decoded and checked against
 * its contract, handled, then acked (ack confirmed by the server, so a restart
 * right after does not handle it twice). A message that is not JSON or breaks
 * its contract is logged and terminated — redelivering it would fail the same
 * way forever. A handler error is logged and the message redelivered after a
 * backoff. Messages are handled one at a time per replica.
 */
export async function startDurableConsumer<T>(js: JetStreamClient, jsm: JetStreamManager, opts: ConsumeOptions<T>): Promise<RunningConsumer> {
  await ensureDurableConsumer(jsm, opts, opts.log);
  const consumer = await js.consumers.get(opts.stream, opts.durable);
  // One message in hand per replica: the rest stay on the server for other replicas.
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 1 });
  const ackWaitMs = opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const retryDelay = opts.retryDelayMs ?? defaultRetryDelay;
  const where = { stream: opts.stream, durable: opts.durable };
  let stopping = false;
  // Pending and redelivered counts of the durable, read from the server when Prometheus scrapes.
  const unwatch = watchJetStreamConsumer(jsm, opts.stream, opts.durable);

  const handleOne = async (m: JsMsg) => {
    let value: T;
    try {
      value = assertContract<T>(opts.contract.name, opts.contract.schema, decodeJson(m.data));
    } catch (e) {
      if (!(e instanceof ContractViolation || e instanceof SyntaxError)) throw e;
      opts.log.error('terminating message that breaks its contract', { ...where, subject: m.subject, seq: m.seq, error: e.message });
      m.term();
      return;
    }
    const keepAlive = setInterval(() => m.working(), Math.max(100, ackWaitMs / 3));
    try {
      await opts.handle(value, m);
    } catch (e) {
      const delay = retryDelay(m.info.redeliveryCount);
      opts.log.error('handler failed; message will be redelivered', { ...where, subject: m.subject, seq: m.seq, delivery: m.info.redeliveryCount, retryInMs: delay, error: String((e as Error)?.stack ?? e) });
      m.nak(delay);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    await ackSurely(m);
  };

  const done = (async () => {
    try {
      for await (const m of messages) {
        // Pulled before stop() but not started: give it straight back to the other replicas.
        if (stopping) {
          m.nak();
          continue;
        }
        try {
          await handleOne(m);
        } catch (e) {
          // Ack or decode infrastructure failure: the message is redelivered after ack_wait.
          opts.log.error('message processing failed', { ...where, seq: m.seq, error: String(e) });
        }
      }
    } catch (e) {
      // The connection was closed under the loop (only on shutdown: the bus reconnects forever otherwise).
      if (!stopping) opts.log.error('consumer stopped', { ...where, error: String(e) });
    } finally {
      unwatch();
    }
  })();

  return {
    done,
    async stop() {
      stopping = true;
      messages.stop();
      await done;
    },
  };
}
