import { readFile } from 'node:fs/promises';
import {
  bundleBytesHash,
  CONTRACTS,
  ContractViolation,
  nodeStatusV1Of,
  unpackNodeBundleBytes,
  type ByteNodeBundleV1,
  type Contract,
  type NodeBundleV1,
  type NodeBundleVersionV1,
  type NodeStatusV1,
  type NodeStatusV2,
} from '@sdn/contracts';
import { consumerCaughtUp, natsReady, type ReadinessCheck } from '@sdn/service-kit';
import {
  busTopology,
  connectBus,
  ensureStreams,
  nodeAgentDurable,
  nodeBundleConsumer,
  nodeBundleVersionConsumer,
  nodeInboxPrefix,
  publishContract,
  readLastMessage,
  sdnStreamSpecs,
  startDurableConsumer,
  type Bus,
  type BusLogger,
  type BusTopology,
} from '@sdn/bus';
import { parseInterfaces, sourcesSdnFile, withVersionLineBytes } from '@sdn/render';
import { Applier, type AppliedState, type ApplyOutcome } from './apply/applier';
import { DhcpServers } from './dhcp/dhcp-servers';
import { writeAtomic } from './apply/atomic-write';
import { guestScopePath } from './guest-ports/plug-port';
import { ipamZoneAddresses, reportDhcpLease, watchIpEvents } from './dhcp/ipam-feed';
import { SdnFileCache } from './apply/sdn-file';
import type { AgentConfig } from './config/agent-config';
import { collectFacts, stableJson } from './facts/collect-facts';
import { serveNodeQueries } from './queries/serve-node-queries';
import { zoneVnetStatusV2, type IfaceState, type KnownConfig, type ZoneVnetStatusV2 } from './status/node-status';

/**
 * Where the agent's lines go: the message, and the fields of the log schema
 * it knows at that point (`version`, `correlationId`, `task` of an apply; a
 * bus warning's details). main.ts makes them pino fields; the default writes them after the message.
 */
export type AgentLog = (msg: string, fields?: Record<string, unknown>) => void;

/** An apply still running after this long is announced as pending. */
const PENDING_STATUS_AFTER_MS = 250;
/** JetStream's "consumer not found". */
const CONSUMER_NOT_FOUND = 10014;
/** IP events are a core subscription (a hint); this re-reads every DHCP zone's entries from the IPAM anyway. */
const DHCP_RESYNC_MS = 30_000;

/**
 * One node agent: publishes the node's facts, applies the bundles rendered
 * for it, reports status. Everything it publishes goes to its own node's
 * subjects, and it reads only its own bundle subject: the bundle carries the
 * zones and vnets deployed here, which is all status needs of the running
 * config. Bundles arrive through a durable consumer, so an agent that was
 * down gets the latest bundle (the stream keeps one per node) when it returns.
 */
