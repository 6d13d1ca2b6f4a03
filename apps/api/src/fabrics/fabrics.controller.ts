import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { PermissionChecker } from '../auth/auth.guard';
import { FilteredList } from '../auth/list-filter.interceptor';
import { AnyUser, Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { CorrelationId, type Params, ReqParams } from '../core/params';
import { FabricsService } from './fabrics.service';

const NODE_READ = ['Sys.Audit', 'Sys.Modify'];
const FABRIC_READ = ['SDN.Audit', 'SDN.Allocate'];

/** Request parameters that are object properties (the reference passes everything else through extract_param). */
function props(p: Params, drop: string[]): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(p)) {
    if (['lock-token', 'digest', 'running', 'pending', ...drop].includes(k)) continue;
    // `interfaces` is an array of property strings (which contain commas): kept as sent.
    out[k] = k === 'interfaces' || !Array.isArray(v) || v.length !== 1 ? v : v[0];
  }
  return out;
}

/**
 * /cluster/sdn/fabrics (spec Appendix A): fabrics and their nodes, pending
 * and running, with the reference's permissions — fabrics on
 * `/sdn/fabrics/<id>`, nodes additionally on `/nodes/<node>`.
 */
@ApiTags('fabrics')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/fabrics')
export class FabricsController {
  constructor(
    private readonly fabrics: FabricsService,
    private readonly permissions: PermissionChecker,
  ) {}

  private async visibleNodes(actor: string, nodes: Record<string, unknown>[], checkFabric: boolean): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const n of nodes) {
      if (checkFabric && !(await this.permissions.allowed(actor, FABRIC_READ, `/sdn/fabrics/${String(n.fabric_id)}`))) continue;
      if (await this.permissions.allowed(actor, NODE_READ, `/nodes/${String(n.node_id)}`)) out.push(n);
    }
    return out;
  }

  @Get()
  @ApiOperation({ summary: 'Fabrics index' })
  @Privilege('SDN.Audit', '/sdn/fabrics')
  index() {
    return [{ subdir: 'fabric' }, { subdir: 'node' }, { subdir: 'all' }];
  }

  @Get('all')
  @ApiOperation({ summary: 'All fabrics and nodes (views: running=1, pending=1), cut to what the caller may see' })
  @AnyUser()
  async all(@ReqParams() p: Params, @Actor() actor: string) {
    const view = FabricsService.view(p);
    const fabrics: Record<string, unknown>[] = [];
    for (const f of this.fabrics.fabrics(view)) if (await this.permissions.allowed(actor, FABRIC_READ, `/sdn/fabrics/${String(f.id)}`)) fabrics.push(f);
    return { fabrics, nodes: await this.visibleNodes(actor, this.fabrics.nodes(view), true) };
  }

  @Get('fabric')
  @ApiOperation({ summary: 'List fabrics (views: running=1, pending=1)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/fabrics/{id}')
  list(@ReqParams() p: Params) {
    return this.fabrics.fabrics(FabricsService.view(p));
  }

  @Get('fabric/:id')
  @Privilege(['SDN.Audit', 'SDN.Allocate'], '/sdn/fabrics/{id}')
  get(@ReqParams() p: Params) {
    return this.fabrics.fabric(String(p.id));
  }

  @Post('fabric')
  @ApiOperation({ summary: 'Create a fabric (id, protocol openfabric|ospf, ip_prefix, ip6_prefix, hello_interval, csnp_interval, area; digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/fabrics')
  create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.fabrics.createFabric(props(p, []), p, { actor, correlationId });
  }

  @Put('fabric/:id')
  @ApiOperation({ summary: 'Update a fabric (properties, delete, digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/fabrics/{id}')
  update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.fabrics.updateFabric(String(p.id), props(p, ['id']), p, { actor, correlationId });
  }

  @Delete('fabric/:id')
  @ApiOperation({ summary: 'Delete a fabric and its nodes (needs Sys.Modify on every member node)' })
  @Privilege('SDN.Allocate', '/sdn/fabrics/{id}')
  async remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    for (const node of this.fabrics.memberNodes(String(p.id))) {
      if (!(await this.permissions.allowed(actor, ['Sys.Modify'], `/nodes/${node}`))) throw new ApiError(403, `permission check failed: missing 'Sys.Modify' on node ${node}`);
    }
    return this.fabrics.deleteFabric(String(p.id), p, { actor, correlationId });
  }

  @Get('node')
  @ApiOperation({ summary: 'All fabric nodes (views: running=1, pending=1)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/fabrics/{fabric_id}')
  async allNodes(@ReqParams() p: Params, @Actor() actor: string) {
    return this.visibleNodes(actor, this.fabrics.nodes(FabricsService.view(p)), false);
  }

  @Get('node/:fabric_id')
  @ApiOperation({ summary: 'Nodes of a fabric (views: running=1, pending=1), those the caller may audit' })
  @Privilege('SDN.Audit', '/sdn/fabrics/{fabric_id}')
  async nodes(@ReqParams() p: Params, @Actor() actor: string) {
    return this.visibleNodes(actor, this.fabrics.nodes(FabricsService.view(p), String(p.fabric_id)), false);
  }

  @Get('node/:fabric_id/:node_id')
  @Privilege(['SDN.Audit', 'SDN.Allocate'], '/sdn/fabrics/{fabric_id}', { and: [{ privileges: ['Sys.Audit', 'Sys.Modify'], path: '/nodes/{node_id}' }] })
  node(@ReqParams() p: Params) {
    return this.fabrics.node(String(p.fabric_id), String(p.node_id));
  }

  @Post('node/:fabric_id')
  @ApiOperation({ summary: 'Add a node to a fabric (node_id, protocol, ip, ip6, interfaces[]; digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/fabrics/{fabric_id}', { and: [{ privileges: ['Sys.Modify'], path: '/nodes/{node_id}' }] })
  createNode(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.fabrics.createNode(String(p.fabric_id), props(p, ['fabric_id']), p, { actor, correlationId });
  }

  @Put('node/:fabric_id/:node_id')
  @ApiOperation({ summary: 'Update a fabric node (ip, ip6, interfaces, delete, digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/fabrics/{fabric_id}', { and: [{ privileges: ['Sys.Modify'], path: '/nodes/{node_id}' }] })
  updateNode(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.fabrics.updateNode(String(p.fabric_id), String(p.node_id), props(p, ['fabric_id', 'node_id']), p, { actor, correlationId });
  }

  @Delete('node/:fabric_id/:node_id')
  @Privilege('SDN.Allocate', '/sdn/fabrics/{fabric_id}', { and: [{ privileges: ['Sys.Modify'], path: '/nodes/{node_id}' }] })
  removeNode(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.fabrics.deleteNode(String(p.fabric_id), String(p.node_id), p, { actor, correlationId });
  }
}
