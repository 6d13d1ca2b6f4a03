import { Counter, exponentialBuckets, Gauge, Histogram } from 'prom-client';

/**
 * Every metric the services export, in one place: name, help and labels.
 * Conventions (Prometheus): `sdn_` prefix, base units in the name
 * (`_seconds`, `_bytes`), counters end in `_total`. Label values come from
 * small fixed sets (route templates, states, outcomes, IPAM/DNS types, node
 * names of the cluster): never a user, token, address, MAC or request id.
 *
 * Each metric is created (and registered on the global registry) the first
 * time a service uses it, so a service's `/metrics` lists what it measures.
 */
function once<T>(make: () => T): () => T {
  let m: T | undefined;
  return () => (m ??= make());
}

/** Fills a collected gauge at scrape time; may be async (a database or NATS query). */
export type GaugeCollector<L extends string> = (gauge: Gauge<L>) => Promise<void> | void;

/** A gauge whose values are read when Prometheus scrapes, from the collectors services attach. */
export interface CollectedGauge<L extends string> {
  gauge: Gauge<L>;
  /** Adds a collector; the returned function removes it (on shutdown). */
  onCollect(collector: GaugeCollector<L>): () => void;
}

/**
 * Values are cleared before each scrape, so a collector that fails (database
 * down) leaves its series absent rather than frozen at an old value.
 */
function collected<L extends string>(config: { name: string; help: string; labelNames: readonly L[] }): () => CollectedGauge<L> {
  return once(() => {
    const collectors = new Set<GaugeCollector<L>>();
    const gauge: Gauge<L> = new Gauge<L>({
      ...config,
      async collect() {
        gauge.reset();
        await Promise.all([...collectors].map(async (c) => {
          try {
            await c(gauge);
          } catch {
            // Absent series say "unknown"; the service's own logs say why.
          }
        }));
      },
    });
    return {
      gauge,
      onCollect(c) {
        collectors.add(c);
        return () => collectors.delete(c);
      },
    };
  });
}

/** Sub-millisecond to 10 s: request handling and database writes. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** 50 ms to 10 min: work that crosses services (apply on nodes, DNS registration). */
const PIPELINE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

// --- API -------------------------------------------------------------------

/** Labels: method, route (the route template, e.g. `/api2/json/cluster/sdn/zones/:zone`; `unmatched` for 404s), status (code). */
export const httpRequestDuration = once(
  () =>
    new Histogram({
      name: 'sdn_http_request_duration_seconds',
      help: 'API request handling time, by method, route template and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
    }),
);

/** Labels: status (401, 403), reason (no-credentials, bad-token, no-requirement, privilege, root-only, …). */
export const authFailures = once(
  () =>
    new Counter({
      name: 'sdn_auth_failures_total',
      help: 'Refused API requests (authentication or authorisation), by status and reason',
      labelNames: ['status', 'reason'] as const,
    }),
);

// --- Event store and outbox ------------------------------------------------

/** Labels: outcome (committed; stale: an optimistic write lost its bet and is decided again; aborted: refused by its decision or failed, rolled back). */
export const eventStoreWriteDuration = once(
  () =>
    new Histogram({
      name: 'sdn_event_store_write_duration_seconds',
      help: 'Event store write transactions (lock, events, projections, commit), by outcome',
      labelNames: ['outcome'] as const,
      buckets: LATENCY_BUCKETS,
    }),
);

/** Labels: outbox (api, ipam). Set by a collector at scrape time. */
export const outboxDepth = collected({
  name: 'sdn_outbox_events',
  help: 'Events committed but not yet published to JetStream, by outbox',
  labelNames: ['outbox'] as const,
});

/** Labels: outbox. 0 when the outbox is empty. */
export const outboxLag = collected({
  name: 'sdn_outbox_oldest_event_age_seconds',
  help: 'Age of the oldest unpublished event (relay lag), by outbox',
  labelNames: ['outbox'] as const,
});

/** Labels: outbox. */
export const outboxPublished = once(
  () =>
    new Counter({
      name: 'sdn_outbox_published_events_total',
      help: 'Events the outbox relay published to JetStream, by outbox',
      labelNames: ['outbox'] as const,
    }),
);

