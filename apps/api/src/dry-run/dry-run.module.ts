import { Module } from '@nestjs/common';
import { DryRunController } from './dry-run.controller';
import { JetStreamNodeFilesSource, NodeFilesSource } from './node-files.source';

@Module({ controllers: [DryRunController], providers: [{ provide: NodeFilesSource, useClass: JetStreamNodeFilesSource }] })
export class DryRunModule {}
