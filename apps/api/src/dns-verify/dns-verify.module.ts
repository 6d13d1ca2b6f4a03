import { Module } from '@nestjs/common';
import { DnsZoneVerifier } from './dns-verify.service';

/** Import where zones (and DNS servers) are written; inject DnsZoneVerifier. */
@Module({ providers: [DnsZoneVerifier], exports: [DnsZoneVerifier] })
export class DnsVerifyModule {}
