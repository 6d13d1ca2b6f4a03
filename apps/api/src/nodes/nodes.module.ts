import { Module } from '@nestjs/common';
import { livenessFromEnv, NODE_LIVENESS, NodeStatusProjection } from './node-status.projection';
import { NodeQueriesController } from './node-queries.controller';
import { NodesController } from './nodes.controller';

@Module({
  controllers: [NodesController, NodeQueriesController],
  providers: [NodeStatusProjection, { provide: NODE_LIVENESS, useFactory: () => livenessFromEnv() }],
  exports: [NodeStatusProjection, NODE_LIVENESS],
})
export class NodesModule {}
