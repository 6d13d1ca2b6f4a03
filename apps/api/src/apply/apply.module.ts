import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { ApplyController } from './apply.controller';
import { ApplyMetrics } from './apply-metrics';
import { ApplyTasks } from './apply-tasks';
import { TasksController } from './tasks.controller';

@Module({ imports: [NodesModule], controllers: [ApplyController, TasksController], providers: [ApplyTasks, ApplyMetrics] })
export class ApplyModule {}
