import { Module } from '@nestjs/common';
import { AccessModule } from './access/access.module';
import { ApplyModule } from './apply/apply.module';
import { ControllersModule } from './controllers/controllers.module';
import { DnsModule } from './dns/dns.module';
import { DryRunModule } from './dry-run/dry-run.module';
import { FabricsModule } from './fabrics/fabrics.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { IpamsModule } from './ipams/ipams.module';
import { IpamsStatusModule } from './ipams-status/ipams-status.module';
import { IpsModule } from './ips/ips.module';
import { LockModule } from './lock/lock.module';
import { NodesModule } from './nodes/nodes.module';
import { RelayModule } from './relay/relay.module';
import { SubnetsModule } from './subnets/subnets.module';
import { VnetsModule } from './vnets/vnets.module';
import { ZonesModule } from './zones/zones.module';

/**
 * The API's feature modules. To add one (ipam, ips, dns records, nodes…),
 * append it to `imports`: CoreModule is global, so it can inject
 * SdnStateService, SdnObjectsService, EventStoreService, NatsService and
 * API_CONFIG, and its routes get the auth guard, `{data}` envelope and error
 * mapping automatically. Use `@Privilege(...)` on every handler.
 */
@Module({
  imports: [
    HealthModule,
    AccessModule,
    ApplyModule,
    LockModule,
    ZonesModule,
    VnetsModule,
    SubnetsModule,
    ControllersModule,
    FabricsModule,
    IpamsModule,
    DnsModule,
    EventsModule,
    DryRunModule,
    RelayModule,
    IpsModule,
    IpamsStatusModule,
    NodesModule,
  ],
})
export class AppModule {}
