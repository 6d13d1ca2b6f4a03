import type { NodeFactsMessageV1 } from '@sdn/contracts';
import { CONTRACTS, type ConfigAppliedV1, type EventEnvelope } from '@sdn/contracts';
import { startDurableConsumer, type Bus, type RunningConsumer } from '@sdn/bus';
import { bundleRenderDuration, bundleSize, bundlesPublished } from '@sdn/metrics';
import type { RunningConfig } from '@sdn/model';
import { planBundles, type BundlePlan, type ConfigVersion, type PlanInput, type RenderMemo, type SkipReason } from '../planner/plan-bundles';
import { BundleBus, BundleTooLargeError, type PublishOutcome, type StoredBundle } from '../bundles/bundle-bus';
import { natsIpamCall, reconcileDhcpPorts, type IpamCall } from '../dhcp-ports/dhcp-port-reservations';

export interface ConfigServiceOptions {
  bus: Bus;
  /** Durable consumer names are `<durablePrefix>-config-applied` and `<durablePrefix>-facts`; replicas share them. */
  durablePrefix?: string;
  ackWaitMs?: number;
  retryDelayMs?(deliveryCount: number): number;
  render?: PlanInput['render'];
  clock?(): Date;
  /** The IPAM's request/reply, for the DHCP ports' addresses (default: IPAM_PATTERNS on the bus). */
  ipam?: IpamCall;
  /** Called once a handled message's bundles are all published, before the message is acked (metrics, tests). */
  afterPublished?(report: ReconcileReport): Promise<void> | void;
}

/** What one reconcile did, for the log line and for tests. */
export interface ReconcileReport {
  trigger: 'config' | 'facts';
  version?: number;
  /** Of the rendered config's ConfigApplied event. */
  correlationId?: string;
  published: string[];
  /** Nodes sent a version-only message (their files changed only in the version line). */
  versionOnly: string[];
  /** Nodes rendered (summed over rounds); the others had the inputs of their last render here. */
  rendered: number;
  skipped: Partial<Record<SkipReason | 'too-large', string[]>>;
  /** Rounds needed because another writer published a node's bundle in between (compare-and-set conflicts). */
  rounds: number;
  ms: number;
  /**
   * Where the time went (summed over rounds): reading bundles/config/facts;
   * rendering every node (packing and publishing of the first ones overlap
   * it); then waiting for the remaining packs and publish acks.
   */
  phases: { readMs: number; renderMs: number; publishMs: number };
}

/** Conflicts on the same node in a row before the message is given back for redelivery. */
const MAX_ROUNDS = 8;

/** Planning time after which the node loop lets its sends go (and the event loop breathe). */
const YIELD_AFTER_MS = 5;

/**
 * Keeps every node's bundle equal to the render of the latest running config
 * with the node's latest facts. Two triggers, each a durable pull consumer
 * shared by all replicas (each message handled once):
 * - `ConfigApplied`: render all nodes for that version;
 * - facts of a node: render that node for the latest running config.
 * A message is acked only after its bundles are stored. Every bundle is a
 * compare-and-set on the node's subject, so replicas and both triggers can
 * race without an older render overwriting a newer one.
 */
export class ConfigService {
  private readonly store: BundleBus;
  private readonly consumers: RunningConsumer[] = [];
  private readonly log;
  /** The ConfigApplied consumer's name, once started. */
  private configDurable?: string;
  /** Versions of the ConfigApplied events this replica handled (superseded ones included). */
  readonly handledVersions: number[] = [];
  /**
   * Each node's last render here, by its inputs: a change of one vnet then
   * renders only the nodes whose cut of the config (or facts) changed, and
   * the others' files are their last ones re-versioned. In memory: the
   * decisions need no stored state (another replica, or this one after a
   * restart, renders the node once and decides the same), and render keys
   * compare only within one process. One entry per node with facts.
   */
  private readonly renders = new Map<string, RenderMemo>();

