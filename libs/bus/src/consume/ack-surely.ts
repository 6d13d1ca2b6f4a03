import type { JsMsg } from 'nats';

/**
 * Acks a message and waits for the server's confirmation, retrying while NATS
 * is away (a restart). Giving up at the first timeout would leave an event
 * that was already handled to be redelivered after ack_wait, possibly after
 * later events of the same key were handled: a replay out of order. The ack
 * stays valid across a server restart (the consumer's pending state is kept);
 * after `maxMs` the message is left to redelivery, which handlers tolerate.
 */
export async function ackSurely(m: Pick<JsMsg, 'ackAck'>, maxMs = 20_000): Promise<boolean> {
  const end = Date.now() + maxMs;
  for (;;) {
    try {
      return await m.ackAck();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
