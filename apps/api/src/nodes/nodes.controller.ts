import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { NODE_NAME_PATTERN } from '@sdn/contracts';
import { AnyUser, Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { optString, type Params, ReqParams } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';
import { NODE_LIVENESS, NodeStatusProjection } from './node-status.projection';
import { type Liveness, type NodeReport, nodeZones, sdnResources, zoneContent } from './node-views';

const RESOURCE_TYPES = ['vm', 'storage', 'node', 'sdn'];

/**
 * The reference's per-node SDN endpoints (spec §1.14) and the SDN part of
 * `/cluster/resources` (§1.15), answered from the status the node agents
 * publish instead of by proxying to each node. The live ones (zone bridges,
 * ip-vrf, mac-vrf, fabric routes/neighbors/interfaces) are in NodeQueriesController.
 */
@ApiTags('nodes')
@ApiSecurity('PVEAPIToken')
@Controller()
export class NodesController {
  constructor(
    private readonly projection: NodeStatusProjection,
    private readonly sdn: SdnStateService,
    @Inject(NODE_LIVENESS) private readonly liveness: Liveness,
  ) {}

  private report(p: Params): NodeReport {
    const node = optString(p, 'node') ?? '';
    if (!NODE_NAME_PATTERN.test(node)) throw ApiError.param('node', 'invalid format - value does not look like a valid node name');
    const r = this.projection.get(node);
    if (!r) throw ApiError.notFound(`node '${node}' has not reported SDN status`);
    return r;
  }

  // Any authenticated user may read the index, as in the reference.
  @Get('nodes/:node/sdn')
  @ApiOperation({ summary: 'Node SDN index' })
  @AnyUser()
  index(@ReqParams() p: Params) {
    this.report(p);
    return [{ name: 'fabrics' }, { name: 'vnets' }, { name: 'zones' }];
  }

  @Get('nodes/:node/sdn/zones')
  @ApiOperation({ summary: 'Zone status on the node (available, pending, error; offline when the node misses heartbeats)' })
  // The reference does not filter this list; we do, so a tenant does not learn other tenants' zone names.
  @FilteredList('SDN.Audit', '/sdn/zones/{zone}')
  zones(@ReqParams() p: Params) {
    return nodeZones(this.report(p), Date.now(), this.liveness);
  }

  @Get('nodes/:node/sdn/zones/:zone')
  @ApiOperation({ summary: 'Zone sub-index on the node' })
  @Privilege('SDN.Audit', '/sdn/zones/{zone}')
  zone(@ReqParams() p: Params) {
    this.report(p);
    return [{ subdir: 'content' }, { subdir: 'bridges' }, { subdir: 'ip-vrf' }];
  }

  @Get('nodes/:node/sdn/zones/:zone/content')
  @ApiOperation({ summary: "Status of the zone's vnets on the node" })
  @Privilege('SDN.Audit', '/sdn/zones/{zone}')
  content(@ReqParams() p: Params) {
    return zoneContent(this.report(p), optString(p, 'zone') ?? '', Date.now(), this.liveness);
  }

  @Get('cluster/resources')
  @ApiOperation({ summary: 'Cluster resources: the SDN entries (one per node and zone, plus localnetwork); this API manages no other type' })
  @ApiQuery({ name: 'type', required: false, enum: RESOURCE_TYPES })
  // §1.15: entries shown to users with SDN.Audit on their zone.
  @FilteredList('SDN.Audit', '/sdn/zones/{sdn}')
  resources(@ReqParams() p: Params) {
    const type = optString(p, 'type');
    if (type !== undefined && !RESOURCE_TYPES.includes(type)) throw ApiError.param('type', `value '${type}' does not have a value in the enumeration '${RESOURCE_TYPES.join(', ')}'`);
    if (type !== undefined && type !== 'sdn') return [];
    const zones = (this.sdn.current.running?.config.zones as { ids?: Record<string, { type?: unknown }> } | undefined)?.ids ?? {};
    const zoneTypes = Object.fromEntries(Object.entries(zones).map(([id, z]) => [id, String(z.type ?? '')]));
    return sdnResources(this.projection.all(), zoneTypes, Date.now(), this.liveness);
  }
}
