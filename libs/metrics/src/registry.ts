import { collectDefaultMetrics, register, type Registry } from 'prom-client';

/**
 * Every service exposes prom-client's default global registry: the API on
 * `/metrics` of its own port, workers and agents on their metrics server
 * (SDN_METRICS_HOST:SDN_METRICS_PORT). Metrics defined in `sdn-metrics.ts`
 * register there on first use, so a service exports only what it measures.
 */
export const metricsRegistry: Registry = register;

let processMetrics = false;

/**
 * Process metrics (CPU, memory, event-loop lag, GC, handles). Kept under their
 * standard names (`process_*`, `nodejs_*`, no `sdn_` prefix) so the usual
 * Node.js dashboards and alerts work. Idempotent: prom-client throws when a
 * name is registered twice, and both the service skeleton and tests call it.
 */
export function startProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register });
  // prom-client exports these gauges with a `_total` suffix, which Prometheus reserves for
  // counters (promtool check metrics refuses them). The per-type gauges without the suffix stay
  // (`sum(nodejs_active_handles)` is the same number).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) register.removeSingleMetric(name);
}

/** The exposition text of the global registry, and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
