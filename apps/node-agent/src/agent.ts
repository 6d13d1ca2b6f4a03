import { readFile } from 'node:fs/promises';
import { DeliverPolicy } from 'nats';
import { assertContract, bundleContentHash, CONTRACTS, type NodeBundleV1, type NodeStatusV1 } from '@sdn/contracts';
import { busTopology, connectBus, ensureStreams, publishContract, sdnStreamSpecs, startDurableConsumer, type Bus, type BusLogger, type BusTopology } from '@sdn/bus';
import type { RunningConfig } from '@sdn/model';
import { parseInterfaces, sourcesSdnFile } from '@sdn/render';
import { Applier, type AppliedState } from './apply/applier';
import { SdnFileCache } from './apply/sdn-file';
import type { AgentConfig } from './config/agent-config';
import { collectFacts, stableJson } from './facts/collect-facts';
import { zoneVnetStatus, type IfaceState } from './status/node-status';

export type AgentLog = (msg: string) => void;

/**
 * One node agent: publishes the node's facts, applies the bundles rendered
 * for it, reports status. Everything it publishes goes to its own node's
 * subjects. Bundles arrive through a durable consumer, so an agent that was
 * down gets the latest bundle (the stream keeps one per node) when it returns.
 */
export class Agent {
  readonly applier: Applier;
  readonly topology: BusTopology;
  private readonly sdnFile: SdnFileCache;
  private bus?: Bus;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private lastFacts = '';
  private running: RunningConfig | null = null;
  private lastApply: NodeStatusV1['apply'] | null = null;
  private applied: AppliedState | null = null;
  private loops: Promise<void>[] = [];
  /** Open consumers, stopped before the connection closes. */
  private stoppers = new Set<() => unknown>();
  /** Applies run one at a time; facts and status wait for none of them. */
  private applying: Promise<unknown> = Promise.resolve();
  private statusQueue: Promise<void> = Promise.resolve();
  private heartbeatQueued = false;

  constructor(
    readonly cfg: AgentConfig,
    private readonly log: AgentLog = (m) => process.stderr.write(`[node-agent ${cfg.node}] ${m}\n`),
  ) {
    this.applier = new Applier(cfg, log);
    this.sdnFile = new SdnFileCache(this.applier.paths.sdnInterfaces);
    this.topology = busTopology(cfg.busNamespace);
  }

  get durableName(): string {
    return `node-agent-${this.cfg.node}`;
  }

