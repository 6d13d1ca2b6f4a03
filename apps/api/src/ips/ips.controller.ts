import { Controller, Delete, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IPAM_PATTERNS } from '@sdn/contracts';
import type { IpRecord } from '@sdn/ipam';
import { checkFormat } from '@sdn/model';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { SdnObjectsService } from '../core/objects.service';
import { SdnStateService } from '../core/sdn-state.service';
import { CorrelationId, optInt, optString, type Params, ReqParams } from '../core/params';
import { IpamClient } from './ipam-client';
import { externalIpamOf, vnetSubnets } from './zone-ipam';

/**
 * §1.10 /cluster/sdn/vnets/{vnet}/ips plus our next-free and batch extensions.
 * Unlike the reference, the permission is checked on the vnet's real zone, not
 * on the `zone` parameter, which a caller could otherwise point at a zone of its own.
 */
@ApiTags('ips')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/vnets/:vnet/ips')
export class IpsController {
  constructor(
    private readonly ipam: IpamClient,
    private readonly objects: SdnObjectsService,
    private readonly sdn: SdnStateService,
  ) {}

  private body(p: Params) {
    const zone = optString(p, 'zone', 64);
    if (!zone) throw ApiError.params({ zone: 'property is missing and it is not optional' });
    // The IPAM files an address under the vnet it is given: it must be a real vnet of that zone.
    const vnet = this.objects.require('vnets', String(p.vnet));
    if (vnet.zone !== zone) throw ApiError.param('zone', `vnet '${String(p.vnet)}' is not in zone '${zone}'`);
    for (const [name, format] of [['ip', 'ip'], ['mac', 'mac-addr']] as const) {
      const v = optString(p, name, 64);
      const err = v === undefined ? undefined : checkFormat(format, v);
      if (err) throw ApiError.param(name, err);
    }
    // A phpIPAM/NetBox zone: ipam-service is told which IPAM (the pending config, §1.10) and the
    // vnet's subnets. A pve zone sends the subnets only for a next free whose vnet has a
    // dhcp-range (§6.7: the ranges in order, instead of the whole subnet); otherwise ipam-service
    // looks nothing up.
    const pending = this.sdn.current.pending;
    const ext = externalIpamOf(pending, zone);
    const ip = optString(p, 'ip', 64);
    const subnets = ext || !ip ? vnetSubnets(pending, String(p.vnet)) : [];
    const target = ext ? { ...ext, subnets } : subnets.some((s) => s.dhcpRanges?.length) ? { subnets } : {};
    return { zone, vnet: String(p.vnet), ip, mac: optString(p, 'mac', 64), hostname: optString(p, 'hostname', 255), vmid: optString(p, 'vmid', 16), subnet: optString(p, 'subnet', 64), ...target };
  }

  @Post()
  @ApiOperation({ summary: 'Register an IP (ip given) or allocate the next free one (no ip; count=N for a batch)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}')
  async create(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const count = optInt(p, 'count', 1, 4096);
    const b = this.body(p);
    const recs = await this.ipam.allocate({ ...b, count, correlationId }, b.ip ? 'ip' : 'vnet');
    // Single allocation keeps the documented `{data:{ip,…}}` shape; a batch returns the list.
    return count === undefined ? recs[0] : recs;
  }

  @Put()
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}')
  async update(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const b = this.body(p);
    if (!b.ip) throw ApiError.params({ ip: 'property is missing and it is not optional' });
    // Setting the same attributes twice is harmless: sent again after a timeout too.
    return this.ipam.call<IpRecord>(IPAM_PATTERNS.update, { ...b, correlationId }, 'ip', { repeatable: true });
  }

  @Delete()
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}')
  async remove(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const b = this.body(p);
    if (!b.ip) throw ApiError.params({ ip: 'property is missing and it is not optional' });
    await this.ipam.call<IpRecord>(IPAM_PATTERNS.release, { ...b, correlationId });
    return null;
  }
}
