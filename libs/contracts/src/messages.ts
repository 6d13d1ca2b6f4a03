import { any, arrayOf, bool, check, ContractViolation, int, mapOf, nonEmptyStr, object, oneOf, optional, record, str, type Check } from './schema';

/**
 * Envelope of every domain event, as stored in the event store and published
 * on `sdn.events.<aggregate>.<event>` (message id = event id).
 */
export interface EventEnvelope<P = unknown> {
  /** UUID, also the JetStream message id (publish de-duplication). */
  id: string;
  /** Global sequence in the event store. */
  seq: number;
  /** Event name, e.g. `ZoneCreated`, `ConfigApplied`. */
  type: string;
  /** Version of the event's payload schema. */
  typeVersion: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  payload: P;
  /** Token id (`USER@REALM!TOKENID`) or service name that caused the event. */
  actor: string;
  correlationId: string;
  /** ISO-8601 time the event was appended. */
  time: string;
}

const eventEnvelopeFields: Record<string, Check> = {
  id: nonEmptyStr,
  seq: int,
  type: nonEmptyStr,
  typeVersion: int,
  aggregateType: nonEmptyStr,
  aggregateId: str,
  aggregateVersion: int,
  payload: any,
  actor: str,
  correlationId: str,
  time: nonEmptyStr,
};
export const eventEnvelopeSchema: Check = object(eventEnvelopeFields);

/** Envelope schema whose payload must also satisfy `payload` (consumers of one event type use this). */
export function eventEnvelopeOf(payload: Check): Check {
  return object({ ...eventEnvelopeFields, payload });
}

/** `ConfigApplied` v1: a new running config version. Aggregate `config`, id `running`. */
export interface ConfigAppliedV1 {
  version: number;
  /** The full running config snapshot in the reference's JSON shape. */
  running: Record<string, unknown>;
  /** Task id returned to the caller of `PUT /cluster/sdn`. */
  task?: string;
}
export const configAppliedV1Schema: Check = object({ version: int, running: record, task: optional(str) });
export const configAppliedEventSchema: Check = eventEnvelopeOf(configAppliedV1Schema);

/** Message on `sdn.node.<node>.bundle`: everything a node must run. */
export interface NodeBundleV1 {
  node: string;
  /** Running config version the bundle was rendered from. */
  version: number;
  /** sha256 of the files (hex), to skip unchanged bundles. */
  hash: string;
  files: { interfaces: string; frr?: string };
  task?: string;
  renderedAt: string;
  warnings?: string[];
}
export const nodeBundleV1Schema: Check = object({
  node: nonEmptyStr,
  version: int,
  hash: nonEmptyStr,
  files: object({ interfaces: str, frr: optional(str) }),
  task: optional(str),
  renderedAt: nonEmptyStr,
  warnings: optional(arrayOf(str)),
});

/** Message on `sdn.node.<node>.facts`: the node facts the renderer needs (`NodeFacts` of @sdn/render). */
export interface NodeFactsMessageV1 {
  node: string;
  facts: Record<string, unknown>;
  publishedAt: string;
}
export const nodeFactsV1Schema: Check = object({ node: nonEmptyStr, facts: record, publishedAt: nonEmptyStr });

/**
 * The shape of `NodeFactsMessageV1.facts` that the renderer reads (`NodeFacts`
 * of @sdn/render). Kept apart from `nodeFactsV1Schema` so the envelope stays
 * as agreed; the config service checks this before it renders with the facts.
 */
export const renderFactsV1Schema: Check = object({
  nodename: nonEmptyStr,
  interfaces: optional(record),
  addresses: mapOf(str),
  routes: arrayOf(object({ dst: nonEmptyStr, dev: optional(str), src: optional(str) })),
  bridges: mapOf(object({ ovs: bool, vlanAware: bool, ports: arrayOf(str) })),
  macs: mapOf(str),
  frrLocal: optional(str),
});

export type ObjectState = 'available' | 'pending' | 'error';

/** Message on `sdn.node.<node>.status`: what the node runs, per zone and vnet, plus heartbeat. */
export interface NodeStatusV1 {
  node: string;
  /** Running config version applied on the node (0 = none yet). */
  version: number;
  /** Outcome of the last apply attempt. */
  apply: { version: number; state: 'applied' | 'error' | 'pending'; message?: string; task?: string; at: string };
  zones: Record<string, { state: ObjectState; message?: string }>;
  vnets: Record<string, { zone: string; state: ObjectState; message?: string }>;
  heartbeatAt: string;
}
const stateCheck = oneOf('available', 'pending', 'error');
export const nodeStatusV1Schema: Check = object({
  node: nonEmptyStr,
  version: int,
  apply: object({ version: int, state: oneOf('applied', 'error', 'pending'), message: optional(str), task: optional(str), at: nonEmptyStr }),
  zones: mapOf(object({ state: stateCheck, message: optional(str) })),
  vnets: mapOf(object({ zone: str, state: stateCheck, message: optional(str) })),
  heartbeatAt: nonEmptyStr,
});

/** IP events published by the IPAM service (aggregate `ip`). */
export interface IpEventV1 {
  zone: string;
  vnet: string;
  subnet: string;
  ip: string;
  mac?: string;
  hostname?: string;
  vmid?: number | string;
  gateway?: boolean;
}
export const ipEventV1Schema: Check = object({
  zone: nonEmptyStr,
  vnet: str,
  subnet: nonEmptyStr,
  ip: nonEmptyStr,
  mac: optional(str),
  hostname: optional(str),
  vmid: optional(any),
  gateway: optional(bool),
});

/** Throws ContractViolation when `value` does not satisfy `schema`; use at publish and consume. */
export function assertContract<T>(name: string, schema: Check, value: unknown): T {
  const problems = check(schema, value);
  if (Object.keys(problems).length) throw new ContractViolation(name, problems);
  return value as T;
}
