import { IPAM_PATTERNS, ipamDhcpLeaseSubject, NODE_NAME_PATTERN } from '@sdn/contracts';
import type { DurableConsumerSpec } from '../consume/durable-consumer';
import type { BusTopology } from '../topology/bus-topology';

/** The services that connect to NATS, each with its own identity. */
export const SERVICE_IDENTITIES = ['api', 'config-service', 'ipam-service', 'dns-service'] as const;
export type ServiceIdentity = (typeof SERVICE_IDENTITIES)[number];

/**
 * Who a NATS connection is. `admin` is for operators (the `nats` CLI,
 * repairs) and may do everything; keep its credentials off the nodes.
 */
export type NatsIdentity =
  | { kind: 'node'; node: string }
  | { kind: 'service'; service: ServiceIdentity }
  | { kind: 'admin' }
  /** An audit consumer: reads the events stream through its own durable consumer, nothing else. */
  | { kind: 'auditor'; name: string };

/** Auditor names become consumer names and inbox tokens: letters, digits, `-` and `_`. */
export const AUDITOR_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function parseNatsIdentity(text: string): NatsIdentity {
  if (text === 'admin') return { kind: 'admin' };
  if ((SERVICE_IDENTITIES as readonly string[]).includes(text)) return { kind: 'service', service: text as ServiceIdentity };
  const m = /^node:(.*)$/.exec(text);
  if (m && NODE_NAME_PATTERN.test(m[1])) return { kind: 'node', node: m[1] };
  const a = /^auditor:(.*)$/.exec(text);
  if (a && AUDITOR_NAME_PATTERN.test(a[1])) return { kind: 'auditor', name: a[1] };
  throw new Error(
    `unknown NATS identity '${text}': expected node:<node> (node name ${NODE_NAME_PATTERN}), auditor:<name> (${AUDITOR_NAME_PATTERN}), admin, or one of ${SERVICE_IDENTITIES.join(', ')}`,
  );
}

export function natsIdentityName(id: NatsIdentity): string {
  if (id.kind === 'node') return `node:${id.node}`;
  if (id.kind === 'auditor') return `auditor:${id.name}`;
  return id.kind === 'service' ? id.service : 'admin';
}

/** Durable consumer name of an audit consumer on the events stream. */
export function auditorDurable(name: string): string {
  return `audit-${name}`;
}

/**
 * The durable consumer an auditor reads the events stream through: every
 * event from the first, explicit acks, one message outstanding at a time (so
 * a consumer restarted after a crash gets the unacknowledged event again
 * before any later one: the log stays in stream order across restarts), and
 * a short ack wait so that redelivery after a crash comes quickly. Created by
 * an operator with the admin identity (`sdnctl nats auditor NAME`), not by the
 * auditor: whoever may create a consumer may also point a push consumer's
 * deliveries at any subject.
 */
export function auditorConsumer(t: BusTopology, name: string): DurableConsumerSpec {
  return { stream: t.streams.events.name, durable: auditorDurable(name), filterSubject: t.streams.events.subjects, ackWaitMs: 5_000, maxAckPending: 1 };
}

/** Reply subjects of an auditor's connection (like a node's: its own prefix only). */
export function auditorInboxPrefix(name: string): string {
  return `_INBOX_audit_${name}`;
}

/** Durable consumer name of a node's agent on the bundles stream. */
export function nodeAgentDurable(node: string): string {
  return `node-agent-${node}`;
}

/**
 * The durable consumer a node agent reads its bundles through. The config
 * service creates it before the node's first bundle; a node identity may
 * not create consumers, because where a push consumer delivers is not
 * subject to the creator's permissions (it could inject messages anywhere).
 */
export function nodeBundleConsumer(t: BusTopology, node: string): DurableConsumerSpec {
  // An ifreload of thousands of vnets takes long; working() keeps the message the agent's meanwhile.
  return { stream: t.streams.bundles.name, durable: nodeAgentDurable(node), filterSubject: t.bundleSubject(node), ackWaitMs: 120_000 };
}

/**
 * Durable consumer name of a node's agent on its version-only messages
 * (bundles stream). `_` cannot occur in a node name, so no node's bundle
 * durable (`node-agent-<node>`) is another node's version durable.
 */
export function nodeAgentVersionDurable(node: string): string {
  return `node-agent-${node}_version`;
}

/**
 * The durable consumer a node agent reads its version-only messages
 * through, made like nodeBundleConsumer. A second consumer because the
 * NATS servers we support (2.9) filter a consumer on one subject; the agent
 * does not rely on the order between the two (NodeBundleVersionV1).
 */
export function nodeBundleVersionConsumer(t: BusTopology, node: string): DurableConsumerSpec {
  return { stream: t.streams.bundles.name, durable: nodeAgentVersionDurable(node), filterSubject: t.bundleVersionSubject(node), ackWaitMs: 120_000 };
}

/**
 * Reply subjects of a node agent's connection. A node may subscribe only
 * under its own prefix, so it never sees replies meant for anyone else.
 */
export function nodeInboxPrefix(node: string): string {
  return `_INBOX_node_${node}`;
}

export interface SubjectRules {
  allow?: string[];
  deny?: string[];
}

