import { Module } from '@nestjs/common';
import { DnsVerifyModule } from '../dns-verify/dns-verify.module';
import { ZonesController } from './zones.controller';

@Module({ imports: [DnsVerifyModule], controllers: [ZonesController] })
export class ZonesModule {}
