import { Module } from '@nestjs/common';
import { ApplyController } from './apply.controller';

@Module({ controllers: [ApplyController] })
export class ApplyModule {}
