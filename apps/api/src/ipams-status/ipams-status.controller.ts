import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { type Params, ReqParams } from '../core/params';
import { IpamClient } from '../ips/ipam-client';

@ApiTags('ipams')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/ipams/:ipam/status')
export class IpamsStatusController {
  constructor(private readonly ipam: IpamClient) {}

  @Get()
  @ApiOperation({ summary: 'Entries of the IPAM (only the built-in pve IPAM is served by ipam-service)' })
  // Any user; each entry shown only with rights on its vnet (§1.12).
  @FilteredList(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{zone}/{vnet}')
  status(@ReqParams() p: Params) {
    // The reference's own refusal, and its status: a handler error is a 500 there (§1 errors).
    if (String(p.ipam) !== 'pve') throw new ApiError(500, 'Currently only PVE IPAM is supported!');
    return this.ipam.call<unknown[]>(IPAM_PATTERNS.status, {}, 'ip', { repeatable: true });
  }
}
