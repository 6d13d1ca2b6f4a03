import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import type { DnsServerConfig } from '@sdn/dns';
import { SdnObjectsService } from '../core/objects.service';
import { SdnStateService } from '../core/sdn-state.service';
import { DnsZoneVerifier } from '../dns-verify/dns-verify.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';

/** Request flags of zone writes that are not zone properties (read by SdnObjectsService). */
const ZONE_FLAGS = ['generate-mac'];

@ApiTags('zones')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/zones')
export class ZonesController {
  constructor(
    private readonly objects: SdnObjectsService,
    private readonly sdn: SdnStateService,
    private readonly dnsVerifier: DnsZoneVerifier,
  ) {}

  /**
   * A zone naming a forward DNS zone must find it on its DNS server (the
   * network check runs before the serialised write, once the request is
   * otherwise valid; only requests touching `dns`/`dnszone` pay for it).
   */
  private async verifyDns(op: 'create' | 'update', props: Record<string, unknown>, p: Params, id?: string): Promise<void> {
    if (!('dns' in props) && !('dnszone' in props)) return;
    this.objects.preview('zones', op, props, p, id);
    const servers = this.sdn.current.pending.dns as Record<string, DnsServerConfig>;
    await this.dnsVerifier.verifyZoneRequest(props, servers, id ? this.sdn.current.pending.zones[id] : undefined);
  }

  @Get()
  @ApiOperation({ summary: 'List zones (filters: type; views: running=1, pending=1)' })
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{zone}')
  list(@ReqParams() p: Params) {
    return this.objects.list('zones', p);
  }

  @Get(':zone')
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}')
  get(@ReqParams() p: Params) {
    return this.objects.get('zones', String(p.zone), p);
  }

  @Post()
  @ApiOperation({ summary: 'Create a zone (zone, type + properties of its type; lock-token; generate-mac=0 keeps an evpn zone without mac)' })
  @Privilege('SDN.Allocate', '/sdn/zones')
  async create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const props = objectProps(p, ZONE_FLAGS);
    await this.verifyDns('create', props, p);
    return this.objects.create('zones', props, p, { actor, correlationId });
  }

  @Put(':zone')
  @ApiOperation({ summary: 'Update a zone (properties, delete, digest, lock-token, generate-mac)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}')
  async update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const props = objectProps(p, ['zone', ...ZONE_FLAGS]);
    await this.verifyDns('update', props, p, String(p.zone));
    return this.objects.update('zones', String(p.zone), props, p, { actor, correlationId });
  }

  @Delete(':zone')
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}')
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    return this.objects.remove('zones', String(p.zone), p, { actor, correlationId });
  }
}
