import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventStore } from '@sdn/event-store';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/** Owns the event store; closes the pool when the application stops. */
@Injectable()
export class EventStoreService extends EventStore implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) ds: DataSource) {
    super(ds);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
