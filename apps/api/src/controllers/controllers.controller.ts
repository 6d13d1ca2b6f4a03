import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { SdnObjectsService } from '../core/objects.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';

@ApiTags('controllers')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/controllers')
export class ControllersController {
  constructor(private readonly objects: SdnObjectsService) {}

  @Get()
  @ApiOperation({ summary: 'List controllers (filter: type; views: running=1, pending=1)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/controllers/{controller}')
  list(@ReqParams() p: Params) {
    return this.objects.list('controllers', p);
  }

  @Get(':controller')
  @Privilege('SDN.Allocate', '/sdn/controllers/{controller}')
  get(@ReqParams() p: Params) {
    return this.objects.get('controllers', String(p.controller), p);
  }

  @Post()
  @ApiOperation({ summary: 'Create (controller, type + properties of its type; lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/controllers')
  create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.create('controllers', objectProps(p, []), p, { actor, correlationId });
  }

  @Put(':controller')
  @ApiOperation({ summary: 'Update (properties, delete, digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/controllers')
  update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.update('controllers', String(p.controller), objectProps(p, ['controller']), p, { actor, correlationId });
  }

  @Delete(':controller')
  @Privilege('SDN.Allocate', '/sdn/controllers')
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.remove('controllers', String(p.controller), p, { actor, correlationId });
  }
}
