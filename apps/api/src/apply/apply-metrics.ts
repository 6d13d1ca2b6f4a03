import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { applyLatency, nodesByState } from '@sdn/metrics';
import { SdnStateService } from '../core/sdn-state.service';
import { NODE_LIVENESS, NodeStatusProjection } from '../nodes/node-status.projection';
import { nodeState, type Liveness, type NodeReport } from '../nodes/node-views';
import { ApplyTasks } from './apply-tasks';

/**
 * `sdn_apply_latency_seconds{node}`: from the apply's ConfigApplied event to
 * the node's status saying it applied that version (the node's clock for the
 * end: agents run NTP like the hypervisors they manage), observed once per
 * node and apply. Reports older than this process are not observed, so a
 * restart does not count old applies again. Every API replica follows every
 * status, so each observes every apply: query one replica's series
 * (`max by (node)` or one `instance`), do not sum across replicas.
 *
 * `sdn_nodes{state}`: the node status projection read at scrape time.
 */
@Injectable()
export class ApplyMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('apply-metrics');
  private readonly since = Date.now();
  /** Last apply observed per node (`version@at`). */
  private readonly seen = new Map<string, string>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly nodes: NodeStatusProjection,
    private readonly tasks: ApplyTasks,
    private readonly sdn: SdnStateService,
    @Inject(NODE_LIVENESS) private readonly liveness: Liveness,
  ) {}

  onApplicationBootstrap(): void {
    this.stops.push(
      this.nodes.onReport((r) => void this.observe(r)),
      nodesByState().onCollect((g) => {
        const running = this.sdn.current.running?.version ?? 0;
        const counts = { applied: 0, pending: 0, error: 0, offline: 0 };
        const now = Date.now();
        for (const r of this.nodes.all()) counts[nodeState(r, running, now, this.liveness)]++;
        for (const [state, n] of Object.entries(counts)) g.set({ state }, n);
      }),
    );
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private async observe(r: NodeReport): Promise<void> {
    const { node, apply } = r.status;
    if (apply.state !== 'applied' || !apply.task) return;
    const at = Date.parse(apply.at);
    const key = `${apply.version}@${apply.at}`;
    if (!(at >= this.since) || this.seen.get(node) === key) return;
    this.seen.set(node, key);
    try {
      const task = await this.tasks.find(apply.task);
      if (!task || task.version !== apply.version) return;
      applyLatency().observe({ node }, Math.max(0, at - task.started.getTime()) / 1000);
    } catch (e) {
      this.log.warn(`apply latency of ${node} not recorded: ${(e as Error).message}`);
    }
  }
}
