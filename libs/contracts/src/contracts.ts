import type { Check } from './schema';
import {
  configAppliedEventSchema,
  eventEnvelopeSchema,
  ipEventV1Schema,
  nodeBundleV1Schema,
  nodeBundleVersionV1Schema,
  nodeFactsV1Schema,
  nodeStatusV1Schema,
  type ConfigAppliedV1,
  type EventEnvelope,
  type IpEventV1,
  type NodeBundleV1,
  type NodeBundleVersionV1,
  type NodeFactsMessageV1,
  type NodeStatusV1,
} from './messages';
import { nodeQueryReplyV1Schema, nodeQueryV1Schema, type NodeQueryReplyV1, type NodeQueryV1 } from './node-query';
import { nodeStatusSchema, nodeStatusV2Schema, type NodeStatus, type NodeStatusV2 } from './node-status';

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
  nodeBundleVersion: defineContract<NodeBundleVersionV1>('NodeBundleVersion/v1', nodeBundleVersionV1Schema),
  nodeFacts: defineContract<NodeFactsMessageV1>('NodeFacts/v1', nodeFactsV1Schema),
  nodeStatus: defineContract<NodeStatusV1>('NodeStatus/v1', nodeStatusV1Schema),
  nodeStatusV2: defineContract<NodeStatusV2>('NodeStatus/v2', nodeStatusV2Schema),
  /** What status readers accept: v1 or v2 (agents of either release). */
  anyNodeStatus: defineContract<NodeStatus>('NodeStatus', nodeStatusSchema),
  ipEvent: defineContract<IpEventV1>('IpEvent/v1', ipEventV1Schema),
  nodeQuery: defineContract<NodeQueryV1>('NodeQuery/v1', nodeQueryV1Schema),
  nodeQueryReply: defineContract<NodeQueryReplyV1>('NodeQueryReply/v1', nodeQueryReplyV1Schema),
} as const;
