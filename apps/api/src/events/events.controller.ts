import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Privilege } from '../auth/privilege.decorator';
import { EventStoreService } from '../core/database';
import { optInt, type Params, ReqParams } from '../core/params';
import { redactEvent } from './redact';

@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/events')
export class EventsController {
  constructor(private readonly store: EventStoreService) {}

  @Get()
  @ApiOperation({ summary: 'Audit: the event log after sequence `since` (who changed what, when)' })
  @ApiQuery({ name: 'since', required: false, description: 'return events with seq > since (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000 (default 100)' })
  @Privilege('SDN.Audit', '/sdn')
  async list(@ReqParams() p: Params) {
    const since = optInt(p, 'since', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = optInt(p, 'limit', 1, 1000) ?? 100;
    return (await this.store.read(since, limit)).map(redactEvent);
  }
}
