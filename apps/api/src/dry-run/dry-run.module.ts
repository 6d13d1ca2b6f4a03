import { Module } from '@nestjs/common';
import { DryRunController } from './dry-run.controller';
import { DryRunLimiter } from './dry-run-limiter';
import { DryRunService } from './dry-run.service';
import { DryRunSummaryStore } from './dry-run-summaries.store';
import { JetStreamNodeFilesSource, NodeFilesSource } from './node-files.source';

@Module({
  controllers: [DryRunController],
  providers: [{ provide: NodeFilesSource, useClass: JetStreamNodeFilesSource }, DryRunLimiter, DryRunService, DryRunSummaryStore],
})
export class DryRunModule {}
