import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages } from 'nats';
import { busTopology, decodeJson } from '@sdn/bus';
import { assertContract, CONTRACTS, ContractViolation, type NodeStatus } from '@sdn/contracts';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { NatsService } from '../core/nats.service';
import { Readiness } from '../health/readiness';
import type { Liveness, NodeReport } from './node-views';

export const NODE_LIVENESS = Symbol('NODE_LIVENESS');

/**
 * The latest status of every node, kept in memory from the status stream:
 * an ordered consumer starting with the last message per node subject, then
 * following new ones. Every API replica keeps its own copy; nothing is
 * acknowledged, so replicas do not share or steal messages.
 */
@Injectable()
export class NodeStatusProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('node-status');
  private readonly reports = new Map<string, NodeReport>();
  private readonly listeners = new Set<(r: NodeReport) => void>();
  private messages: ConsumerMessages | null = null;
  private stopped = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly nats: NatsService,
    private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.nats) return;
    // Ready while the consumer is bound: node views and applies' progress come from it.
    this.readiness.setCheck('node-status', () => this.messages !== null && !this.stopped);
    void this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
  }

  get(node: string): NodeReport | undefined {
    return this.reports.get(node);
  }

  all(): NodeReport[] {
    return [...this.reports.values()];
  }

  /** Calls `fn` with every report taken in (metrics); returns the unsubscribe function. */
  onReport(fn: (r: NodeReport) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Records a report, NodeStatus v1 or v2, kept as received: the views read
   * either, so a v2 report's vnet lists are never expanded per heartbeat.
   * (The consumer's path; tests call it directly.) A report older than the
   * one held is ignored.
   */
  ingest(status: NodeStatus, receivedAt: number): void {
    const have = this.reports.get(status.node);
    if (have && have.receivedAt > receivedAt) return;
    const report = { status, receivedAt };
    this.reports.set(status.node, report);
    for (const fn of this.listeners) fn(report);
  }

  private async follow(): Promise<void> {
    const nc = await this.nats.ready();
    const topology = busTopology(this.config.busNamespace);
    const { name, subjects } = topology.streams.status;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const consumer = await nc.jetstream().consumers.get(name, { filterSubjects: subjects, deliver_policy: DeliverPolicy.LastPerSubject });
        this.messages = await consumer.consume();
        if (this.stopped) this.messages.stop();
        attempt = 0;
        for await (const m of this.messages) {
          const node = topology.nodeOfSubject(m.subject);
          try {
            // Agents publish v2; v1 still comes from agents not yet upgraded.
            const status = assertContract<NodeStatus>(CONTRACTS.anyNodeStatus.name, CONTRACTS.anyNodeStatus.schema, decodeJson(m.data));
            // Status goes to the node's own subject; a report naming another node is not trusted.
            if (status.node !== node) throw new ContractViolation(CONTRACTS.anyNodeStatus.name, { node: `is ${status.node} on the subject of ${node}` });
            this.ingest(status, Math.floor(m.info.timestampNanos / 1e6));
          } catch (e) {
            this.log.warn(`ignoring status on ${m.subject}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        // No status stream yet (no agent ever started), or the connection closed.
        if (!this.stopped && attempt === 0) this.log.warn(`cannot follow node status: ${(e as Error).message}; retrying`);
      }
      this.messages = null;
      if (!this.stopped) await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
