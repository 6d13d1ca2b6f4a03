import { Module } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { NODE_LIVENESS, NodeStatusProjection } from './node-status.projection';
import { NodeQueriesController } from './node-queries.controller';
import { NodesController } from './nodes.controller';
import { SdnStatusController } from '../sdn-status/sdn-status.controller';

@Module({
  controllers: [NodesController, NodeQueriesController, SdnStatusController],
  providers: [NodeStatusProjection, { provide: NODE_LIVENESS, useFactory: (c: ApiConfig) => c.liveness, inject: [API_CONFIG] }],
  exports: [NodeStatusProjection, NODE_LIVENESS],
})
export class NodesModule {}
