import {
  BUNDLES_STREAM,
  BUNDLES_SUBJECTS,
  EVENTS_STREAM,
  EVENTS_SUBJECTS,
  FACTS_STREAM,
  FACTS_SUBJECTS,
  STATUS_STREAM,
  STATUS_SUBJECTS,
  bundleSubject,
  bundleVersionSubject,
  eventSubject,
  factsSubject,
  nodeQuerySubject,
  statusSubject,
} from '@sdn/contracts';

export interface StreamName {
  name: string;
  /** The stream's subject filter, e.g. `sdn.node.*.bundle`. */
  subjects: string;
}

/**
 * Stream names and subjects as one value, so a whole service can be pointed at
 * an isolated copy of the bus. Production uses the empty namespace: exactly
 * the names of @sdn/contracts. A namespace (tests, or a second installation on
 * a shared NATS) prefixes every subject with `<ns>.` and every stream name with
 * `<NS>_`, so nothing it publishes or consumes touches the real streams.
 */
export interface BusTopology {
  readonly namespace: string;
  readonly streams: { events: StreamName; bundles: StreamName; facts: StreamName; status: StreamName };
  eventSubject(aggregate: string, event: string): string;
  bundleSubject(node: string): string;
  /** Version-only messages of a node (NodeBundleVersionV1), stored in the bundles stream. */
  bundleVersionSubject(node: string): string;
  factsSubject(node: string): string;
  statusSubject(node: string): string;
  /** Request/reply questions to one node's agent (not a stream). */
  querySubject(node: string): string;
  /** The node token of a `…sdn.node.<node>.<kind>` subject, or undefined for any other subject. */
  nodeOfSubject(subject: string): string | undefined;
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]+$/;

export function busTopology(namespace = ''): BusTopology {
  if (namespace !== '' && !NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(`bus namespace "${namespace}" must match ${NAMESPACE_PATTERN}`);
  }
  const subject = (s: string) => (namespace ? `${namespace}.${s}` : s);
  const stream = (name: string, subjects: string): StreamName => ({
    name: namespace ? `${namespace.toUpperCase().replace(/-/g, '_')}_${name}` : name,
    subjects: subject(subjects),
  });
  // Index of <node> in `sdn.node.<node>.<kind>` once the namespace token is counted.
  const nodeToken = namespace ? 3 : 2;
  return {
    namespace,
    streams: {
      events: stream(EVENTS_STREAM, EVENTS_SUBJECTS),
      bundles: stream(BUNDLES_STREAM, BUNDLES_SUBJECTS),
      facts: stream(FACTS_STREAM, FACTS_SUBJECTS),
      status: stream(STATUS_STREAM, STATUS_SUBJECTS),
    },
    eventSubject: (aggregate, event) => subject(eventSubject(aggregate, event)),
    bundleSubject: (node) => subject(bundleSubject(node)),
    bundleVersionSubject: (node) => subject(bundleVersionSubject(node)),
    factsSubject: (node) => subject(factsSubject(node)),
    statusSubject: (node) => subject(statusSubject(node)),
    querySubject: (node) => subject(nodeQuerySubject(node)),
    nodeOfSubject(s) {
      const tokens = s.split('.');
      if (tokens.length !== nodeToken + 2 || (namespace && tokens[0] !== namespace)) return undefined;
      if (tokens[nodeToken - 2] !== 'sdn' || tokens[nodeToken - 1] !== 'node') return undefined;
      return tokens[nodeToken];
    },
  };
}

