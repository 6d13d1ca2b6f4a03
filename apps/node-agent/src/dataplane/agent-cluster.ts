import type { ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeStatusV1Of, type NodeStatus, type NodeStatusV1 } from '@sdn/contracts';
import { ControlPlane, NetnsLab, PrivateNatsServer, shq, type LabNode } from '@sdn/netns-lab';

const REPO = resolve(__dirname, '../../../..');

/** `GET /cluster/sdn/apply/{task}` (the API's apply progress view). */
export interface ApplyTaskView {
  task: string;
  version: number;
  done: boolean;
  nodes: { node: string; state: 'pending' | 'applied' | 'error'; version: number; message?: string; ms: number; offline: boolean }[];
  slowest: { node: string; state: string; ms: number } | null;
}

export type Params = Record<string, string | number>;

/**
 * A lab cluster for data-plane tests, driven through the product: a
 * management network with a private NATS server on it, the underlay, node
 * namespaces (192.168.0.<i>, gateway 192.168.0.254) each running a live
 * node agent, optional FRR per node, and the control plane (REST API and
 * config service on a fresh database) on the host. Tests create objects
 * with form-encoded REST calls and apply with `PUT /cluster/sdn`, as a
 * Proxmox client does; the config service renders and delivers the bundles.
 */
export class AgentCluster {
  readonly nodes: Record<string, LabNode> = {};
  readonly agents: Record<string, ChildProcess> = {};
  private readonly frrReload: Record<string, string[]> = {};
  private readonly frrRestart: Record<string, string[]> = {};
  private readonly env: Record<string, NodeJS.ProcessEnv> = {};

  private constructor(
    readonly lab: NetnsLab,
    readonly nats: PrivateNatsServer,
    private readonly names: string[],
  ) {}

  cp!: ControlPlane;

  /** `vrfStandIn`: nodes present VRFs to ifupdown2 as plain bridges (kernel without VRF; see @sdn/netns-lab VRF_STAND_IN). */
  static async start(prefix: string, names: string[], opts: { frr?: boolean; vrfStandIn?: boolean; dummyStandIn?: boolean; ipam?: boolean; dns?: boolean } = {}): Promise<AgentCluster> {
    const lab = new NetnsLab(`${prefix}${Math.random().toString(36).slice(2, 6)}`);
    let nats: PrivateNatsServer | undefined;
    let c: AgentCluster | undefined;
    let controlPlane: Promise<ControlPlane> | undefined;
    try {
      nats = await PrivateNatsServer.start(await lab.managementNetwork());
      c = new AgentCluster(lab, nats, names);
      // The services start (a few seconds of Node + swc) while the namespaces are built.
      controlPlane = ControlPlane.start({ repo: REPO, natsUrl: nats.url, logDir: lab.base, ipam: opts.ipam, dns: opts.dns });
      controlPlane.catch(() => undefined);
      await lab.underlay();
      for (const [i, node] of names.entries()) {
        const n = (c.nodes[node] = await lab.addNode(node, `192.168.0.${i + 1}`, '192.168.0.254', { vrfStandIn: opts.vrfStandIn, dummyStandIn: opts.dummyStandIn }));
        if (opts.frr) {
          c.frrReload[node] = await lab.startFrr(n);
          c.frrRestart[node] = lab.frrRestartArgv(n);
        }
        c.env[node] = { SDN_AGENT_IFRELOAD: `${c.faultWrapper(n)} ifreload -a` };
      }
      c.cp = await controlPlane;
      for (const node of names) c.startAgent(node);
      await c.cp.waitForNodes(names, 30000, async () => names.map((n) => `== ${n}\n${c!.agentLog(n).slice(-1500)}`).join('\n'));
      return c;
    } catch (e) {
      await controlPlane?.then((cp) => cp.stop(), () => undefined);
      await lab.destroy();
      await nats?.destroy();
      throw e;
    }
  }

  /**
   * Fault injection for reload failures: the agent's ifreload command runs
   * through this script, which, while `<root>/fail-next-ifreload` exists,
   * runs the real ifreload (the new file takes effect, as in a partial
   * failure) and then fails once; the agent must restore the previous config.
   */
  private faultWrapper(n: LabNode): string {
    const path = join(n.root, 'ifreload-fault.sh');
    const flag = join(n.root, 'fail-next-ifreload');
    writeFileSync(
      path,
      ['#!/bin/sh', `if [ -e ${shq(flag)} ]; then`, `  rm -f ${shq(flag)}`, '  "$@"', '  echo "injected failure after: $*" >&2', '  exit 1', 'fi', 'exec "$@"', ''].join('\n'),
    );
    chmodSync(path, 0o755);
    return path;
  }

