import { assertContract, check, type Contract, ContractViolation } from '@sdn/contracts';
import type { NatsConnection, Subscription } from 'nats';
import { decodeJson, encodeJson } from '../codec/json-codec';

/**
 * Core-NATS request/reply with both messages checked against their
 * contracts: for questions whose answer is only worth something now (a
 * node's live routes), where a durable stream would only replay stale ones.
 */
export async function requestContract<Q, R>(nc: NatsConnection, subject: string, contracts: { request: Contract<Q>; reply: Contract<R> }, value: Q, timeoutMs: number): Promise<R> {
  assertContract<Q>(contracts.request.name, contracts.request.schema, value);
  const msg = await nc.request(subject, encodeJson(value), { timeout: timeoutMs });
  return assertContract<R>(contracts.reply.name, contracts.reply.schema, decodeJson(msg.data));
}

/**
 * Answers requests on `subject` one at a time per message as they come. A
 * request that breaks its contract gets `invalid(problem)` as the answer; a
 * handler's own answer is checked before it is sent. Returns the
 * subscription (unsubscribe to stop).
 */
export function serveContract<Q, R>(
  nc: NatsConnection,
  subject: string,
  contracts: { request: Contract<Q>; reply: Contract<R> },
  handler: (q: Q) => Promise<R>,
  invalid: (problem: string) => R,
  log: (m: string) => void,
): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return log(`${subject}: ${err.message}`);
      void (async () => {
        let answer: R;
        try {
          const q = decodeJson(msg.data);
          const problems = check(contracts.request.schema, q);
          answer = Object.keys(problems).length ? invalid(new ContractViolation(contracts.request.name, problems).message) : await handler(q as Q);
        } catch (e) {
          answer = invalid(e instanceof SyntaxError ? `${contracts.request.name}: not JSON` : (e as Error).message);
        }
        assertContract<R>(contracts.reply.name, contracts.reply.schema, answer);
        if (msg.reply) msg.respond(encodeJson(answer));
      })().catch((e: unknown) => log(`${subject}: answering failed: ${(e as Error).message}`));
    },
  });
}