/** A nats-server user's `permissions` block. */
export interface NatsPermissions {
  /** May publish to the reply subject of a request it received (once per request): how a node answers queries. */
  allowResponses?: boolean;
  publish: SubjectRules;
  subscribe: SubjectRules;
}

const JS = '$JS.API';
/** The IPAM service's events (event catalog, aggregate `ip`); named one by one so no wildcard reaches a node. */
export const IP_EVENT_TYPES = ['IpAllocated', 'IpUpdated', 'IpReleased'] as const;

/**
 * What each identity may publish and subscribe to, derived from the bus
 * topology (so a namespaced installation gets namespaced rules).
 *
 * A node agent gets exactly what its code path uses: publish its own facts
 * and status; pull its own bundles from its own durable consumer (created
 * by the config service, see nodeBundleConsumer) and read its own last
 * bundle (a direct get names the subject, so the rule can); ack only that
 * consumer's messages; get replies only under its own inbox prefix. It
 * creates, changes and deletes nothing on the server. Only the config service may publish bundles; the other
 * services may not publish any node subject nor touch the bundles stream's
 * contents or consumers.
 */
export function natsPermissions(id: NatsIdentity, t: BusTopology): NatsPermissions {
  const { bundles, events, facts, status } = t.streams;
  const ns = (s: string) => (t.namespace ? `${t.namespace}.${s}` : s);
  if (id.kind === 'admin') return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
  if (id.kind === 'auditor') {
    // Read-only: its own consumer's info, next messages and acks, the events stream's info. No publish to any subject.
    const durable = auditorDurable(id.name);
    return {
      publish: {
        allow: [
          `${JS}.INFO`,
          `${JS}.STREAM.INFO.${events.name}`,
          `${JS}.CONSUMER.INFO.${events.name}.${durable}`,
          `${JS}.CONSUMER.MSG.NEXT.${events.name}.${durable}`,
          `$JS.ACK.${events.name}.${durable}.>`,
        ],
      },
      subscribe: { allow: [`${auditorInboxPrefix(id.name)}.>`] },
    };
  }
  if (id.kind === 'node') {
    const durable = nodeAgentDurable(id.node);
    return {
      publish: {
        allow: [
          t.factsSubject(id.node),
          t.statusSubject(id.node),
          `${JS}.INFO`,
          ...[events, bundles, facts, status].map((s) => `${JS}.STREAM.INFO.${s.name}`),
          ...[durable, nodeAgentVersionDurable(id.node)].flatMap((d) => [
            `${JS}.CONSUMER.INFO.${bundles.name}.${d}`,
            `${JS}.CONSUMER.MSG.NEXT.${bundles.name}.${d}`,
            `$JS.ACK.${bundles.name}.${d}.>`,
          ]),
          // The node's last bundle at start (status after a restart).
          `${JS}.DIRECT.GET.${bundles.name}.${t.bundleSubject(id.node)}`,
          `${JS}.DIRECT.GET.${bundles.name}.${t.bundleVersionSubject(id.node)}`,
          // Its DHCP servers' static entries: the IPAM's addresses of a zone it serves.
          ns(IPAM_PATTERNS.list),
          // What its DHCP servers saw, on its own subject: the IPAM hands out range addresses and
          // releases only the ones it handed out this way, never allocates or releases for a node otherwise.
          ns(ipamDhcpLeaseSubject(id.node)),
        ],
      },
      // Its own query subject: the API's questions about this node's live state; the IP
      // events (as published, no consumer) tell its DHCP servers when to re-read the IPAM.
      subscribe: { allow: [`${nodeInboxPrefix(id.node)}.>`, t.querySubject(id.node), ...IP_EVENT_TYPES.map((e) => t.eventSubject('ip', e))] },
      allowResponses: true,
    };
  }
  // Only a node answers questions about itself: no service may listen on a node's query subject.
  const queries = t.querySubject('*');
  const nodeSubjects = ns('sdn.node.>');
  if (id.service === 'config-service') {
    // The bundle publisher; node facts and status come only from the nodes themselves.
    return { publish: { allow: ['>'], deny: [t.factsSubject('*'), t.statusSubject('*')] }, subscribe: { allow: ['>'], deny: [queries] } };
  }
  const b = bundles.name;
  return {
    publish: {
      allow: ['>'],
      deny: [
        // The API asks nodes questions (request/reply); nothing else of a node's subjects is a service's to publish.
        ...(id.service === 'api' ? [t.bundleSubject('*'), t.bundleVersionSubject('*'), t.factsSubject('*'), t.statusSubject('*')] : [nodeSubjects]),
        // No rewriting or emptying of the bundles stream, and no hand on the agents' consumers.
        ...['UPDATE', 'DELETE', 'PURGE', 'MSG.DELETE'].map((op) => `${JS}.STREAM.${op}.${b}`),
        `${JS}.CONSUMER.CREATE.${b}`,
        `${JS}.CONSUMER.CREATE.${b}.>`,
        `${JS}.CONSUMER.DURABLE.CREATE.${b}.>`,
        `${JS}.CONSUMER.DELETE.${b}.>`,
        `${JS}.CONSUMER.MSG.NEXT.${b}.>`,
        `$JS.ACK.${b}.>`,
      ],
    },
    subscribe: { allow: ['>'], deny: [t.bundleSubject('*'), t.bundleVersionSubject('*'), queries] },
  };
}
