import type { ConsumerMessages, JsMsg } from 'nats';
import { assertContract, CONTRACTS, type EventEnvelope, type IpEventV1 } from '@sdn/contracts';
import { ackSurely, decodeJson, ensureDurableConsumer, type Bus, type BusLogger } from '@sdn/bus';
import { addressRecordType, applyIpEvent, applyStaleIpEvent, canonicalIp, configGap, sameName, planDnsWork, PowerDnsHttpError, type DnsPlan, type DnsWork, type IpEventKind, type PluginFor } from '@sdn/dns';
import { dnsRegistrationFailures, dnsRegistrationLag, watchJetStreamConsumer } from '@sdn/metrics';
import type { RunningConfigSource, RunningConfigView } from '../config/running-config';
import { KeyLocks, type LockMode } from '../ordering/key-locks';
import { SharedFence, type HeldKeys } from '../ordering/shared-fence';
import { retryDelayMs } from './retry-delay';

/**
 * How long a failed event keeps later events of its keys waiting without failing again (see
 * blockedBefore): twice its longest retry delay (30 s + 20 % jitter), so an event still being
 * retried keeps its block, while a block left behind by an event another replica applied meanwhile
 * holds its keys up for at most this long. It was 5 minutes: in test:chaos (seed 1273816459) the
 * DNS service then sat on 3 events for more than the 240 s convergence limit after the last fault.
 */
const BLOCK_TTL_MS = 75_000;
/** Deliveries of an event PowerDNS answers with 400/422 before it is dropped (see handle). */
const INVALID_ATTEMPTS = 5;
/** How long a gateway event waits for its zone and subnet to reach the running config (see gatewayWaits). */
export const DEFAULT_GATEWAY_WAIT_MS = 24 * 3600_000;
/** A config counts as applied after an event only by this much: the two times come from different services' clocks. */
const CLOCK_MARGIN_MS = 60_000;

function refusedAsInvalid(e: unknown): boolean {
  return e instanceof PowerDnsHttpError && (e.status === 400 || e.status === 422);
}
/**
 * Events in hand by default. The PowerDNS plugin merges the writes (and,
 * under a backlog, the reads) of the events waiting for one zone, so the
 * events in hand are what it can merge: at 64, 200 allocations/s on a busy
 * machine queued on the stream instead (bench:dns: 1 s+ before an event was
 * picked up), while the work per event stays the same with more in hand.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;
const KINDS: readonly IpEventKind[] = ['IpAllocated', 'IpUpdated', 'IpReleased'];

export interface IpEventConsumerOptions {
  bus: Bus;
  config: RunningConfigSource;
  pluginFor: PluginFor;
  /** Durable consumer name; replicas share it (default `dns-service`). */
  durable?: string;
  /** Events handled concurrently (unrelated names/addresses only, see KeyLocks); default DEFAULT_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  ackWaitMs?: number;
  retryDelayMs?: (deliveryCount: number) => number;
  /** Default DEFAULT_GATEWAY_WAIT_MS; counted from when the event was stored on the stream. */
  gatewayWaitMs?: number;
  log?: BusLogger;
  /** Test/bench hook: called after an event was applied and acked. */
  onApplied?: (kind: IpEventKind, payload: IpEventV1, seq: number) => void;
}

export interface ConsumerStats {
  applied: number;
  skipped: number;
  retried: number;
  terminated: number;
  /** Events older than one already applied on their address (re-derived, see applyStaleIpEvent). */
  stale: number;
}

/** What the newest applied event on an address left: its forward name (none once released). */
interface AddressState {
  kind: IpEventKind;
  serverId?: string;
  zone?: string;
  fqdn?: string;
}

/**
 * Applies IpAllocated / IpUpdated / IpReleased events to DNS from a durable
 * JetStream pull consumer on the events stream (`…sdn.events.ip.>`).
 *
 * - An event is acked (ack confirmed by the server) only after every DNS
 *   change it implies was accepted by PowerDNS; on any failure it is nak'ed
 *   with a growing delay and redelivered, with no delivery limit.
 * - Re-applying an event changes nothing (see @sdn/dns rrset edits), so a
 *   redelivery after a crash between the PowerDNS write and the ack is safe.
 * - Events touching the same DNS name or address apply in stream order: they
 *   share a lock key, and while an earlier event on a key waits for its retry,
 *   later events on that key are put back as well instead of overtaking it.
 */
/** PowerDNS is the only DNS plugin type (as in the reference); the label keeps room for more. */
const DNS_TYPE = { dns_type: 'powerdns' } as const;