  async start(): Promise<void> {
    await this.warnIfNotSourced();
    this.applied = await this.applier.state();
    const log = this.log;
    const busLog: BusLogger = { info: () => undefined, warn: (m, meta) => log(`${m} ${meta ? JSON.stringify(meta) : ''}`), error: (m, meta) => log(`${m} ${meta ? JSON.stringify(meta) : ''}`) };
    this.bus = await connectBus({ name: this.durableName, url: this.cfg.natsUrl, topology: this.topology, log: busLog });
    await ensureStreams(this.bus.jsm, sdnStreamSpecs(this.topology), busLog);
    this.log(`started in ${this.cfg.mode} mode, root ${this.cfg.root}, applied version ${this.applied?.version ?? 'none'}`);
    await this.applier.refreshCheck();
    await this.publishFacts(true);
    await this.publishStatus();
    this.timers.push(setInterval(() => void this.publishStatus(true), this.cfg.heartbeatMs));
    this.timers.push(setInterval(() => void this.publishFacts(false), this.cfg.factsIntervalMs));
    this.loops.push(this.bundleLoop(busLog), this.runningConfigLoop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.applying.catch(() => undefined);
    await Promise.allSettled([...this.stoppers].map((s) => s()));
    await this.bus?.close().catch(() => undefined);
    await Promise.allSettled(this.loops);
  }

  private async warnIfNotSourced(): Promise<void> {
    const text = await readFile(this.applier.paths.mainInterfaces, 'utf8').catch(() => null);
    if (text === null) this.log(`warning: ${this.applier.paths.mainInterfaces} does not exist`);
    else if (!sourcesSdnFile(parseInterfaces(text)))
      this.log(`warning: ${this.applier.paths.mainInterfaces} does not source /etc/network/interfaces.d/sdn (add "source /etc/network/interfaces.d/*"): SDN vnets will not come up`);
  }

  /** Facts on start, after every apply and when the periodic re-read differs. */
  async publishFacts(force: boolean): Promise<void> {
    if (!this.bus || this.stopped) return;
    try {
      const p = this.applier.paths;
      const sdnDevices = (await this.sdnFile.get()).devices;
      const facts = await collectFacts({ node: this.cfg.node, mainInterfaces: p.mainInterfaces, sdnDevices, frrLocal: p.frrLocal, kernel: this.cfg.kernelFacts });
      const key = stableJson(facts);
      if (!force && key === this.lastFacts) return;
      await publishContract(this.bus.js, this.topology.factsSubject(this.cfg.node), CONTRACTS.nodeFacts, {
        node: this.cfg.node,
        facts: facts as unknown as Record<string, unknown>,
        publishedAt: new Date().toISOString(),
      });
      this.lastFacts = key;
    } catch (e) {
      this.log(`facts not published: ${String(e)}`);
    }
  }

  /**
   * Status to this node's subject: on every change and as heartbeat.
   * Publications are queued so an older snapshot never overwrites a newer
   * one (the stream keeps only the last message).
   */
  publishStatus(heartbeat = false): Promise<void> {
    // A slow ifquery must not let heartbeats pile up behind each other.
    if (heartbeat && this.heartbeatQueued) return this.statusQueue;
    if (heartbeat) this.heartbeatQueued = true;
    const next = this.statusQueue.then(async () => {
      if (heartbeat) this.heartbeatQueued = false;
      if (!this.bus || this.stopped) return;
      try {
        if (heartbeat) await this.applier.refreshCheck();
        await publishContract(this.bus.js, this.topology.statusSubject(this.cfg.node), CONTRACTS.nodeStatus, await this.currentStatus());
      } catch (e) {
        if (!this.stopped) this.log(`status not published: ${String(e)}`);
      }
    });
    this.statusQueue = next;
    return next;
  }

  async currentStatus(): Promise<NodeStatusV1> {
    const sdn = await this.sdnFile.get();
    const check = this.applier.check;
    // Live: ifupdown2's own check. Safe mode runs nothing, so a device "exists" when the written file declares it.
    const iface = (n: string): IfaceState => {
      if (this.applier.live && check) {
        const e = check.get(n);
        return !e ? 'missing' : e.status === 'pass' ? 'pass' : 'fail';
      }
      return sdn.devices.has(n) ? 'pass' : 'missing';
    };
    const now = new Date().toISOString();
    const version = this.applied?.version ?? 0;
    return {
      node: this.cfg.node,
      version,
      apply: this.lastApply ?? { version, state: this.applied ? 'applied' : 'pending', at: this.applied?.at ?? now },
      ...zoneVnetStatus(this.cfg.node, this.running, sdn.version, iface),
      heartbeatAt: now,
    };
  }

  /** Applies one bundle (serialised); exposed for in-process use. */
  applyBundle(bundle: NodeBundleV1): Promise<void> {
    const next = this.applying.then(() => this.doApply(bundle));
    this.applying = next.catch(() => undefined);
    return next;
  }

  private async doApply(bundle: NodeBundleV1): Promise<void> {
    if (this.applied && bundle.version < this.applied.version) {
      this.log(`ignoring bundle version ${bundle.version}: version ${this.applied.version} is already applied`);
      return;
    }
    const at = () => new Date().toISOString();
    const task = bundle.task ? { task: bundle.task } : {};
    // A bundle damaged or edited in transit must not reach ifreload.
    if (bundleContentHash(bundle.files) !== bundle.hash) {
      this.lastApply = { version: bundle.version, state: 'error', message: 'bundle hash does not match its files; not applied', ...task, at: at() };
      this.log(`bundle version ${bundle.version}: error: hash mismatch`);
      await this.publishStatus();
      return;
    }
    this.lastApply = { version: bundle.version, state: 'pending', ...task, at: at() };
    await this.publishStatus();
    const out = await this.applier.apply(bundle);
    this.applied = out.running;
    this.lastApply = { version: bundle.version, state: out.state === 'error' ? 'error' : 'applied', ...(out.message ? { message: out.message } : {}), ...task, at: at() };
    this.log(`bundle version ${bundle.version}: ${out.state} in ${out.ms} ms${out.message ? `: ${out.message}` : ''}`);
    await this.publishStatus();
    if (out.state === 'applied') await this.publishFacts(false);
  }

  /**
   * Durable consumer on this node's bundle subject (@sdn/bus). The consume
   * loop is restarted if it ever ends while the agent runs.
   */
  private async bundleLoop(log: BusLogger): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await startDurableConsumer(this.bus!.js, this.bus!.jsm, {
          stream: this.topology.streams.bundles.name,
          durable: this.durableName,
          filterSubject: this.topology.bundleSubject(this.cfg.node),
          // An ifreload of thousands of vnets takes long; working() keeps the message ours meanwhile.
          ackWaitMs: 120_000,
          contract: CONTRACTS.nodeBundle,
          log,
          handle: async (bundle) => {
            if (bundle.node !== this.cfg.node) {
              this.log(`ignoring a bundle addressed to node '${bundle.node}'`);
              return;
            }
            await this.applyBundle(bundle);
          },
        });
        const stop = () => consumer.stop();
        this.stoppers.add(stop);
        await consumer.done.catch((e) => this.log(`bundle consumer ended: ${String(e)}`));
        this.stoppers.delete(stop);
      } catch (e) {
        if (!this.stopped) this.log(`bundle consumer: ${String(e)}; retrying`);
      }
      if (!this.stopped) await sleep(1000);
    }
  }

  /**
   * Follows the running config (latest `ConfigApplied` event) to report
   * zones and vnets as spec §5 does; the bundle itself carries only files.
   */
  private async runningConfigLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.bus!.js.consumers.get(this.topology.streams.events.name, {
          filterSubjects: this.topology.eventSubject('config', 'ConfigApplied'),
          deliver_policy: DeliverPolicy.LastPerSubject,
        });
        const messages = await consumer.consume();
        const stop = () => messages.stop();
        this.stoppers.add(stop);
        for await (const m of messages) {
          try {
            const env = assertContract(CONTRACTS.configAppliedEvent.name, CONTRACTS.configAppliedEvent.schema, m.json()) as { payload: { version: number; running: Record<string, unknown> } };
            this.running = { ...(env.payload.running as RunningConfig), version: env.payload.version };
            await this.publishStatus();
          } catch (e) {
            this.log(`ignored ConfigApplied event: ${String(e)}`);
          }
          if (this.stopped) break;
        }
        this.stoppers.delete(stop);
      } catch {
        // No events stream yet (nothing applied cluster-wide): status keeps empty zone maps.
      }
      if (!this.stopped) await sleep(2000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
