import type { Subscription } from 'nats';
import { CONTRACTS, type ConfigAppliedV1, type EventEnvelope } from '@sdn/contracts';
import { decodeJson, readLastMessage, type Bus } from '@sdn/bus';
import type { DnsRunningConfig } from '@sdn/dns';

export interface RunningConfigView {
  version: number;
  running: DnsRunningConfig;
}

/** What the consumer needs: the newest running config, and a way to make sure it is the newest. */
export interface RunningConfigSource {
  current(): RunningConfigView | undefined;
  /** Re-reads the last ConfigApplied from the stream (closes the gap of a missed live message). */
  refresh(): Promise<RunningConfigView | undefined>;
}

/**
 * Follows the running config through `ConfigApplied` events: the last one is
 * read from the events stream at start (and on demand), newer ones arrive on
 * a plain subscription. The DNS settings of zones and the DNS server objects
 * (url, key, ttl) all come from this snapshot.
 */
export class RunningConfigTracker implements RunningConfigSource {
  private view: RunningConfigView | undefined;
  private sub: Subscription | undefined;

  constructor(private readonly bus: Bus) {}

  private get subject(): string {
    return this.bus.topology.eventSubject('config', 'ConfigApplied');
  }

  async start(): Promise<void> {
    // Subscribe first, then read the stored last one: a config applied in between is not missed.
    this.sub = this.bus.nc.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          this.offer(decodeJson(msg.data) as EventEnvelope<ConfigAppliedV1>);
        } catch (e) {
          this.bus.log.warn('ignoring undecodable ConfigApplied', { error: String(e) });
        }
      },
    });
    await this.refresh();
  }

  current(): RunningConfigView | undefined {
    return this.view;
  }

  async refresh(): Promise<RunningConfigView | undefined> {
    const last = await readLastMessage(this.bus.jsm, this.bus.topology.streams.events.name, this.subject, CONTRACTS.configAppliedEvent);
    if (last) this.offer(last.value);
    return this.view;
  }

  /** Keeps the highest version: live and stored copies of the same event may arrive in either order. */
  offer(env: EventEnvelope<ConfigAppliedV1>): void {
    const p = env?.payload;
    if (!p || typeof p.version !== 'number' || !p.running || typeof p.running !== 'object') return;
    if (this.view && this.view.version >= p.version) return;
    this.view = { version: p.version, running: p.running as DnsRunningConfig };
    this.bus.log.info('running config', { version: p.version });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}
