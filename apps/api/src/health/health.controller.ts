import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/privilege.decorator';
import { raw } from '../core/envelope';
import { SdnStateService } from '../core/sdn-state.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly sdn: SdnStateService) {}

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
}
