import type { ConsumerMessages, Subscription } from 'nats';
import { CONTRACTS, type ConfigAppliedV1, type EventEnvelope } from '@sdn/contracts';
import { decodeJson, readLastMessage, type Bus } from '@sdn/bus';
import type { DnsRunningConfig, DnsServerConfig } from '@sdn/dns';

export interface RunningConfigView {
  version: number;
  running: DnsRunningConfig;
  /** When the API applied it (ConfigApplied envelope time, ms since epoch), if known. */
  appliedAt?: number;
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
 * a plain subscription. The DNS settings of zones come from this snapshot.
 * DNS server objects (url, key, ttl) are not staged — the API's running config
 * has no `dns` section, they act when written — so they are folded from their
 * own DnsCreated/DnsUpdated/DnsDeleted events (replayed from the stream at start)
 * and laid over the snapshot's `dns` section.
 */
export class RunningConfigTracker implements RunningConfigSource {
  private view: RunningConfigView | undefined;
  private sub: Subscription | undefined;
  private servers: Record<string, DnsServerConfig> = {};
  private serverMessages: ConsumerMessages | undefined;

  constructor(private readonly bus: Bus) {}

  private get subject(): string {
    return this.bus.topology.eventSubject('config', 'ConfigApplied');
  }

  async start(): Promise<void> {
    await this.followServers();
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
    if (!this.view || !Object.keys(this.servers).length) return this.view;
    const running = this.view.running;
    return { ...this.view, running: { ...running, dns: { ids: { ...running.dns?.ids, ...this.servers } } } };
  }

  /** Replays the DNS server events (ordered consumer from the first one), then keeps following them. */
  private async followServers(): Promise<void> {
    const stream = this.bus.topology.streams.events.name;
    const filter = this.bus.topology.eventSubject('dns', '>');
    const info = await this.bus.jsm.streams.info(stream, { subjects_filter: filter });
    const stored = Object.values((info.state.subjects as Record<string, number> | undefined) ?? {}).reduce((a, n) => a + n, 0);
    const consumer = await this.bus.js.consumers.get(stream, { filterSubjects: filter });
    this.serverMessages = await consumer.consume();
    let seen = 0;
    let caughtUp: () => void = () => undefined;
    const replayed = new Promise<void>((r) => (caughtUp = r));
    if (stored === 0) caughtUp();
    void (async () => {
      for await (const m of this.serverMessages!) {
        try {
          const env = decodeJson(m.data) as EventEnvelope<{ id?: string; object?: DnsServerConfig }>;
          const id = env.payload?.id;
          if (id && env.type === 'DnsDeleted') delete this.servers[id];
          else if (id && env.payload.object) this.servers[id] = env.payload.object;
        } catch (e) {
          this.bus.log.warn('ignoring undecodable dns server event', { error: String(e) });
        }
        if (++seen >= stored) caughtUp();
      }
    })();
    await replayed;
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
    const appliedAt = Date.parse(env.time);
    this.view = { version: p.version, running: p.running as DnsRunningConfig, ...(Number.isFinite(appliedAt) ? { appliedAt } : {}) };
    this.bus.log.info('running config', { version: p.version });
  }

  stop(): void {
    this.sub?.unsubscribe();
    void this.serverMessages?.close();
  }
}
