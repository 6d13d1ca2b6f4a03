import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { openEventStoreDataSource } from '@sdn/event-store';
import { AccessStateService } from '../access/access-state.service';
import { AclPermissionChecker, AuthGuard, PermissionChecker } from '../auth/auth.guard';
import { ListFilterInterceptor } from '../auth/list-filter.interceptor';
import { TokenService } from '../auth/token.service';
import { LoginLimiter } from '../auth/login-limiter';
import { TicketService } from '../auth/tickets';
import { ApiExceptionFilter } from './api-error';
import { API_CONFIG, type ApiConfig } from './config';
import { DATA_SOURCE, EventStoreService } from './database';
import { NatsService } from './nats.service';
import { SdnObjectsService } from './objects.service';
import { SdnStateService } from './sdn-state.service';
import { SecretsService } from './secrets.service';

/**
 * Process-wide services every feature module may inject: configuration,
 * event store, in-memory SDN state, NATS, auth. Global so that a feature
 * module (ipam, dns, nodes…) only has to be listed in AppModule.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: DATA_SOURCE, useFactory: () => openEventStoreDataSource(config.databaseUrl, config.dbPoolSize) },
        EventStoreService,
        SdnStateService,
        SdnObjectsService,
        SecretsService,
        NatsService,
        TokenService,
        TicketService,
        LoginLimiter,
        AccessStateService,
        { provide: PermissionChecker, useClass: AclPermissionChecker },
        { provide: APP_GUARD, useClass: AuthGuard },
        ListFilterInterceptor,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [API_CONFIG, DATA_SOURCE, EventStoreService, SdnStateService, SdnObjectsService, SecretsService, NatsService, TokenService, TicketService, LoginLimiter, PermissionChecker, AccessStateService, ListFilterInterceptor],
    };
  }
}
