import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor, PermissionChecker } from '../auth/auth.guard';
import { AnyUser } from '../auth/privilege.decorator';
import { SdnStateService } from '../core/sdn-state.service';
import { NODE_LIVENESS, NodeStatusProjection } from '../nodes/node-status.projection';
import type { Liveness } from '../nodes/node-views';
import { clusterStatus } from './cluster-status';

/**
 * Our extension for the web panel's status tree: every node with its running
 * version, liveness and last apply, and per zone its state plus counts of its
 * vnets' states (vnets in error listed with their message). One request instead
 * of nodes × zones calls to `/nodes/{node}/sdn/zones/{zone}/content`; the vnet
 * lists themselves stay on that endpoint, fetched when a zone is opened.
 */
@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/status')
export class SdnStatusController {
  constructor(
    private readonly projection: NodeStatusProjection,
    private readonly sdn: SdnStateService,
    private readonly permissions: PermissionChecker,
    @Inject(NODE_LIVENESS) private readonly liveness: Liveness,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Per node: running version, liveness, last apply, zone states with vnet state counts (zones shown with SDN.Audit on them)' })
  // Open to every user; zones are cut to those the caller may audit, as /nodes/{node}/sdn/zones does.
  @AnyUser()
  async status(@Actor() actor: string) {
    const seen = new Map<string, boolean>();
    const zonesKnown = new Set([...this.projection.all()].flatMap((r) => Object.keys(r.status.zones)));
    for (const zone of zonesKnown) seen.set(zone, await this.permissions.allowed(actor, ['SDN.Audit', 'SDN.Allocate'], `/sdn/zones/${zone}`));
    const running = this.sdn.current.running?.version ?? 0;
    return clusterStatus(this.projection.all(), running, Date.now(), this.liveness, (zone) => seen.get(zone) === true);
  }
}