  constructor(private readonly opts: ConfigServiceOptions) {
    this.store = new BundleBus(opts.bus);
    this.log = opts.bus.log;
  }

  async start(): Promise<void> {
    const { bus } = this.opts;
    const prefix = this.opts.durablePrefix ?? 'config-service';
    this.configDurable = `${prefix}-config-applied`;
    const common = { log: this.log, ackWaitMs: this.opts.ackWaitMs, retryDelayMs: this.opts.retryDelayMs };
    this.consumers.push(
      await startDurableConsumer(bus.js, bus.jsm, {
        ...common,
        stream: bus.topology.streams.events.name,
        durable: this.configDurable,
        filterSubject: bus.topology.eventSubject('config', 'ConfigApplied'),
        contract: CONTRACTS.configAppliedEvent,
        // `pending` counts the ConfigApplied events stored after this one (the consumer filters on that subject).
        handle: (event, msg) => this.onConfigApplied(event, msg.info.pending, msg.info.streamSequence),
      }),
      await startDurableConsumer(bus.js, bus.jsm, {
        ...common,
        stream: bus.topology.streams.facts.name,
        durable: `${prefix}-facts`,
        filterSubject: bus.topology.streams.facts.subjects,
        contract: CONTRACTS.nodeFacts,
        handle: (facts, msg) => this.onFacts(facts, msg.subject),
      }),
    );
    this.log.info('config service consuming ConfigApplied and node facts', { durablePrefix: prefix });
  }

