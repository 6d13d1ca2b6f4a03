import { Module } from '@nestjs/common';
import { Drain } from './drain';
import { HealthController } from './health.controller';

@Module({ controllers: [HealthController], providers: [Drain], exports: [Drain] })
export class HealthModule {}
