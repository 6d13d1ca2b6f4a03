import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { SdnObjectsService } from '../core/objects.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';

@ApiTags('vnets')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/vnets')
export class VnetsController {
  constructor(private readonly objects: SdnObjectsService) {}

  @Get()
  @ApiOperation({ summary: 'List vnets (views: running=1, pending=1)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{zone}/{vnet}')
  list(@ReqParams() p: Params) {
    return this.objects.list('vnets', p);
  }

  @Get(':vnet')
  @Privilege(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{vnet.zone}/{vnet}')
  get(@ReqParams() p: Params) {
    return this.objects.get('vnets', String(p.vnet), p);
  }

  @Post()
  @ApiOperation({ summary: 'Create a vnet (vnet, zone, tag, alias, vlanaware, isolate-ports; lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}')
  create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.create('vnets', objectProps(p, []), p, { actor, correlationId });
  }

  @Put(':vnet')
  @ApiOperation({ summary: 'Update a vnet (properties, delete, digest, lock-token)' })
  // Beyond the reference (which checks the current zone only): moving a vnet needs the target zone too.
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}', { also: ['/sdn/zones/{zone?}'] })
  update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.update('vnets', String(p.vnet), objectProps(p, ['vnet']), p, { actor, correlationId });
  }

  @Delete(':vnet')
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}')
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.remove('vnets', String(p.vnet), p, { actor, correlationId });
  }
}
