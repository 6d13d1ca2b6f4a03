import { Controller, Delete, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { LOCK_AGGREGATE, runningIds, STAGED_SECTIONS, type LockAcquiredV1, type LockReleasedV1 } from '@sdn/event-store';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { checkLockToken, hashLockToken } from '../core/lock-token';
import { boolParam, CorrelationId, optString, type Params, ReqParams } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';
import { hasPendingChanges } from '../core/views';
import { uuidv7 } from './uuid7';

@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/lock')
export class LockController {
  constructor(private readonly sdn: SdnStateService) {}

  @Post()
  @ApiOperation({ summary: 'Acquire the global SDN lock (allow-pending); returns the lock token' })
  @Privilege('SDN.Allocate', '/sdn')
  acquire(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string): Promise<string> {
    const allowPending = boolParam(p, 'allow-pending', false);
    const token = uuidv7();
    return this.sdn.execute((state) => {
      if (state.lock) throw new ApiError(400, 'could not acquire lock for SDN config: invalid lock token provided!', { 'lock-token': 'invalid lock token provided!' });
      if (!allowPending) {
        const running = Object.fromEntries(STAGED_SECTIONS.map((s) => [s, runningIds(state.running, s)]));
        if (hasPendingChanges(running, state.pending, STAGED_SECTIONS)) {
          throw new ApiError(400, 'could not acquire lock for SDN config: configuration has pending changes', { 'allow-pending': 'configuration has pending changes' });
        }
      }
      // Only the hash is logged: whoever reads the event log must not be able to use the lock.
      const payload: LockAcquiredV1 = { tokenHash: hashLockToken(token) };
      return { events: [{ type: 'LockAcquired', aggregateType: LOCK_AGGREGATE.type, aggregateId: LOCK_AGGREGATE.id, payload }], result: token };
    }, actor, correlationId);
  }

  @Delete()
  @ApiOperation({ summary: 'Release the global SDN lock (lock-token, or force=1)' })
  @Privilege('SDN.Allocate', '/sdn')
  release(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string): Promise<null> {
    const token = optString(p, 'lock-token');
    const force = boolParam(p, 'force', false);
    return this.sdn.execute((state) => {
      if (!force) checkLockToken(state, token);
      // Releasing when unlocked succeeds silently (and logs nothing).
      if (!state.lock) return { events: [], result: null };
      const payload: LockReleasedV1 = { forced: force, reason: 'unlock' };
      return { events: [{ type: 'LockReleased', aggregateType: LOCK_AGGREGATE.type, aggregateId: LOCK_AGGREGATE.id, payload }], result: null };
    }, actor, correlationId);
  }
}
