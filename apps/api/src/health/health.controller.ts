import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/privilege.decorator';
import { raw } from '../core/envelope';
import type { HttpResponse } from '../core/http';
import { SdnStateService } from '../core/sdn-state.service';
import { Drain } from './drain';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly sdn: SdnStateService,
    private readonly drain: Drain,
  ) {}

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

  /**
   * Readiness for a load balancer: 200 while this replica takes new requests,
   * 503 once it drains before stopping (it still answers what it is sent).
   * Same body shape as the services' `/health/ready`.
   */
  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) res: HttpResponse) {
    const up = !this.drain.draining;
    res.status(up ? 200 : 503);
    return raw({ status: up ? 'ok' : 'error', checks: { draining: { status: up ? 'up' : 'down' } } });
  }
}
