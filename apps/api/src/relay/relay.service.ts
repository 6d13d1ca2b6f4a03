import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { busTopology } from '@sdn/bus';
import { OutboxRelay } from '@sdn/event-store';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';
import { NatsService } from '../core/nats.service';
import { SdnStateService } from '../core/sdn-state.service';
import { Readiness } from '../health/readiness';

/**
 * Runs the outbox relay inside the API process. Every replica may run one:
 * the relay's row locking shares the work. Commits kick it immediately; a
 * timer retries what a crash or NATS outage left behind.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('relay');
  private relay: OutboxRelay | null = null;
  private stopped = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly store: EventStoreService,
    private readonly nats: NatsService,
    private readonly sdn: SdnStateService,
    private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.relay || !this.config.nats) return;
    // Ready once the relay publishes (its stream set up); it stops first when the API stops.
    this.readiness.setCheck('relay', () => this.relay !== null && !this.stopped);
    this.sdn.onCommit(() => this.relay?.kick());
    void this.nats.ready().then(async (nc) => {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          this.relay = await OutboxRelay.create(this.store.ds, nc, {
            topology: busTopology(this.config.busNamespace),
            metricsName: 'api',
            onError: (e) => this.log.warn(`publish failed, will retry: ${(e as Error).message}`),
          });
          if (this.stopped) return;
          this.relay.start(1000);
          return;
        } catch (e) {
          if (attempt === 0) this.log.warn(`cannot set up the events stream: ${(e as Error).message}; retrying`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    });
  }

  /** Publishes everything committed so far (tests and graceful shutdown). */
  async drain(): Promise<number> {
    return this.relay ? this.relay.drain() : 0;
  }

  /** Before the pool and the NATS connection close (their hooks run in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.relay?.stop();
  }
}
