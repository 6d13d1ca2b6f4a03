import { Counter, type Gauge, Histogram, register } from 'prom-client';
import * as defs from './sdn-metrics';
import { renderMetrics, startProcessMetrics } from './registry';
import { promtoolCheck, promtoolMissing } from './testing/promtool';

type Metric = Counter<string> | Gauge<string> | Histogram<string>;
/** Every metric of sdn-metrics.ts, created (collected gauges: their gauge). */
function allMetrics(): Metric[] {
  return (Object.values(defs) as unknown[])
    .filter((d): d is () => unknown => typeof d === 'function')
    .map((d) => d())
    .map((m) => ((m as { gauge?: Metric }).gauge ?? m) as Metric);
}

describe('sdn metrics definitions', () => {
  it('follow the naming conventions: sdn_ prefix, counters end in _total, histograms name their unit', () => {
    const metrics = allMetrics();
    expect(metrics.length).toBeGreaterThanOrEqual(18);
    for (const m of metrics) {
      const { name, labelNames } = m as unknown as { name: string; labelNames: string[] };
      expect(name).toMatch(/^sdn_[a-z_]+$/);
      if (m instanceof Counter) expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (m instanceof Histogram) expect(name).toMatch(/_(seconds|bytes)$/);
      // Bounded label sets: nothing that names a user, token, address or request.
      for (const l of labelNames) expect(['method', 'route', 'status', 'reason', 'outcome', 'outbox', 'stream', 'consumer', 'trigger', 'node', 'state', 'ipam_type', 'operation', 'dns_type']).toContain(l);
    }
  });

  it('a registry holding every metric (with samples and process metrics) passes promtool check metrics', async () => {
    startProcessMetrics();
    startProcessMetrics(); // idempotent: the service skeleton and the API may both call it
    for (const m of allMetrics()) {
      const labels = Object.fromEntries(((m as unknown as { labelNames: string[] }).labelNames).map((l) => [l, 'x']));
      if (m instanceof Histogram) m.observe(labels, 0.5);
      else if (m instanceof Counter) m.inc(labels);
    }
    const stop = defs.outboxDepth().onCollect((g) => g.set({ outbox: 'api' }, 3));
    const failing = defs.outboxLag().onCollect(() => Promise.reject(new Error('database down')));
    const { body } = await renderMetrics();
    stop();
    failing();
    expect(body).toContain('sdn_outbox_events{outbox="api"} 3');
    // A failed collector leaves its series absent, not stale.
    expect(body).not.toMatch(/^sdn_outbox_oldest_event_age_seconds\{/m);
    expect(body).toMatch(/^process_resident_memory_bytes /m);
    const missing = promtoolMissing();
    if (missing) {
      console.log(`promtool check skipped: ${missing}`);
      return;
    }
    expect(promtoolCheck(body)).toBeNull();
    // The check can fail: a gauge named like a counter is refused.
    expect(promtoolCheck(`${body}# HELP sdn_bad_total x\n# TYPE sdn_bad_total gauge\nsdn_bad_total 1\n`)).toMatch(/_total/);
    register.resetMetrics();
  });
});
