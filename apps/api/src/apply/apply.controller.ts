import { Controller, Get, Inject, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { assertContract, type ConfigAppliedV1, configAppliedV1Schema } from '@sdn/contracts';
import { CONFIG_AGGREGATE, LOCK_AGGREGATE, pendingConfig, type ConfigRolledBackV1, type LockReleasedV1, type SdnState } from '@sdn/event-store';
import { validateConfig } from '@sdn/model';
import { ApiError } from '../core/api-error';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { checkLockToken } from '../core/lock-token';
import { boolParam, CorrelationId, optString, type Params, ReqParams } from '../core/params';
import { type DraftEvent, SdnStateService } from '../core/sdn-state.service';
import { NODE_LIVENESS, NodeStatusProjection } from '../nodes/node-status.projection';
import { applyTaskView, type Liveness } from '../nodes/node-views';
import { ApplyTasks } from './apply-tasks';
import { compileRunning } from './running-snapshot';
import { newTaskId } from './task-id';

/** `release-lock` (default 1) only matters when a token was given and a lock is held. */
function releaseEvents(state: SdnState, token: string | undefined, release: boolean, reason: string): DraftEvent[] {
  if (!token || !release || !state.lock) return [];
  const payload: LockReleasedV1 = { forced: false, reason };
  return [{ type: 'LockReleased', aggregateType: LOCK_AGGREGATE.type, aggregateId: LOCK_AGGREGATE.id, payload }];
}

@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn')
export class ApplyController {
  constructor(
    private readonly sdn: SdnStateService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly tasks: ApplyTasks,
    private readonly nodes: NodeStatusProjection,
    @Inject(NODE_LIVENESS) private readonly liveness: Liveness,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Directory index' })
  @Privilege('SDN.Audit', '/sdn')
  index() {
    return ['vnets', 'zones', 'controllers', 'ipams', 'dns', 'fabrics'].map((id) => ({ id }));
  }

  @Put()
  @ApiOperation({ summary: 'Apply: commit pending config as a new running version (lock-token, release-lock); returns a task id' })
  @Privilege('SDN.Allocate', '/sdn')
  apply(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string): Promise<string> {
    const token = optString(p, 'lock-token');
    const release = boolParam(p, 'release-lock', true);
    const task = newTaskId(this.config.nodeName, 'reloadnetworkall', actor);
    return this.sdn.execute((state) => {
      checkLockToken(state, token);
      // Every edit was validated, so this should never refuse; it guards the nodes
      // against a pending config made invalid by a rule added after the events were written.
      // Gateways are not checked again: S4 was decided by the edit that set each one, which
      // may have accepted it outside its subnet on request (gateway-outside-subnet=1).
      const problems = validateConfig(pendingConfig(state), { checkGateway: () => false });
      if (Object.keys(problems).length) throw new ApiError(400, 'could not commit SDN config: the pending configuration is invalid', problems);
      const version = (state.running?.version ?? 0) + 1;
      const payload = assertContract<ConfigAppliedV1>('ConfigAppliedV1', configAppliedV1Schema, { version, running: compileRunning(state, version), task });
      return {
        events: [{ type: 'ConfigApplied', aggregateType: CONFIG_AGGREGATE.type, aggregateId: CONFIG_AGGREGATE.id, payload }, ...releaseEvents(state, token, release, 'apply')],
        result: task,
      };
    }, actor, correlationId);
  }

  @Get('apply/:task')
  @ApiOperation({ summary: "Progress of an apply (our extension): each node's state for that version (pending, applied, error), and the slowest node" })
  @Privilege('SDN.Audit', '/sdn')
  async applyStatus(@ReqParams() p: Params) {
    const task = optString(p, 'task') ?? '';
    const found = await this.tasks.find(task);
    if (!found) throw ApiError.notFound(`no SDN apply task '${task}'`);
    return { ...applyTaskView(task, found.version, found.started, this.nodes.all(), Date.now(), this.liveness), correlationId: found.correlationId };
  }

  @Post('rollback')
  @ApiOperation({ summary: 'Discard pending changes: restore zones, vnets, subnets and controllers from the running config' })
  @Privilege('SDN.Allocate', '/sdn')
  rollback(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string): Promise<null> {
    const token = optString(p, 'lock-token');
    const release = boolParam(p, 'release-lock', true);
    return this.sdn.execute((state) => {
      checkLockToken(state, token);
      const payload: ConfigRolledBackV1 = { version: state.running?.version ?? 0 };
      return {
        events: [{ type: 'ConfigRolledBack', aggregateType: CONFIG_AGGREGATE.type, aggregateId: CONFIG_AGGREGATE.id, payload }, ...releaseEvents(state, token, release, 'rollback')],
        result: null,
      };
    }, actor, correlationId);
  }
}
