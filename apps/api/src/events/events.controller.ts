import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Privilege } from '../auth/privilege.decorator';
import { EventStoreService } from '../core/database';
import { eventJsonSchema, eventSchemaIndex, eventTypeContract } from '@sdn/contracts';
import { ApiError } from '../core/api-error';
import { optInt, optString, type Params, ReqParams } from '../core/params';
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
  @ApiQuery({ name: 'correlation', required: false, description: "only the events of this correlation id (a request's X-Correlation-Id)" })
  @Privilege('SDN.Audit', '/sdn')
  async list(@ReqParams() p: Params) {
    const since = optInt(p, 'since', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = optInt(p, 'limit', 1, 1000) ?? 100;
    const correlation = optString(p, 'correlation', 200);
    return (await this.store.read(since, limit, correlation)).map(redactEvent);
  }

  @Get('schemas')
  @ApiOperation({ summary: 'Audit: every event type on the events stream, with its CloudEvents type, NATS subject and JSON Schema path' })
  @Privilege('SDN.Audit', '/sdn')
  schemas() {
    return eventSchemaIndex();
  }

  @Get('schemas/:type/:version')
  @ApiOperation({ summary: 'Audit: the JSON Schema (2020-12) of one event type, e.g. schemas/ZoneCreated/v1 (generated from @sdn/contracts)' })
  @Privilege('SDN.Audit', '/sdn')
  schema(@ReqParams() p: Params) {
    const m = /^v(\d{1,4})$/.exec(String(p.version));
    if (!m) throw ApiError.param('version', "must be 'v' and a number, e.g. v1");
    const t = eventTypeContract(String(p.type), Number(m[1]));
    if (!t) throw ApiError.notFound(`no event type ${String(p.type)} version ${m[1]}`);
    return eventJsonSchema(t);
  }
}