export class Agent {
  readonly applier: Applier;
  readonly dhcp: DhcpServers;
  readonly topology: BusTopology;
  private readonly sdnFile: SdnFileCache;
  private bus?: Bus;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private lastFacts = '';
  /** Running config as far as this node knows it: the newest valid bundle received. */
  private known: KnownConfig | null = null;
  /** The last zone/vnet status and what it was computed from. */
  private objects: { inputs: readonly unknown[]; value: ZoneVnetStatusV2 } | null = null;
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
    private readonly log: AgentLog = (m, f) => process.stderr.write(`[node-agent ${cfg.node}] ${m}${f ? ` ${JSON.stringify(f)}` : ''}\n`),
  ) {
    this.applier = new Applier(cfg, log);
    this.sdnFile = new SdnFileCache(this.applier.paths.sdnInterfaces);
    this.applier.onInterfacesWritten = (content) => this.sdnFile.written(content);
    this.topology = busTopology(cfg.busNamespace);
    this.dhcp = new DhcpServers({
      root: cfg.root,
      live: this.applier.live,
      stateDir: this.applier.paths.stateDir,
      listZone: (zone) => ipamZoneAddresses(this.bus!.nc, this.topology, zone),
      watchIpEvents: (changed) => watchIpEvents(this.bus!.nc, this.topology, changed),
      reportLease: (zone, r) => reportDhcpLease(this.bus!.nc, this.topology, cfg.node, { ...r, zone }),
      log,
    });
  }

  get durableName(): string {
    return nodeAgentDurable(this.cfg.node);
  }

  async start(): Promise<void> {
    await this.warnIfNotSourced();
    this.applied = await this.applier.state();
    const log = this.log;
    const busLog: BusLogger = { info: () => undefined, warn: (m, meta) => log(m, meta), error: (m, meta) => log(m, meta) };
    // Replies under the node's own inbox prefix: a node identity may subscribe nowhere else.
    const credentials = { ...this.cfg.natsCredentials, inboxPrefix: this.cfg.natsCredentials?.inboxPrefix ?? nodeInboxPrefix(this.cfg.node) };
    this.bus = await connectBus({ name: this.durableName, url: this.cfg.natsUrl, topology: this.topology, log: busLog, credentials });
    await this.waitForStreams(busLog);
    this.stoppers.add(serveNodeQueries(this.bus.nc, this.topology.querySubject(this.cfg.node), this.cfg, this.applier.paths.mainInterfaces, log));
    this.log(`started in ${this.cfg.mode} mode, root ${this.cfg.root}, applied version ${this.applied?.version ?? 'none'}`);
    await this.applier.refreshCheck();
    await this.loadKnownConfig();
    await this.publishFacts(true);
    await this.publishStatus();
    this.timers.push(setInterval(() => void this.publishStatus(true), this.cfg.heartbeatMs));
    this.timers.push(setInterval(() => void this.publishFacts(false), this.cfg.factsIntervalMs));
    await this.dhcp.start().catch((e: unknown) => this.log(`DHCP servers not started: ${String(e)}`));
    this.timers.push(setInterval(() => void this.dhcp.syncAll(), DHCP_RESYNC_MS));
    this.loops.push(...this.bundleLoops(busLog));
  }

  /**
   * Readiness (`/health/ready`): NATS answers and every bundle delivered to
   * this node is settled, i.e. the current one was applied or refused. The
   * config service creates the node's consumer with its first bundle: until
   * then there is nothing to apply, which is caught up too (a deployment's
   * healthcheck waits for the agent before anything was ever applied).
   */
  readinessChecks(): Record<string, ReadinessCheck> {
    const caughtUp = (spec: ReturnType<typeof nodeBundleConsumer>, contract: typeof CONTRACTS.nodeBundle | typeof CONTRACTS.nodeBundleVersion) => async () => {
      const bus = this.bus;
      if (!bus) return false;
      try {
        return await consumerCaughtUp(bus.jsm, spec.stream, spec.durable)();
      } catch (e) {
        if ((e as { api_error?: { err_code?: number } })?.api_error?.err_code !== CONSUMER_NOT_FOUND) throw e;
        return (await readLastMessage<unknown>(bus.jsm, spec.stream, spec.filterSubject, contract, { direct: true })) === undefined;
      }
    };
    return {
      nats: () => (this.bus ? natsReady(this.bus.nc)() : false),
      bundle: caughtUp(nodeBundleConsumer(this.topology, this.cfg.node), CONTRACTS.nodeBundle),
      bundleVersion: caughtUp(nodeBundleVersionConsumer(this.topology, this.cfg.node), CONTRACTS.nodeBundleVersion),
    };
  }

  /**
   * The streams are the services' to create: a node identity may only look
   * at them (see @sdn/bus natsPermissions). An agent that comes up first
   * waits for them instead of exiting.
   */
  private async waitForStreams(log: BusLogger): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await ensureStreams(this.bus!.jsm, sdnStreamSpecs(this.topology), log);
        return;
      } catch (e) {
        if ((e as { code?: string })?.code !== 'PERMISSIONS_VIOLATION' || this.stopped) throw e;
        if (attempt === 0) this.log(`waiting for the services to create the streams (this node's identity may not): ${String(e)}`);
        await sleep(1000);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.applying.catch(() => undefined);
    await this.dhcp.stop();
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
        const status = await this.currentStatus();
        const subject = this.topology.statusSubject(this.cfg.node);
        if (this.cfg.statusContract === 'v1') await publishContract(this.bus.js, subject, CONTRACTS.nodeStatus, nodeStatusV1Of(status));
        else await publishContract(this.bus.js, subject, CONTRACTS.nodeStatusV2, status);
      } catch (e) {
        if (!this.stopped) this.log(`status not published: ${String(e)}`);
      }
    });
    this.statusQueue = next;
    return next;
  }

  /** The status as published (v2; `SDN_AGENT_STATUS_CONTRACT=v1` publishes its v1 form). */
  async currentStatus(): Promise<NodeStatusV2> {
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
    // Heartbeats mostly find nothing changed: reuse the per-vnet lists (thousands of entries) then.
    const inputs = [this.known, sdn, this.applier.live ? check : null] as const;
    if (!this.objects || this.objects.inputs.some((x, i) => x !== inputs[i])) this.objects = { inputs, value: zoneVnetStatusV2(this.known, sdn.version, iface) };
    return {
      // `node`, `version` and `apply` first: readers may parse only the head of a status.
      node: this.cfg.node,
      version,
      apply: this.lastApply ?? { version, state: this.applied ? 'applied' : 'pending', at: this.applied?.at ?? now },
      v: 2,
      zones: this.objects.value.zones,
      vnetsByZone: this.objects.value.vnetsByZone,
      heartbeatAt: now,
      heartbeatMs: this.cfg.heartbeatMs,
    };
  }

  /** Applies one bundle, packed or inline (serialised); exposed for in-process use. */
  applyBundle(bundle: NodeBundleV1): Promise<void> {
    const next = this.applying.then(() => this.doApply(bundle));
    this.applying = next.catch(() => undefined);
    return next;
  }

  /** Applies one version-only message (serialised with the bundles); exposed for in-process use. */
  applyVersion(message: NodeBundleVersionV1): Promise<void> {
    const next = this.applying.then(() => this.doApplyVersion(message));
    this.applying = next.catch(() => undefined);
    return next;
  }

  /** The node's latest full bundle as stored (what version-only messages re-version). */
  private latestBundle() {
    return readLastMessage(this.bus!.jsm, this.topology.streams.bundles.name, this.topology.bundleSubject(this.cfg.node), CONTRACTS.nodeBundle, { direct: true });
  }

  /**
   * After a restart the bundle consumer has nothing new to deliver: the
   * node's last stored bundle says which config (and zones/vnets) is
   * current, and a version-only message re-versioning it, which version.
   */
  private async loadKnownConfig(): Promise<void> {
    try {
      const last = await this.latestBundle();
      if (!last) return;
      const bundle = await unpackNodeBundleBytes(last.value);
      if (bundle.node !== this.cfg.node) return;
      this.learn(bundle);
      const bump = await readLastMessage(this.bus!.jsm, this.topology.streams.bundles.name, this.topology.bundleVersionSubject(this.cfg.node), CONTRACTS.nodeBundleVersion, {
        direct: true,
      });
      if (bump && bump.value.baseHash === bundle.hash) this.learnVersion(bump.value);
    } catch (e) {
      this.log(`latest bundle not readable, status waits for the next one: ${String(e)}`);
    }
  }

  private learn(bundle: ByteNodeBundleV1): void {
    if (bundle.scope && (!this.known || bundle.version >= this.known.version)) this.known = { version: bundle.version, scope: bundle.scope };
  }

  /** Same zones and vnets as the base bundle (the config service sends a version-only message only then), newer version. */
  private learnVersion(m: NodeBundleVersionV1): void {
    if (this.known && this.known.version < m.version) this.known = { version: m.version, scope: this.known.scope };
  }

  /**
   * A version-only message: bump the version in place when this node runs
   * the base bundle's files; otherwise fetch the base (the node's latest
   * full bundle on the stream) and apply it in full under the new version,
   * checked against the message's hash. A base that is no longer the latest
   * full bundle was replaced by a newer render, which is (or was) delivered
   * on the bundle consumer: the message is then stale and dropped.
   */
  private async doApplyVersion(m: NodeBundleVersionV1): Promise<void> {
    if (this.applied && m.version < this.applied.version) {
      this.log(`ignoring version-only message for version ${m.version}: version ${this.applied.version} is already applied`);
      return;
    }
    const task = { ...(m.task ? { task: m.task } : {}), ...(m.correlationId ? { correlationId: m.correlationId } : {}) };
    const out = await this.applier.applyVersion(m);
    if (out) return this.finishApply(m.version, task, out, () => this.learnVersion(m));
    const last = await this.latestBundle().catch((e: unknown) => {
      if (e instanceof ContractViolation || e instanceof SyntaxError) return undefined;
      throw e;
    });
    if (last?.value.hash !== m.baseHash) {
      this.log(`version ${m.version}: version-only message for bundle ${m.baseHash.slice(0, 12)}, which is no longer this node's latest; a newer bundle follows`, { version: m.version, ...task });
      return;
    }
    this.log(`version ${m.version}: this node does not run the files of bundle version ${m.baseVersion}; applying that bundle in full as version ${m.version}`, { version: m.version, ...task });
    return this.doApply(last.value, m);
  }

  /** `as`: apply the bundle as the version-only message's version (its base, when the node did not run it). */
  private async doApply(packed: NodeBundleV1, as?: NodeBundleVersionV1): Promise<void> {
    const head = as ?? packed;
    if (this.applied && head.version < this.applied.version) {
      this.log(`ignoring bundle version ${head.version}: version ${this.applied.version} is already applied`);
      return;
    }
    const at = () => new Date().toISOString();
    // Task and correlation id of the apply go back in the status: the API's task view and one grep find them.
    const task = { ...(head.task ? { task: head.task } : {}), ...(head.correlationId ? { correlationId: head.correlationId } : {}) };
    const corr = head.correlationId ? ` (correlation ${head.correlationId})` : '';
    // The schema's fields too, so a log query can select the apply's lines without parsing messages.
    const fields = { version: head.version, ...task };
    const refuse = async (message: string) => {
      this.lastApply = { version: head.version, state: 'error', message, ...task, at: at() };
      this.log(`bundle version ${head.version}${corr}: error: ${message}`, fields);
      await this.publishStatus();
    };
    let bundle: ByteNodeBundleV1;
    try {
      // Also checks the files against the bundle's hash: a damaged or edited bundle must not reach ifreload.
      // The files stay bytes: they are written to disk as they came.
      bundle = await unpackNodeBundleBytes(packed);
    } catch (e) {
      if (!(e instanceof ContractViolation)) throw e;
      // Redelivery would fail the same way: report and let the message go.
      return refuse(`bundle not usable (${e.message}); not applied`);
    }
    if (as) {
      const interfaces = withVersionLineBytes(bundle.files.interfaces, as.version);
      const files = { ...bundle.files, interfaces: interfaces ?? bundle.files.interfaces };
      // The files must be those a full bundle of this version would carry, byte for byte.
      if (!interfaces || bundleBytesHash(files.interfaces, files.frr ?? null, files.dnsmasq) !== as.hash) {
        return refuse(`version-only message: bundle version ${packed.version} re-versioned does not give hash ${as.hash}; not applied`);
      }
      const { task: _t, correlationId: _c, ...rest } = bundle;
      bundle = { ...rest, ...task, version: as.version, hash: as.hash, renderedAt: as.renderedAt, files };
    }
    this.learn(bundle);
    this.lastApply = { version: bundle.version, state: 'pending', ...task, at: at() };
    this.log(`bundle version ${bundle.version}${corr}: applying`, fields);
    // "pending" is worth a status message only when the apply takes a while (a live ifreload);
    // a quick one goes straight to its outcome, sparing one multi-100-KB status per node and apply.
    const slow = setTimeout(() => void this.publishStatus(), PENDING_STATUS_AFTER_MS);
    let out;
    try {
      out = await this.applier.apply(bundle);
    } finally {
      clearTimeout(slow);
    }
    if (out.state !== 'error') {
      try {
        // What the guest-port plug command (plug-port.ts) reads: the vnets and options running here.
        if (bundle.scope) await writeAtomic(guestScopePath(this.applier.paths.stateDir), JSON.stringify(bundle.scope));
        await this.dhcp.apply(bundle.files.dnsmasq);
      } catch (e) {
        out = { ...out, state: 'error' as const, message: `DHCP: ${(e as Error).message}` };
      }
    }
    return this.finishApply(bundle.version, task, out);
  }

  /** Records and reports the outcome of an apply (full or version-only). */
  private async finishApply(version: number, task: { task?: string; correlationId?: string }, out: ApplyOutcome, learn?: () => void): Promise<void> {
    this.applied = out.running;
    if (out.state !== 'error') learn?.();
    const corr = task.correlationId ? ` (correlation ${task.correlationId})` : '';
    this.lastApply = { version, state: out.state === 'error' ? 'error' : 'applied', ...(out.message ? { message: out.message } : {}), ...task, at: new Date().toISOString() };
    this.log(`bundle version ${version}${corr}: ${out.state} in ${out.ms} ms${out.message ? `: ${out.message}` : ''}`, { version, ...task, state: out.state, ms: out.ms });
    await this.publishStatus();
    // A version-only apply changed no interface: the facts (devices, addresses) are as they were.
    if (out.state === 'applied' && !learn) await this.publishFacts(false);
  }

  /**
   * Durable consumer on this node's bundle subject (@sdn/bus). The consume
   * loop is restarted if it ever ends while the agent runs.
   */
  private async waitForBundleConsumer(spec: ReturnType<typeof nodeBundleConsumer>): Promise<void> {
    const { stream, durable } = spec;
    while (!this.stopped) {
      if (await this.bus!.jsm.consumers.info(stream, durable).then(() => true, () => false)) return;
      await sleep(2000);
    }
  }

  private bundleLoops(log: BusLogger): Promise<void>[] {
    const mine = <T extends { node: string }>(handle: (m: T) => Promise<void>) => async (m: T) => {
      if (m.node !== this.cfg.node) {
        this.log(`ignoring a bundle addressed to node '${m.node}'`);
        return;
      }
      await handle(m);
    };
    return [
      this.consumeLoop('bundle consumer', log, nodeBundleConsumer(this.topology, this.cfg.node), CONTRACTS.nodeBundle, mine((b) => this.applyBundle(b))),
      this.consumeLoop('bundle version consumer', log, nodeBundleVersionConsumer(this.topology, this.cfg.node), CONTRACTS.nodeBundleVersion, mine((m) => this.applyVersion(m))),
    ];
  }

  private async consumeLoop<T>(name: string, log: BusLogger, spec: ReturnType<typeof nodeBundleConsumer>, contract: Contract<T>, handle: (m: T) => Promise<void>): Promise<void> {
    // The same failure every second (no consumer yet for this node) is logged once.
    let lastFailure = '';
    while (!this.stopped) {
      try {
        // Under a node identity the config service has created it; on an open server this creates it.
        const consumer = await startDurableConsumer(this.bus!.js, this.bus!.jsm, { ...spec, contract, log, handle });
        lastFailure = '';
        const stop = () => consumer.stop();
        this.stoppers.add(stop);
        await consumer.done.catch((e) => this.log(`${name} ended: ${String(e)}`));
        this.stoppers.delete(stop);
      } catch (e) {
        const denied = (e as { code?: string })?.code === 'PERMISSIONS_VIOLATION';
        if (!this.stopped && String(e) !== lastFailure) {
          lastFailure = String(e);
          this.log(`${name}: ${lastFailure}; retrying${denied ? ' once the config service has created it (before the first bundle)' : ''}`);
        }
        // Under a node identity: look (allowed) instead of trying to create (refused, and logged by the server) every second.
        if (denied) await this.waitForBundleConsumer(spec);
      }
      if (!this.stopped) await sleep(1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