export class IpEventConsumer {
  readonly stats: ConsumerStats = { applied: 0, skipped: 0, retried: 0, terminated: 0, stale: 0 };
  private readonly locks = new KeyLocks();
  /** Order per address and name across replicas (KeyLocks is per process); see SharedFence. */
  private fence: SharedFence | undefined;
  /** Lock key → stream sequence of the earliest event on it that failed and awaits redelivery, and when. */
  private readonly blocked = new Map<string, { seq: number; at: number }>();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: BusLogger;
  private stopping = false;
  private unwatch: (() => void) | undefined;

  constructor(private readonly opts: IpEventConsumerOptions) {
    this.log = opts.log ?? opts.bus.log;
  }

  get durable(): string {
    return this.opts.durable ?? 'dns-service';
  }

  async start(): Promise<void> {
    const { bus } = this.opts;
    const spec = {
      stream: bus.topology.streams.events.name,
      durable: this.durable,
      filterSubject: bus.topology.eventSubject('ip', '>'),
      ackWaitMs: this.opts.ackWaitMs ?? 60_000,
    };
    await ensureDurableConsumer(bus.jsm, spec, this.log);
    this.fence = await SharedFence.open(bus);
    const consumer = await bus.js.consumers.get(spec.stream, spec.durable);
    const max = this.opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.messages = await consumer.consume({ max_messages: max });
    this.unwatch = watchJetStreamConsumer(bus.jsm, spec.stream, spec.durable);
    this.loop = (async () => {
      for await (const m of this.messages as ConsumerMessages) {
        if (this.stopping) {
          m.nak();
          continue;
        }
        const p = this.handle(m).catch((e) => this.log.error('message handling failed', { seq: m.seq, error: String((e as Error)?.stack ?? e) }));
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
        // Bound the work in hand; the rest stays on the server (and with other replicas).
        while (this.inFlight.size >= max) await Promise.race(this.inFlight);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unwatch?.();
    this.messages?.stop();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private delay(m: JsMsg): number {
    return (this.opts.retryDelayMs ?? retryDelayMs)(m.info.deliveryCount);
  }

  private async handle(m: JsMsg): Promise<void> {
    let env: EventEnvelope<IpEventV1>;
    try {
      env = assertContract<EventEnvelope<IpEventV1>>(CONTRACTS.event.name, CONTRACTS.event.schema, decodeJson(m.data));
      assertContract<IpEventV1>(CONTRACTS.ipEvent.name, CONTRACTS.ipEvent.schema, env.payload);
      canonicalIp(env.payload.ip);
    } catch (e) {
      // Redelivering a malformed event would fail the same way forever.
      this.log.error('terminating malformed ip event', { seq: m.seq, subject: m.subject, error: (e as Error).message });
      this.stats.terminated++;
      m.term();
      return;
    }
    const kind = env.type as IpEventKind;
    if (!KINDS.includes(kind)) {
      await ackSurely(m);
      return;
    }
    const ev = env.payload;
    const ipKey = `ip:${canonicalIp(ev.ip)}`;
    // The log schema's fields of this event: one grep of a correlation id finds its DNS lines too.
    const trace = { seq: m.seq, eventId: env.id, ...(env.correlationId ? { correlationId: env.correlationId } : {}), zone: ev.zone, vnet: ev.vnet };

    let plan: DnsPlan | { retry: string; waitsForConfig?: boolean };
    try {
      const gap = ev.gateway ? await this.gatewayWaits(env) : undefined;
      plan = gap ? { retry: gap, waitsForConfig: true } : await this.plan(ev);
    } catch (e) {
      // A config problem (bad reverse mask, missing server): wait for a config that fixes it.
      plan = { retry: (e as Error).message };
    }
    const locks = 'work' in plan ? lockKeys(kind, plan.work) : [[ipKey, 'exclusive'] as [string, LockMode]];
    if (!locks.some(([k]) => k === ipKey)) locks.push([ipKey, 'exclusive']);

    await this.locks.run(locks, async () => {
      // Order is kept per address and per name; the zone key only serialises a zone scan
      // against concurrent edits, so a failure must not hold up the whole zone.
      const keys = locks.map(([k]) => k).filter((k) => !k.startsWith('zone:'));
      const earlier = keys.find((k) => this.blockedBefore(k, m.seq));
      if (earlier) {
        // Keep stream order per key: an earlier event on this key has not been applied yet.
        const delay = this.delay(m);
        // Said on the first wait and every tenth: a key held silently for minutes was what made a
        // stalled test:chaos run hard to read.
        if (m.info.deliveryCount === 1 || m.info.deliveryCount % 10 === 0) {
          const blocker = this.blocked.get(earlier);
          this.log.info('ip event waits for an earlier event on the same address or name', {
            ...trace,
            type: kind,
            ip: ev.ip,
            key: earlier,
            blockedBySeq: blocker?.seq,
            blockedForMs: blocker ? Date.now() - blocker.at : undefined,
            delivery: m.info.deliveryCount,
            retryInMs: delay,
          });
        }
        m.nak(delay);
        this.stats.retried++;
        return;
      }
      let held: HeldKeys | undefined;
      if ('work' in plan && this.fence) {
        // Wait for another replica applying an event on the same address or name, within the ack wait.
        // NATS unreachable (restart): retry with the usual backoff rather than wait for the ack timeout.
        held = await this.fence.acquire(keys, m.seq, Date.now() + (this.opts.ackWaitMs ?? 60_000) / 2).catch((e) => {
          this.log.warn('dns order fence unavailable; event will be redelivered', { ...trace, error: String((e as Error)?.message ?? e) });
          return undefined;
        });
        if (!held) {
          m.nak(this.delay(m));
          this.stats.retried++;
          return;
        }
      }
      let stale = false;
      try {
        if ('retry' in plan) throw new Error(plan.retry);
        if ('work' in plan) {
          const newest = held?.entries.get(ipKey);
          stale = newest !== undefined && newest.applied >= m.seq;
          // Equal: this very event was applied and its ack was lost; nothing left to do.
          if (stale && newest && newest.applied > m.seq) await applyStaleIpEvent(kind, plan.work, newestName(newest.last as AddressState | undefined, plan.work), this.opts.pluginFor);
          else if (!stale) await applyIpEvent(kind, plan.work, this.opts.pluginFor);
        }
      } catch (e) {
        // If the fence cannot be reached now, the claim lapses with its lease.
        await held?.release().catch(() => false);
        const waits = 'retry' in plan && plan.waitsForConfig === true;
        const waitedMs = Date.now() - m.info.timestampNanos / 1e6;
        if (waits && waitedMs > (this.opts.gatewayWaitMs ?? DEFAULT_GATEWAY_WAIT_MS)) {
          for (const k of keys) if (this.blocked.get(k)?.seq === m.seq) this.blocked.delete(k);
          this.log.error('dropping gateway ip event: its zone/subnet never reached the running config (apply pending, or the subnet was removed); remove and set the subnet gateway again after the apply to register it in DNS', {
            ...trace,
            type: kind,
            event: ev,
            waitedMs: Math.round(waitedMs),
            reason: (e as Error).message,
          });
          this.stats.terminated++;
          m.term();
          return;
        }
        if (refusedAsInvalid(e) && m.info.deliveryCount >= INVALID_ATTEMPTS) {
          // PowerDNS keeps calling the request itself invalid (e.g. a PTR name outside the
          // reference's 16-31.172.in-addr.arpa. zone): retrying cannot help and would hold up
          // every later event of this address. Drop it loudly instead.
          for (const k of keys) if (this.blocked.get(k)?.seq === m.seq) this.blocked.delete(k);
          dnsRegistrationFailures().inc(DNS_TYPE);
          this.log.error('dropping ip event that PowerDNS refuses as invalid', { ...trace, type: kind, event: ev, delivery: m.info.deliveryCount, error: (e as Error).message });
          this.stats.terminated++;
          m.term();
          return;
        }
        // Record (or refresh) this event as the key's blocker, unless an earlier one still is.
        for (const k of keys) if (!this.blockedBefore(k, m.seq)) this.blocked.set(k, { seq: m.seq, at: Date.now() });
        const delay = this.delay(m);
        // Waiting for an apply is the normal flow, not a failure: say so once, not every retry.
        if (waits) {
          if (m.info.deliveryCount === 1) this.log.info('gateway ip event waits for its zone/subnet in the running config', { ...trace, type: kind, ip: ev.ip, reason: (e as Error).message });
        } else {
          dnsRegistrationFailures().inc(DNS_TYPE);
          this.log.warn('dns update failed; event will be redelivered', { ...trace, type: kind, ip: ev.ip, delivery: m.info.deliveryCount, retryInMs: delay, error: (e as Error).message });
        }
        this.stats.retried++;
        m.nak(delay);
        return;
      }
      for (const k of keys) if (this.blocked.get(k)?.seq === m.seq) this.blocked.delete(k);
      if (held && 'work' in plan && !(await held.release({ last: addressState(kind, plan.work) }).catch(() => false))) {
        // Our claim expired while we applied and another replica may have written since: redeliver, so
        // the event is judged again against the fence instead of being acked on a guess.
        this.log.warn('dns order claim expired or unreachable after applying; event will be redelivered', { ...trace, type: kind, ip: ev.ip });
        this.stats.retried++;
        m.nak(this.delay(m));
        return;
      }
      await ackSurely(m);
      if ('skip' in plan) this.stats.skipped++;
      else if (stale) this.stats.stale++;
      else {
        this.stats.applied++;
        // From the IP event (written with the address) to its records in PowerDNS.
        dnsRegistrationLag().observe(DNS_TYPE, Math.max(0, Date.now() - Date.parse(env.time)) / 1000);
      }
      this.opts.onApplied?.(kind, ev, m.seq);
    });
  }

  /**
   * True when an earlier event on `key` failed and was not applied since. The
   * blocker refreshes the block each time it fails again, so it lasts for as
   * long as the blocker is being retried (backoff cap 36 s < BLOCK_TTL_MS). A
   * block nobody refreshes for BLOCK_TTL_MS is dropped: with several replicas
   * the blocker may have been applied by another one, and ordering must not
   * turn into a permanent stall. The table is in memory: after a restart,
   * order across redeliveries is JetStream's (sequence order).
   */
  private blockedBefore(key: string, seq: number): boolean {
    const b = this.blocked.get(key);
    if (!b) return false;
    if (Date.now() - b.at > BLOCK_TTL_MS) {
      this.blocked.delete(key);
      return false;
    }
    return b.seq < seq;
  }

  /**
   * Why a gateway event must wait before it is planned, or undefined when it need not. §6.1 registers
   * a gateway when its subnet is created, which usually comes before the apply that brings zone and
   * subnet into the running config DNS follows; skipping it there, as an address event of an unknown
   * zone is, would leave the gateway without records forever. So it is retried (usual backoff, its
   * address held in order like any failed event) until the zone and subnet are in the running
   * config, until a config applied after it still lacks them (the subnet went before any apply), or
   * for gatewayWaitMs. Durable: the wait is the event's own redelivery.
   */
  private async gatewayWaits(env: EventEnvelope<IpEventV1>): Promise<string | undefined> {
    const gap = (v: RunningConfigView | undefined) => (v ? configGap(v.running, env.payload) : 'no running config (ConfigApplied) seen yet');
    if (!gap(this.opts.config.current())) return undefined;
    const view = await this.opts.config.refresh();
    const missing = gap(view);
    if (missing && view?.appliedAt !== undefined && view.appliedAt > Date.parse(env.time) + CLOCK_MARGIN_MS) return undefined;
    return missing;
  }

  /**
   * Plans with the current running config. Before concluding "nothing to do"
   * it re-reads the last ConfigApplied: the event may have been published right
   * after a config this process has not seen yet.
   */
  private async plan(ev: IpEventV1): Promise<DnsPlan | { retry: string }> {
    let view = this.opts.config.current();
    let plan = view ? planDnsWork(view.running, ev) : undefined;
    if (!plan || 'skip' in plan) {
      view = await this.opts.config.refresh();
      if (!view) return { retry: 'no running config (ConfigApplied) seen yet' };
      plan = planDnsWork(view.running, ev);
    }
    return plan;
  }
}

function addressState(kind: IpEventKind, work: DnsWork): AddressState {
  const f = work.forward;
  return { kind, serverId: f?.serverId, zone: f?.zone, fqdn: kind === 'IpReleased' ? undefined : f?.fqdn };
}

/** The forward name the newest event left the address on, when it is in the stale event's zone. */
function newestName(newest: AddressState | undefined, work: DnsWork): string | undefined {
  const f = work.forward;
  if (!newest || !f || newest.serverId !== f.serverId || !newest.zone || !sameName(newest.zone, f.zone)) return undefined;
  return newest.fqdn;
}

/**
 * Lock keys of one event: the address (PTR and per-address order), the
 * forward name it adds or deletes, and the forward zone — shared for edits of
 * one name, exclusive when the event scans the zone for the address.
 */
function lockKeys(kind: IpEventKind, work: DnsWork): Array<[string, LockMode]> {
  const keys: Array<[string, LockMode]> = [[`ip:${work.ip}`, 'exclusive']];
  const f = work.forward;
  if (f) {
    const zoneKey = `zone:${f.serverId}:${f.zone.toLowerCase()}`;
    const scans = kind === 'IpUpdated' || (kind === 'IpReleased' && !f.fqdn);
    keys.push([zoneKey, scans ? 'exclusive' : 'shared']);
    if (f.fqdn) keys.push([`name:${f.serverId}:${f.fqdn.toLowerCase()}:${addressRecordType(work.ip)}`, 'exclusive']);
  }
  return keys;
}
