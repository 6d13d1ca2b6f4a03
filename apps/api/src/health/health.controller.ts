import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, HealthIndicatorService } from '@nestjs/terminus';
import { natsReady, postgresReady, runCheck } from '@sdn/service-kit';
import { Public } from '../auth/privilege.decorator';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';
import { raw } from '../core/envelope';
import type { HttpResponse } from '../core/http';
import { NatsService } from '../core/nats.service';
import { SdnStateService } from '../core/sdn-state.service';
import { Readiness } from './readiness';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly sdn: SdnStateService,
    private readonly readiness: Readiness,
    private readonly terminus: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    store: EventStoreService,
    nats: NatsService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    // The same checks as the workers' (service-kit); the relay and the status consumer register theirs.
    readiness.setCheck('postgres', postgresReady((sql) => store.ds.query(sql)));
    if (config.nats) {
      readiness.setCheck('nats', () => {
        const nc = nats.current();
        return nc !== null && natsReady(nc)();
      });
    }
  }

  /**
   * Unauthenticated liveness for orchestrators (not a Proxmox endpoint, so no
   * `{data}` envelope): `{status, seq, version}` — the state is loaded, so the
   * database was reachable at start; `version` is the running config version.
   */
  @Get()
  @Public()
  health() {
    const s = this.sdn.current;
    return raw({ status: 'ok', seq: s.seq, version: s.running?.version ?? 0 });
  }

  /** The process answers (restart it when not). Same body shape as the services' `/health/live`. */
  @Get('live')
  @Public()
  live() {
    return raw({ status: 'ok', checks: {} });
  }

  /**
   * Readiness for a load balancer or orchestrator: 200 when PostgreSQL and
   * NATS answer, the relay and the node-status consumer are bound and the
   * replica is not draining; 503 otherwise, naming the checks that are down.
   * Same body shape as the services' `/health/ready`:
   * `{"status":"ok"|"error","checks":{name:{"status":"up"|"down"}}}`.
   */
  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) res: HttpResponse) {
    const indicators = this.readiness.all().map(([name, check]) => async () => {
      const session = this.indicator.check(name);
      return (await runCheck(check)) ? session.up() : session.down();
    });
    let result: HealthCheckResult;
    try {
      result = await this.terminus.check(indicators);
    } catch (e) {
      // Terminus answers "not ready" with this exception; the API's error filter would replace its body.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      result = e.getResponse() as HealthCheckResult;
    }
    const up = result.status === 'ok';
    res.status(up ? 200 : 503);
    const checks = Object.fromEntries(Object.entries(result.details).map(([name, d]) => [name, { status: d.status }]));
    return raw({ status: up ? 'ok' : 'error', checks });
  }
}
