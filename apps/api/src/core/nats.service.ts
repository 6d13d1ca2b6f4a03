import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { busConnectionOptions } from '@sdn/bus';
import { API_CONFIG, type ApiConfig } from './config';

/**
 * The process's NATS connection. The API must serve (and accept writes) while
 * NATS is down: events wait in the outbox. So connecting never blocks start-up;
 * it is retried in the background and users wait on `ready()` when they need it.
 */
@Injectable()
export class NatsService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('nats');
  private nc: NatsConnection | null = null;
  private waiters: ((nc: NatsConnection) => void)[] = [];
  private closed = false;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  onModuleInit(): void {
    if (this.config.nats) void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        // The API's NATS identity (SDN_NATS_NKEY_FILE, …, read by @sdn/config); this loop does the first-connect retries.
        const nc = await connect({ ...busConnectionOptions({ name: 'sdn-api', url: this.config.natsUrl, credentials: this.config.natsCredentials }), waitOnFirstConnect: false });
        if (this.closed) {
          await nc.close();
          return;
        }
        this.nc = nc;
        for (const w of this.waiters.splice(0)) w(nc);
        return;
      } catch (e) {
        if (attempt === 0) this.log.warn(`cannot connect to ${this.config.natsUrl} (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  /** The connection, or null right now (never waits). */
  current(): NatsConnection | null {
    return this.nc;
  }

  ready(): Promise<NatsConnection> {
    if (this.nc) return Promise.resolve(this.nc);
    return new Promise((r) => this.waiters.push(r));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.nc) await this.nc.drain().catch(() => undefined);
    this.nc = null;
  }
}
