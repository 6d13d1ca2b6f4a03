import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import type { DnsServerConfig } from '@sdn/dns';
import { SdnObjectsService } from '../core/objects.service';
import { DnsZoneVerifier } from '../dns-verify/dns-verify.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';

@ApiTags('dns')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/dns')
export class DnsController {
  constructor(
    private readonly objects: SdnObjectsService,
    private readonly verifier: DnsZoneVerifier,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List dns (filter: type; secrets (key) are never returned)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/dns/{dns}')
  list(@ReqParams() p: Params) {
    return this.objects.list('dns', p);
  }

  @Get(':dns')
  @Privilege('SDN.Allocate', '/sdn/dns/{dns}')
  get(@ReqParams() p: Params) {
    return this.objects.get('dns', String(p.dns), p);
  }

  @Post()
  @ApiOperation({ summary: 'Create (dns, type + properties of its type; lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/dns')
  async create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const props = objectProps(p, []);
    // §3.6 I3: the server's API must answer (checked on the would-be object, before the serialised write).
    await this.verifier.verifyServer(this.objects.preview('dns', 'create', props, p).object as DnsServerConfig);
    return this.objects.create('dns', props, p, { actor, correlationId });
  }

  @Put(':dns')
  @ApiOperation({ summary: 'Update (properties, delete, digest, lock-token)' })
  @Privilege('SDN.Allocate', '/sdn/dns')
  async update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const props = objectProps(p, ['dns']);
    await this.verifier.verifyServer(this.objects.preview('dns', 'update', props, p, String(p.dns)).object as DnsServerConfig);
    return this.objects.update('dns', String(p.dns), props, p, { actor, correlationId });
  }

  @Delete(':dns')
  @Privilege('SDN.Allocate', '/sdn/dns')
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.remove('dns', String(p.dns), p, { actor, correlationId });
  }
}
