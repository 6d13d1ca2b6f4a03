import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { SdnObjectsService } from '../core/objects.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';

@ApiTags('ipams')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/ipams')
export class IpamsController {
  constructor(private readonly objects: SdnObjectsService) {}

  @Get()
  @ApiOperation({ summary: 'List ipams (filter: type; secrets (token) are never returned)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/ipams/{ipam}')
  list(@ReqParams() p: Params) {
    return this.objects.list('ipams', p);
  }

  @Get(':ipam')
  @Privilege('SDN.Allocate', '/sdn/ipams/{ipam}')
  get(@ReqParams() p: Params) {
    return this.objects.get('ipams', String(p.ipam), p);
  }

  @Post()
  @ApiOperation({ summary: 'Create (ipam, type + properties of its type; lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/ipams')
  create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.create('ipams', objectProps(p, []), p, { actor, correlationId });
  }

  @Put(':ipam')
  @ApiOperation({ summary: 'Update (properties, delete, digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/ipams')
  update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.update('ipams', String(p.ipam), objectProps(p, ['ipam']), p, { actor, correlationId });
  }

  @Delete(':ipam')
  @Privilege('SDN.Allocate', '/sdn/ipams')
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.remove('ipams', String(p.ipam), p, { actor, correlationId });
  }
}