  /** Finishes the messages in hand (and acks them); unstarted ones go back to the other replicas. */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }

  /** `newer`: how many ConfigApplied events follow this one in the stream. */
  /** `seq`: the event's stream sequence (facts updates then reuse its config instead of reading it back). */
  async onConfigApplied(event: EventEnvelope<ConfigAppliedV1>, newer = 0, seq?: number): Promise<void> {
    const { version, running, task } = event.payload;
    const { correlationId } = event;
    this.handledVersions.push(version);
    // A backlog (restart, burst of applies) needs only its newest config rendered;
    // the newer event is still to be delivered, so skipping this one loses nothing.
    if (newer > 0) {
      this.log.info('ConfigApplied superseded by a newer one, not rendered', { version, newer, correlationId });
      return;
    }
    this.log.info(`ConfigApplied: rendering version ${version}`, { version, task, correlationId, eventId: event.id, seq: event.seq });
    const config: ConfigVersion = { version, running: running as RunningConfig, task, correlationId: correlationId || undefined };
    if (seq !== undefined) this.store.rememberConfig(seq, config);
    await this.reconcile('config', async () => config);
  }

  async onFacts(message: NodeFactsMessageV1, subject: string): Promise<void> {
    const node = this.opts.bus.topology.nodeOfSubject(subject);
    if (!node) return;
    // Render against the facts stored now, not the message: a newer facts message may have replaced it.
    await this.reconcile('facts', () => this.store.latestConfig(this.configDurable), [node]);
  }

  /**
   * Plans and publishes until no node had a conflict. The latest bundles are
   * read before the facts (and the config), so a bundle stored by anyone after
   * our facts read fails our compare-and-set and the node is re-planned with
   * fresh facts.
   */
  async reconcile(trigger: ReconcileReport['trigger'], config: () => Promise<ConfigVersion | undefined>, nodes?: string[]): Promise<ReconcileReport> {
    const t0 = performance.now();
    const report: ReconcileReport = { trigger, published: [], versionOnly: [], rendered: 0, skipped: {}, rounds: 0, ms: 0, phases: { readMs: 0, renderMs: 0, publishMs: 0 } };
    const phase = (name: keyof ReconcileReport['phases'], since: number) => {
      const now = performance.now();
      report.phases[name] += Math.round(now - since);
      return now;
    };
    let todo = nodes;
    while (todo === undefined || todo.length > 0) {
      if (++report.rounds > MAX_ROUNDS) throw new Error(`bundles of ${todo?.join(', ')} kept changing under us (${MAX_ROUNDS} rounds)`);
      let t = performance.now();
      const lastBundles = await this.store.lastBundles(todo);
      const cfg = await config();
      if (!cfg) break;
      report.version = cfg.version;
      report.correlationId = cfg.correlationId;
      const facts = await this.store.latestFacts(todo);
      if (report.rounds === 1) await this.reserveDhcpPorts(cfg, [...facts.keys()], todo === undefined);
      if (todo === undefined) for (const node of this.renders.keys()) if (!facts.has(node)) this.renders.delete(node);
      t = phase('readMs', t);
      // Node by node, each bundle sent off as soon as it is rendered: packing (zlib's thread pool) and
      // the publish proceed while the next node renders, so the first nodes apply while the last render.
      const plan: BundlePlan = { publish: [], contentKeys: new Map(), versionOnly: [], skipped: [], rendered: 0 };
      const sending: Promise<PublishOutcome | BundleTooLargeError>[] = [];
      const bumping: Promise<PublishOutcome>[] = [];
      const now = (this.opts.clock?.() ?? new Date()).toISOString();
      let yielded = performance.now();
      for (const node of [...facts.keys()].sort()) {
        const endRender = bundleRenderDuration().startTimer();
        const one = planBundles({ config: cfg, facts: new Map([[node, facts.get(node)!]]), lastBundles, now, render: this.opts.render, renders: this.renders });
        // A node its last render served costs no render: the histogram stays the renderer's.
        if (one.rendered) endRender();
        report.rendered += one.rendered;
        plan.skipped.push(...one.skipped);
        const last = lastBundles.get(node);
        for (const b of one.publish) {
          plan.publish.push(b);
          sending.push(this.store.publish(b, last?.seq ?? 0, one.contentKeys.get(b.node)).catch((e: unknown) => (e instanceof BundleTooLargeError ? e : Promise.reject(e))));
        }
        for (const v of one.versionOnly) plan.versionOnly.push(v);
        // Sends leave when the loop yields, every few ms of planning: bundles still go out while later nodes
        // render, and the messages of many quick (re-versioned) nodes share a socket write instead of one each.
        if (performance.now() - yielded >= YIELD_AFTER_MS) {
          await new Promise((r) => setImmediate(r));
          yielded = performance.now();
        }
      }
      t = phase('renderMs', t);
      // The nodes whose files really change get their bundles first; a version-only message only
      // rewrites a comment line, so it waits the few ms those publishes take rather than the
      // changed nodes queueing behind hundreds of version-only messages (bench:scale).
      const outcomes = await Promise.all(sending);
      for (const v of plan.versionOnly) bumping.push(this.store.publishVersion(v, lastBundles.get(v.node)?.versionSeq ?? 0));
      const bumped = await Promise.all(bumping);
      // Each compare-and-set sees one subject only: a full bundle and a version-only message stored
      // for one node by two writers at once would each pass. The later of the two sees the other here.
      const crossed = await this.crossedWriters(lastBundles, plan, todo);
      phase('publishMs', t);
      todo = [];
      plan.publish.forEach((b, i) => {
        const outcome = outcomes[i];
        if (outcome === 'conflict' || (outcome === 'stored' && crossed.has(b.node))) todo!.push(b.node);
        else if (outcome instanceof BundleTooLargeError) {
          (report.skipped['too-large'] ??= []).push(b.node);
          this.log.error(outcome.message, { node: b.node, version: b.version, bytes: outcome.bytes, maxPayload: outcome.maxPayload });
        }
        // Another writer stored exactly this transition first (same message id): nothing was re-sent.
        else if (outcome === 'duplicate') (report.skipped.unchanged ??= []).push(b.node);
        else {
          report.published.push(b.node);
          bundleSize().observe(Buffer.byteLength(b.files.interfaces) + Buffer.byteLength(b.files.frr ?? ''));
          bundlesPublished().inc({ trigger });
        }
      });
      plan.versionOnly.forEach((v, i) => {
        const outcome = bumped[i];
        if (outcome === 'conflict' || (outcome === 'stored' && crossed.has(v.node))) todo!.push(v.node);
        else if (outcome === 'duplicate') (report.skipped.unchanged ??= []).push(v.node);
        else report.versionOnly.push(v.node);
      });
      for (const s of plan.skipped) {
        if (report.published.includes(s.node) || report.versionOnly.includes(s.node)) continue;
        (report.skipped[s.reason] ??= []).push(s.node);
        if (s.reason === 'invalid-facts' || s.reason === 'render-failed') this.log.error(`node ${s.node}: ${s.reason}`, { version: cfg.version, detail: s.detail });
      }
    }
    report.ms = Math.round(performance.now() - t0);
    // Facts arrive often and usually change nothing: only say something when they did.
    if (report.version !== undefined && (trigger === 'config' || report.published.length + report.versionOnly.length > 0)) {
      this.log.info(`${trigger}: version ${report.version}, ${report.published.length} bundle(s) published, ${report.versionOnly.length} version-only`, {
        correlationId: report.correlationId,
        nodes: report.published.length <= 20 ? report.published : undefined,
        skipped: Object.fromEntries(Object.entries(report.skipped).map(([k, v]) => [k, v.length])),
        rendered: report.rendered,
        rounds: report.rounds,
        ms: report.ms,
        ...report.phases,
      });
    }
    await this.opts.afterPublished?.(report);
    return report;
  }

  /**
   * The IPAM entries of the DHCP ports `nodes` serve, before their bundles go
   * out. Not fatal: a node then runs its port without an address until the
   * next reconcile of it (its facts come again shortly) reserves one.
   */
  private async reserveDhcpPorts(cfg: ConfigVersion, nodes: string[], allNodes: boolean): Promise<void> {
    const ipam = (this.opts.ipam ??= natsIpamCall(this.opts.bus.nc, this.opts.bus.topology.namespace));
    try {
      const plan = await reconcileDhcpPorts(ipam, cfg.running, nodes, allNodes);
      if (plan.skipped.length) this.log.warn(`DHCP ports: stale reservations not checked (next apply tries again): ${plan.skipped.join('; ')}`, { version: cfg.version });
      if (plan.allocate.length || plan.release.length) {
        this.log.info(`DHCP ports: ${plan.allocate.length} address(es) reserved, ${plan.release.length} released`, { version: cfg.version, correlationId: cfg.correlationId });
      }
    } catch (e) {
      this.log.error(`DHCP ports: IPAM reservations not updated: ${String(e)}`, { version: cfg.version, correlationId: cfg.correlationId });
    }
  }

  /**
   * Nodes this round stored something for whose other subject moved since
   * the round read it: a full bundle here while someone stored a
   * version-only message, or the reverse. Re-planning them reads both again;
   * without it a version-only message could re-version a full bundle that
   * is no longer the latest (the agent would ignore it, and the node would
   * stay behind until the next change).
   */
  private async crossedWriters(before: ReadonlyMap<string, StoredBundle>, plan: BundlePlan, todo?: string[]): Promise<Set<string>> {
    const crossed = new Set<string>();
    if (plan.publish.length + plan.versionOnly.length === 0) return crossed;
    // A whole-cluster round reads all nodes in one scan per subject; a few nodes one by one.
    const now = await this.store.lastBundles(todo);
    for (const b of plan.publish) if ((now.get(b.node)?.versionSeq ?? 0) !== (before.get(b.node)?.versionSeq ?? 0)) crossed.add(b.node);
    for (const v of plan.versionOnly) if ((now.get(v.node)?.seq ?? 0) !== (before.get(v.node)?.seq ?? 0)) crossed.add(v.node);
    return crossed;
  }
}
