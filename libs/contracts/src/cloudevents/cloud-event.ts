import type { EventEnvelope } from '../messages';

/**
 * CloudEvents 1.0 attributes of a domain event, as carried in NATS headers
 * (binary content mode of the CloudEvents NATS binding: `ce-<attribute>`
 * headers, the payload untouched, `Content-Type` = datacontenttype). Audit
 * consumers and generic CloudEvents tooling read these without knowing the
 * SDN envelope; our own services keep reading the envelope.
 */
export const CLOUDEVENTS_SPECVERSION = '1.0';

/** `ce-source` of the events the API writes to its log, and of the IPAM service's address events. */
export const EVENT_SOURCES = { eventStore: '/sdn/event-store', ipamService: '/sdn/ipam-service' } as const;

/** `ce-type`: reverse-DNS style, versioned with the payload schema (`sdn.zone.ZoneCreated.v1`). */
export function cloudEventType(ev: Pick<EventEnvelope, 'aggregateType' | 'type' | 'typeVersion'>): string {
  return `sdn.${ev.aggregateType}.${ev.type}.v${ev.typeVersion}`;
}

/** Where the payload's JSON Schema is served by the API (`ce-dataschema`), relative to the API root. */
export function eventSchemaPath(type: string, typeVersion: number): string {
  return `/api2/json/cluster/sdn/events/schemas/${encodeURIComponent(type)}/v${typeVersion}`;
}

export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  specversion: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  dataschema: string;
  /** The CloudEvents `sequence` extension: the event store's `seq` (absent for events outside the log, seq 0). */
  sequence?: string;
}

export function cloudEventAttributes(ev: EventEnvelope, source: string): CloudEventAttributes {
  const a: CloudEventAttributes = {
    id: ev.id,
    source,
    type: cloudEventType(ev),
    specversion: CLOUDEVENTS_SPECVERSION,
    time: ev.time,
    subject: `${ev.aggregateType}/${ev.aggregateId}`,
    datacontenttype: 'application/json',
    dataschema: eventSchemaPath(ev.type, ev.typeVersion),
  };
  if (ev.seq > 0) a.sequence = String(ev.seq);
  return a;
}

/** The NATS headers of a CloudEvent in binary content mode. */
export function cloudEventHeaders(a: CloudEventAttributes): [string, string][] {
  const out: [string, string][] = [['Content-Type', a.datacontenttype]];
  for (const [k, v] of Object.entries(a)) if (k !== 'datacontenttype' && v !== undefined) out.push([`ce-${k}`, v]);
  return out;
}

/** Reads the attributes back from headers (the example audit consumer and tests). */
export function cloudEventFromHeaders(get: (name: string) => string | undefined): Partial<CloudEventAttributes> {
  const out: Record<string, string> = {};
  for (const k of ['id', 'source', 'type', 'specversion', 'time', 'subject', 'dataschema', 'sequence']) {
    const v = get(`ce-${k}`);
    if (v) out[k] = v;
  }
  const ct = get('Content-Type');
  if (ct) out.datacontenttype = ct;
  return out as Partial<CloudEventAttributes>;
}
