import type { Check } from './schema';
import {
  configAppliedEventSchema,
  eventEnvelopeSchema,
  ipEventV1Schema,
  nodeBundleV1Schema,
  nodeFactsV1Schema,
  nodeStatusV1Schema,
  type ConfigAppliedV1,
  type EventEnvelope,
  type IpEventV1,
  type NodeBundleV1,
  type NodeFactsMessageV1,
  type NodeStatusV1,
} from './messages';

/**
 * A message contract: a name for error messages and logs, the schema that
 * checks it, and (type only) the TypeScript shape it guarantees. Publish and
 * consume helpers take one of these, so a payload is checked at both edges
 * and the type cannot drift from the schema at the call site.
 */
export interface Contract<T> {
  readonly name: string;
  readonly schema: Check;
  /** Type carrier only; never set at runtime. */
  readonly __type?: T;
}

export function defineContract<T>(name: string, schema: Check): Contract<T> {
  return { name, schema };
}

export type ContractType<C> = C extends Contract<infer T> ? T : never;

/** Every message on the bus, by what it is. */
export const CONTRACTS = {
  event: defineContract<EventEnvelope>('EventEnvelope', eventEnvelopeSchema),
  configAppliedEvent: defineContract<EventEnvelope<ConfigAppliedV1>>('ConfigApplied/v1', configAppliedEventSchema),
  nodeBundle: defineContract<NodeBundleV1>('NodeBundle/v1', nodeBundleV1Schema),
  nodeFacts: defineContract<NodeFactsMessageV1>('NodeFacts/v1', nodeFactsV1Schema),
  nodeStatus: defineContract<NodeStatusV1>('NodeStatus/v1', nodeStatusV1Schema),
  ipEvent: defineContract<IpEventV1>('IpEvent/v1', ipEventV1Schema),
} as const;
