import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyUser, Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';
import { optInt, optString, type Params, ReqParams } from '../core/params';
import { NODE_LIVENESS, NodeStatusProjection } from '../nodes/node-status.projection';
import { applyTaskView, type ApplyTaskView, isOffline, type Liveness } from '../nodes/node-views';
import { ApplyTasks } from './apply-tasks';

/** The fields of a UPID `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`. */
export function parseUpid(upid: string): { node: string; pid: number; pstart: number; starttime: number; type: string; id: string; user: string } | null {
  const m = /^UPID:([a-zA-Z0-9][a-zA-Z0-9.-]*):([0-9A-F]{8}):([0-9A-F]{8,9}):([0-9A-F]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/.exec(upid);
  if (!m) return null;
  return { node: m[1], pid: parseInt(m[2], 16), pstart: parseInt(m[3], 16), starttime: parseInt(m[4], 16), type: m[5], id: m[6], user: m[7] };
}

/** Done when no node is still working on it; a node that stopped reporting counts as failed. */
function outcome(v: ApplyTaskView): { running: boolean; failed: string[] } {
  const failed: string[] = [];
  let running = false;
  for (const n of v.nodes) {
    if (n.state === 'error') failed.push(`${n.node} (${n.message ?? 'apply failed'})`);
    else if (n.state === 'pending' && n.offline) failed.push(`${n.node} (offline)`);
    else if (n.state === 'pending') running = true;
  }
  return { running, failed };
}

/**
 * The apply's task the Proxmox way (`reloadnetworkall`): status, log and
 * lists, read from the ConfigApplied event and the nodes' reported status,
 * so any replica answers for any task. Our `/cluster/sdn/apply/{task}` stays.
 */
@ApiTags('tasks')
@Controller()
export class TasksController {
  constructor(
    private readonly tasks: ApplyTasks,
    private readonly nodes: NodeStatusProjection,
    private readonly store: EventStoreService,
    @Inject(NODE_LIVENESS) private readonly liveness: Liveness,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private async view(p: Params): Promise<{ upid: string; u: NonNullable<ReturnType<typeof parseUpid>>; v: ApplyTaskView; correlationId: string }> {
    const upid = optString(p, 'upid', 512) ?? '';
    const u = parseUpid(upid);
    if (!u) throw ApiError.param('upid', 'unable to parse worker upid');
    const found = await this.tasks.find(upid);
    if (!found) throw ApiError.notFound(`no such task '${upid}'`);
    return { upid, u, v: applyTaskView(upid, found.version, found.started, this.nodes.all(), Date.now(), this.liveness), correlationId: found.correlationId };
  }

  private summary(upid: string, u: NonNullable<ReturnType<typeof parseUpid>>, v: ApplyTaskView) {
    const { running, failed } = outcome(v);
    const base = { upid, node: u.node, pid: u.pid, pstart: u.pstart, starttime: u.starttime, type: u.type, id: u.id, user: u.user };
    if (running) return { ...base, status: 'running' as const };
    const end = Math.max(u.starttime, ...v.nodes.map((n) => (n.time ? Math.floor(Date.parse(n.time) / 1000) : u.starttime)));
    return { ...base, status: 'stopped' as const, exitstatus: failed.length ? `failed on ${failed.length} node(s): ${failed.join(', ')}` : 'OK', endtime: end };
  }

  @Get('nodes/:node/tasks/:upid/status')
  @ApiOperation({ summary: "A task's status: running until every node applied or failed, then stopped with exitstatus OK or the failed nodes" })
  @Privilege('SDN.Audit', '/sdn')
  async status(@ReqParams() p: Params) {
    const { upid, u, v } = await this.view(p);
    return this.summary(upid, u, v);
  }

  @Get('nodes/:node/tasks/:upid/log')
  @ApiOperation({ summary: "A task's log: the apply's correlation id, then one line per node (applied version N in X ms, errors, pending)" })
  @Privilege('SDN.Audit', '/sdn')
  async log(@ReqParams() p: Params) {
    const { upid, u, v, correlationId } = await this.view(p);
    // The correlation id in the first line: from the task log, one grep over the services' logs finds the apply's path.
    const lines = [`start reloadnetworkall: version ${v.version} to ${v.nodes.length} node(s), correlation id ${correlationId}`];
    for (const n of v.nodes) {
      if (n.state === 'applied') lines.push(`${n.node}: applied version ${n.version} in ${n.ms} ms${n.message ? ` (${n.message})` : ''}`);
      else if (n.state === 'error') lines.push(`${n.node}: error: ${n.message ?? 'apply failed'}`);
      else lines.push(`${n.node}: ${n.offline ? 'offline' : 'pending'} (${n.ms} ms)`);
    }
    const s = this.summary(upid, u, v);
    if ('exitstatus' in s) lines.push(s.exitstatus === 'OK' ? 'TASK OK' : `TASK ERROR: ${s.exitstatus}`);
    const start = optInt(p, 'start', 0, 1_000_000) ?? 0;
    const limit = optInt(p, 'limit', 0, 1_000_000) ?? 50;
    return lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
  }

  private async recent(limit: number) {
    const rows: { task: string }[] = await this.store.ds.query(
      `SELECT payload->>'task' AS task FROM events WHERE type = 'ConfigApplied' AND payload ? 'task' ORDER BY seq DESC LIMIT $1`,
      [limit],
    );
    const out = [];
    for (const r of rows) {
      const u = parseUpid(r.task);
      const found = u && (await this.tasks.find(r.task));
      if (u && found) out.push(this.summary(r.task, u, applyTaskView(r.task, found.version, found.started, this.nodes.all(), Date.now(), this.liveness)));
    }
    return out;
  }

  @Get('nodes/:node/tasks')
  @ApiOperation({ summary: 'Recent tasks started on this node (the apply tasks of the API replica named so)' })
  @Privilege('SDN.Audit', '/sdn')
  async nodeTasks(@ReqParams() p: Params) {
    const node = optString(p, 'node') ?? '';
    return (await this.recent(optInt(p, 'limit', 1, 1000) ?? 50)).filter((t) => t.node === node);
  }

  @Get('cluster/tasks')
  @ApiOperation({ summary: 'Recent tasks of the cluster' })
  @Privilege('SDN.Audit', '/sdn')
  clusterTasks() {
    return this.recent(50);
  }

  /** Every node that has reported, by name, with its heartbeat liveness. */
  private knownNodes(): { name: string; online: boolean }[] {
    const now = Date.now();
    const byName = new Map<string, boolean>();
    for (const r of this.nodes.all()) byName.set(r.status.node, !isOffline(r, now, this.liveness));
    return [...byName].map(([name, online]) => ({ name, online })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  @Get('nodes')
  @ApiOperation({ summary: 'Known nodes (from their agents), online or offline by heartbeat' })
  @AnyUser()
  listNodes() {
    return this.knownNodes().map((n) => ({ node: n.name, status: n.online ? 'online' : 'offline', type: 'node', id: `node/${n.name}` }));
  }

  @Get('cluster/status')
  @ApiOperation({ summary: 'Cluster status: one `cluster` entry (nodes, quorate) and one `node` entry per known node (online from heartbeats, nodeid, local)' })
  @Privilege('Sys.Audit', '/')
  clusterStatus() {
    const nodes = this.knownNodes();
    // The control plane takes writes without a node quorum (the event log is the authority, not corosync):
    // it is quorate whenever it answers, as a Proxmox cluster with quorum would be.
    const cluster = { type: 'cluster', id: 'cluster', name: this.config.clusterName, nodes: nodes.length, quorate: 1 };
    // No `nodeid` (there is no corosync node id to give) and no `ip` (agents do not report one); `local`: the node this replica is named after.
    return [cluster, ...nodes.map((n) => ({ type: 'node', id: `node/${n.name}`, name: n.name, online: n.online ? 1 : 0, local: n.name === this.config.nodeName ? 1 : 0 }))];
  }

  @Get('version')
  @ApiOperation({ summary: 'API version: the Proxmox VE API level this implements (version, release) and our build (repoid)' })
  @AnyUser()
  version() {
    return { version: PVE_API_VERSION, release: PVE_API_VERSION.split('.').slice(0, 2).join('.'), repoid: PRODUCT_VERSION, product: 'sdn-control-plane', productversion: PRODUCT_VERSION };
  }
}

/** The Proxmox VE release whose SDN API this mirrors; clients compare it to decide what they may call. */
export const PVE_API_VERSION = '8.4.0';
export const PRODUCT_VERSION: string = (require('../../../../package.json') as { version: string }).version;
