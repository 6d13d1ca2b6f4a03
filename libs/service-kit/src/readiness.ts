import type { JetStreamManager, NatsConnection } from 'nats';
import type { ReadinessCheck } from './health-server';

/** NATS answers: a round trip to the server (a connection that is reconnecting times out). */
export function natsReady(nc: NatsConnection): ReadinessCheck {
  return async () => {
    if (nc.isClosed()) return false;
    await nc.flush();
    return true;
  };
}

/** The durable consumer exists on the server (the service bound it and JetStream answers). */
export function consumerReady(jsm: JetStreamManager, stream: string, durable: string): ReadinessCheck {
  return async () => {
    await jsm.consumers.info(stream, durable);
    return true;
  };
}

/** PostgreSQL answers `SELECT 1` through the service's own pool. */
export function postgresReady(query: (sql: string) => Promise<unknown>): ReadinessCheck {
  return async () => {
    await query('SELECT 1');
    return true;
  };
}

/** Everything delivered to the durable consumer is settled (the agent: its current bundle applied or refused). */
export function consumerCaughtUp(jsm: JetStreamManager, stream: string, durable: string): ReadinessCheck {
  return async () => {
    const i = await jsm.consumers.info(stream, durable);
    return i.num_pending === 0 && i.num_ack_pending === 0;
  };
}
