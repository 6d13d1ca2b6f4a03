import { Controller, Delete, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { CorrelationId, optInt, optString, type Params, ReqParams } from '../core/params';
import { IpamClient } from './ipam-client';

interface IpRecord {
  ip: string;
  zone: string;
  vnet: string;
  subnet: string;
  mac?: string;
  hostname?: string;
  vmid?: string;
}

/** §1.10 /cluster/sdn/vnets/{vnet}/ips plus our next-free and batch extensions. */
@ApiTags('ips')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/vnets/:vnet/ips')
export class IpsController {
  constructor(private readonly ipam: IpamClient) {}

  private body(p: Params) {
    const zone = optString(p, 'zone', 64);
    if (!zone) throw ApiError.params({ zone: 'property is missing and it is not optional' });
    return { zone, vnet: String(p.vnet), ip: optString(p, 'ip', 64), mac: optString(p, 'mac', 64), hostname: optString(p, 'hostname', 255), vmid: optString(p, 'vmid', 16), subnet: optString(p, 'subnet', 64) };
  }

  @Post()
  @ApiOperation({ summary: 'Register an IP (ip given) or allocate the next free one (no ip; count=N for a batch)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}/{vnet}')
  async create(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const count = optInt(p, 'count', 1, 4096);
    const recs = await this.ipam.call<IpRecord[]>(IPAM_PATTERNS.allocate, { ...this.body(p), count, correlationId });
    // Single allocation keeps the documented `{data:{ip,…}}` shape; a batch returns the list.
    return count === undefined ? recs[0] : recs;
  }

  @Put()
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}/{vnet}')
  async update(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const b = this.body(p);
    if (!b.ip) throw ApiError.params({ ip: 'property is missing and it is not optional' });
    return this.ipam.call<IpRecord>(IPAM_PATTERNS.update, { ...b, correlationId });
  }

  @Delete()
  @Privilege('SDN.Allocate', '/sdn/zones/{zone}/{vnet}')
  async remove(@ReqParams() p: Params, @CorrelationId() correlationId?: string) {
    const b = this.body(p);
    if (!b.ip) throw ApiError.params({ ip: 'property is missing and it is not optional' });
    await this.ipam.call<IpRecord>(IPAM_PATTERNS.release, { ...b, correlationId });
    return null;
  }
}