// --- JetStream consumers ---------------------------------------------------

/** Labels: stream, consumer (durable name: one per service role or node, bounded). */
export const jetstreamPending = collected({
  name: 'sdn_jetstream_consumer_pending_messages',
  help: 'Messages in the stream not yet delivered to the durable consumer',
  labelNames: ['stream', 'consumer'] as const,
});

export const jetstreamAckPending = collected({
  name: 'sdn_jetstream_consumer_ack_pending_messages',
  help: 'Messages delivered to the durable consumer and not yet acknowledged',
  labelNames: ['stream', 'consumer'] as const,
});

export const jetstreamRedelivered = collected({
  name: 'sdn_jetstream_consumer_redelivered_messages',
  help: 'Messages the durable consumer has had delivered more than once and not yet acknowledged',
  labelNames: ['stream', 'consumer'] as const,
});

// --- Config service --------------------------------------------------------

export const bundleRenderDuration = once(
  () =>
    new Histogram({
      name: 'sdn_bundle_render_duration_seconds',
      help: "Time to render one node's bundle (interfaces and frr.conf)",
      buckets: LATENCY_BUCKETS,
    }),
);

export const bundleSize = once(
  () =>
    new Histogram({
      name: 'sdn_bundle_size_bytes',
      help: 'Size of the rendered files of one node bundle, before compression',
      buckets: exponentialBuckets(1024, 4, 8),
    }),
);

/** Labels: trigger (config: an apply, facts: a node's facts changed). */
export const bundlesPublished = once(
  () =>
    new Counter({
      name: 'sdn_bundles_published_total',
      help: 'Node bundles published, by what triggered the render',
      labelNames: ['trigger'] as const,
    }),
);

// --- Nodes -----------------------------------------------------------------

/** Labels: node (the cluster's nodes: bounded by the cluster size). */
export const applyLatency = once(
  () =>
    new Histogram({
      name: 'sdn_apply_latency_seconds',
      help: 'Time from ConfigApplied (the apply committed) to the node reporting that version applied, by node',
      labelNames: ['node'] as const,
      buckets: PIPELINE_BUCKETS,
    }),
);

/** Labels: state (applied, pending, error, offline). Set by a collector at scrape time. */
export const nodesByState = collected({
  name: 'sdn_nodes',
  help: 'Nodes by state: applied (runs the running version), pending, error (last apply failed), offline (missed heartbeats)',
  labelNames: ['state'] as const,
});

// --- IPAM ------------------------------------------------------------------

/** Labels: ipam_type (pve, phpipam, netbox). */
export const ipamAllocations = once(
  () =>
    new Counter({
      name: 'sdn_ipam_allocations_total',
      help: 'Addresses allocated, by IPAM type',
      labelNames: ['ipam_type'] as const,
    }),
);

/** Labels: ipam_type. An allocation refused because the address is taken. */
export const ipamConflicts = once(
  () =>
    new Counter({
      name: 'sdn_ipam_conflicts_total',
      help: 'Allocations refused because the address is already in use, by IPAM type',
      labelNames: ['ipam_type'] as const,
    }),
);

/** Labels: ipam_type, operation (allocate, update, release). */
export const ipamFailures = once(
  () =>
    new Counter({
      name: 'sdn_ipam_failures_total',
      help: 'IPAM requests that failed (other than address conflicts), by IPAM type and operation',
      labelNames: ['ipam_type', 'operation'] as const,
    }),
);

// --- DNS -------------------------------------------------------------------

/** Labels: dns_type (powerdns). From the IP event's time to its records registered. */
export const dnsRegistrationLag = once(
  () =>
    new Histogram({
      name: 'sdn_dns_registration_lag_seconds',
      help: 'Time from an IP event to its DNS records registered, by DNS type',
      labelNames: ['dns_type'] as const,
      buckets: PIPELINE_BUCKETS,
    }),
);

/** Labels: dns_type. Each failed attempt (it is retried). */
export const dnsRegistrationFailures = once(
  () =>
    new Counter({
      name: 'sdn_dns_registration_failures_total',
      help: 'Failed DNS registration attempts (retried), by DNS type',
      labelNames: ['dns_type'] as const,
    }),
);
