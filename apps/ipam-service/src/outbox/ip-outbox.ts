import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { assertContract, EVENT_SOURCES, eventEnvelopeOf, ipEventV1Schema, type EventEnvelope, type IpEventV1 } from '@sdn/contracts';
import type { OutboxSource } from '@sdn/outbox';
import type { IpRecord } from '@sdn/ipam';

export type IpEventType = 'IpAllocated' | 'IpUpdated' | 'IpReleased';
type Q = Pick<EntityManager, 'query'>;

const ipEnvelopeSchema = eventEnvelopeOf(ipEventV1Schema);

/** The envelope of an IP event; its id doubles as `Nats-Msg-Id` when relayed. */
export function ipEnvelope(type: IpEventType, payload: IpEventV1, correlationId: string): EventEnvelope<IpEventV1> {
  return {
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
}

/** The event payload of an address as the service reports it (absent fields left out). */
export function ipEvent(x: IpRecord): IpEventV1 {
  const e: IpEventV1 = { zone: x.zone, vnet: x.vnet, subnet: x.subnet, ip: x.ip };
  if (x.mac) e.mac = x.mac;
  if (x.hostname) e.hostname = x.hostname;
  if (x.vmid) e.vmid = x.vmid;
  return e;
}

/** Call inside the transaction that changes the address: the event commits with it or not at all. */
export async function writeIpEvent(m: Q, env: EventEnvelope<IpEventV1>): Promise<void> {
  await m.query(`INSERT INTO ipam_event_outbox (id, envelope) VALUES ($1, $2::jsonb)`, [env.id, JSON.stringify(env)]);
}

/** Lock key of the one relaying replica (see `claim`). */
const RELAY_LOCK = [7421, 2];

/**
 * `ipam_event_outbox` for the shared relay. Only one replica relays at a time
 * (advisory lock): with SKIP LOCKED alone, two relays could publish a release
 * before the allocation it follows, and the DNS service would keep a record of
 * a released address. One relay publishing in seq order keeps an address's
 * events in order (a release is only written after its allocation committed).
 */
export const ipamOutboxSource: OutboxSource = {
  source: EVENT_SOURCES.ipamService,
  async claim(q, limit) {
    const [{ locked }] = await q.query(`SELECT pg_try_advisory_xact_lock($1, $2) AS locked`, RELAY_LOCK);
    if (!locked) return null;
    const rows: { envelope: EventEnvelope }[] = await q.query(`SELECT envelope FROM ipam_event_outbox ORDER BY seq LIMIT $1`, [limit]);
    return rows.map((r) => r.envelope);
  },
  async remove(q, events) {
    await q.query(`DELETE FROM ipam_event_outbox WHERE id = ANY($1::uuid[])`, [events.map((e) => e.id)]);
  },
  async backlog(q) {
    // The envelope's time is when the allocating transaction wrote it.
    const [r]: { n: string; age: number | null }[] = await q.query(
      `SELECT count(*) AS n, extract(epoch FROM now() - min((envelope->>'time')::timestamptz))::float8 AS age FROM ipam_event_outbox`,
    );
    return { events: Number(r.n), oldestAgeSeconds: Math.max(0, r.age ?? 0) };
  },
  check(ev) {
    assertContract<EventEnvelope>('IpEvent/v1 envelope', ipEnvelopeSchema, ev);
  },
};