  /** The node's next ifreload fails (once), after running. */
  failNextReload(node: string): void {
    writeFileSync(join(this.nodes[node].root, 'fail-next-ifreload'), '');
  }

  startAgent(node: string): void {
    const n = this.nodes[node];
    this.agents[node] = this.lab.spawnIn(
      n.ns,
      process.execPath,
      ['-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/node-agent/src/main.ts')],
      {
        SDN_NODE_NAME: node,
        SDN_AGENT_MODE: 'live',
        SDN_AGENT_ROOT: n.root,
        SDN_AGENT_WRAPPER: n.wrapper,
        // Empty = no FRR on this node; else frr-reload.py against the node's own daemons.
        SDN_AGENT_FRR_RELOAD: (this.frrReload[node] ?? []).join(' '),
        // Never the host's systemctl: a lab node restarts its own daemons (or, without FRR, fails such an apply).
        SDN_AGENT_FRR_RESTART: (this.frrRestart[node] ?? []).join(' '),
        // The API's live questions (mac-vrf, ip-vrf) go to the node's own FRR.
        SDN_AGENT_VTYSH: this.lab.vtyshArgv(n).join(' '),
        SDN_NATS_URL: this.nats.url,
        SDN_HEARTBEAT_MS: '1000',
        SDN_FACTS_INTERVAL_MS: '2000',
        ...this.env[node],
      },
      `agent-${node}`,
    );
  }

  async stopAgent(node: string): Promise<void> {
    await this.lab.stop(this.agents[node]);
  }

  agentLog(node: string): string {
    return readFileSync(this.lab.logPath(`agent-${node}`), 'utf8');
  }

  /** Form-encoded call; returns `data`, throws on any non-2xx answer. */
  api(method: string, path: string, params?: Params): Promise<unknown> {
    return this.cp.api(method, `cluster/sdn/${path}`, params, { form: true });
  }

  /** Objects created in order, each a `POST cluster/sdn/<path>`. */
  async create(calls: Array<[path: string, params: Params]>): Promise<void> {
    for (const [path, params] of calls) await this.api('POST', path, params);
  }

  /** `PUT /cluster/sdn`: the task id of the apply and the version it committed. */
  async apply(): Promise<{ task: string; version: number }> {
    const task = (await this.api('PUT', '')) as string;
    const view = await this.task(task);
    return { task, version: view.version };
  }

  task(task: string): Promise<ApplyTaskView> {
    return this.api('GET', `apply/${encodeURIComponent(task)}`) as Promise<ApplyTaskView>;
  }

  /** Polls the apply's progress until `pred` holds; the last view is in the error otherwise. */
  async waitTask(task: string, pred: (v: ApplyTaskView) => boolean, timeoutMs = 30000): Promise<ApplyTaskView> {
    let last: ApplyTaskView | null = null;
    try {
      return await waitFor(`apply ${task}`, async () => {
        last = await this.task(task);
        return pred(last) ? last : null;
      }, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last view: ${JSON.stringify(last)}`);
    }
  }

  /** Every node of the cluster shows `applied` for the task. */
  waitApplied(task: string, timeoutMs?: number): Promise<ApplyTaskView> {
    return this.waitTask(task, (v) => this.names.every((n) => v.nodes.find((x) => x.node === n)?.state === 'applied'), timeoutMs);
  }

  /** The node's latest status as published on the bus, in v1's shape (agents publish v2). */
  status(node: string): NodeStatusV1 | undefined {
    const s = this.cp.statuses.get(node) as NodeStatus | undefined;
    return s && nodeStatusV1Of(s);
  }

  async waitStatus(node: string, pred: (s: NodeStatusV1) => boolean, timeoutMs = 20000): Promise<NodeStatusV1> {
    try {
      return await waitFor(`status of ${node}`, async () => {
        const s = this.status(node);
        return s && pred(s) ? s : null;
      }, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(this.status(node) ?? null)}`);
    }
  }

  async destroy(): Promise<void> {
    await this.cp?.stop().catch(() => undefined);
    await this.lab.destroy();
    await this.nats.destroy();
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
