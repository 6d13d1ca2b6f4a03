import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

/** Global: the relay and the node-status projection register their readiness checks with it. */
@Global()
@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [Readiness], exports: [Readiness] })
export class HealthModule {}
