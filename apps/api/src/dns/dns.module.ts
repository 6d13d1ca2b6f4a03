import { Module } from '@nestjs/common';
import { DnsVerifyModule } from '../dns-verify/dns-verify.module';
import { DnsController } from './dns.controller';

@Module({ imports: [DnsVerifyModule], controllers: [DnsController] })
export class DnsModule {}
