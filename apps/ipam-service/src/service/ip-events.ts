import { randomUUID } from 'node:crypto';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import type { Bus } from '@sdn/bus';

export type IpEventType = 'IpAllocated' | 'IpUpdated' | 'IpReleased';
export type IpEventSink = (type: IpEventType, payload: IpEventV1, correlationId: string) => Promise<void>;

/**
 * Publishes IP events on JetStream. The envelope id doubles as `Nats-Msg-Id`, so a retried
 * publish is stored once. Published after the DB commit: a crash in between loses the event
 * (no outbox yet — see README/report).
 */
export function jetStreamIpEvents(bus: Pick<Bus, 'js' | 'topology'>): IpEventSink {
  return async (type, payload, correlationId) => {
    const env: EventEnvelope<IpEventV1> = {
      id: randomUUID(),
      seq: 0,
      type,
      typeVersion: 1,
      aggregateType: 'ip',
      aggregateId: `${payload.zone}/${payload.ip}`,
      aggregateVersion: 0,
      payload,
      actor: 'ipam-service',
      correlationId,
      time: new Date().toISOString(),
    };
    await bus.js.publish(bus.topology.eventSubject('ip', type), JSON.stringify(env), { msgID: env.id });
  };
}
