import { randomUUID } from 'node:crypto';
import type { KV } from 'nats';
import type { Bus } from '@sdn/bus';

/**
 * Per-key order across DNS-service replicas, in a JetStream KV bucket.
 *
 * Replicas share one durable consumer, so two events on one address (say the
 * release of 10.50.0.6 from its old host, seq 28, and its allocation to a new
 * one, seq 29) can be delivered to different replicas at once; KeyLocks only
 * orders them inside one process. Each key (an address, a forward name) has
 * one KV entry holding
 * - `holder`: the event being applied now, with a lease. An event applies only
 *   while it holds every key it touches (taken by compare-and-set, in sorted
 *   key order so two replicas never wait on each other in a cycle), so
 *   conflicting events never write to PowerDNS at the same time;
 * - `applied`/`last`: the stream sequence of the newest event applied to the
 *   key and what it left (for an address: its forward name). An event older
 *   than `applied` lost the race or is a redelivery (crash between PowerDNS
 *   write and ack, ack wait expired, a nak'ed event overtaken after a
 *   restart): it must not be applied as is. The caller re-derives what is
 *   still true of it (applyStaleIpEvent): the newest event of an address
 *   defines the address' PTR and its forward name, so the stale one only
 *   removes the address from names the newest does not name.
 * Why this and not the alternatives: the subjects do not carry the address
 * (so no partitioning of the consumer per key without changing the
 * publisher), the service has no database, and a single active replica would
 * still need the `applied` fence for redeliveries after a crash. The lease
 * (LEASE_MS) only matters when a replica dies while holding a key: the others
 * wait for it to expire. The one assumption is that applying one event takes
 * less than the lease (PowerDNS calls time out after 30 s); a holder that
 * finds its entry changed when it releases nak's its event, which is then
 * re-evaluated against the fence.
 */
export const LEASE_MS = 45_000;
const POLL_MS = 25;

export interface FenceEntry {
  /** Stream sequence of the newest event applied on this key (0: none). */
  applied: number;
  /** What that event left, as the caller describes it. */
  last?: unknown;
  /** The event being applied now and until when its claim holds (epoch ms). */
  holder?: { token: string; seq: number; until: number };
}

export interface HeldKeys {
  /** Entries as they were when taken (before this event). */
  readonly entries: ReadonlyMap<string, FenceEntry>;
  /**
   * Gives the keys back; with `applied` the event's seq (and `last`) becomes
   * the keys' newest, unless a newer one already is. False when a key was
   * taken over meanwhile (lease expired): the caller must not ack.
   */
  release(applied?: { last?: unknown; keys?: string[] }): Promise<boolean>;
}

/** KV bucket name for a bus namespace (isolated tests get their own, deleted with the namespace). */
export function fenceBucketName(namespace: string): string {
  return namespace ? `${namespace.toUpperCase().replace(/-/g, '_')}_DNS_ORDER` : 'SDN_DNS_ORDER';
}

export class SharedFence {
  private constructor(
    private readonly kv: KV,
    private readonly leaseMs: number,
  ) {}

  static async open(bus: Bus, opts: { leaseMs?: number } = {}): Promise<SharedFence> {
    // history 1: only the current entry matters; compare-and-set works on its revision.
    const kv = await bus.js.views.kv(fenceBucketName(bus.topology.namespace), { history: 1 });
    return new SharedFence(kv, opts.leaseMs ?? LEASE_MS);
  }

  /**
   * Takes every key for the event `seq`, waiting for other holders, until
   * `deadline` (epoch ms); undefined when it could not (nothing is held then).
   */
  async acquire(keys: string[], seq: number, deadline: number): Promise<HeldKeys | undefined> {
    const token = `${randomUUID()}:${seq}`;
    const held: Array<{ key: string; rev: number; entry: FenceEntry }> = [];
    for (const key of [...new Set(keys)].sort()) {
      const got = await this.take(key, token, seq, deadline);
      if (!got) {
        await Promise.all(held.map((h) => this.put(h.key, strip(h.entry), h.rev)));
        return undefined;
      }
      held.push({ key, ...got });
    }
    return {
      entries: new Map(held.map((h) => [h.key, h.entry])),
      release: async (applied) => {
        const results = await Promise.all(
          held.map((h) => {
            const advance = applied && (applied.keys ?? keys).includes(h.key) && seq > h.entry.applied;
            return this.put(h.key, advance ? { applied: seq, last: applied.last } : strip(h.entry), h.rev);
          }),
        );
        return results.every(Boolean);
      },
    };
  }

  private async take(key: string, token: string, seq: number, deadline: number): Promise<{ rev: number; entry: FenceEntry } | undefined> {
    const k = kvKey(key);
    for (;;) {
      const e = await this.kv.get(k);
      const entry: FenceEntry = e && e.operation === 'PUT' && e.value.length ? (e.json() as FenceEntry) : { applied: 0 };
      // Clocks of replicas differ a little; the lease is far longer than that.
      const busy = entry.holder && entry.holder.until > Date.now();
      if (!busy) {
        const next: FenceEntry = { ...strip(entry), holder: { token, seq, until: Date.now() + this.leaseMs } };
        try {
          const rev = e ? await this.kv.update(k, JSON.stringify(next), e.revision) : await this.kv.create(k, JSON.stringify(next));
          return { rev, entry: strip(entry) };
        } catch (err) {
          if (!isRevisionConflict(err)) throw err;
          continue; // another replica changed it between our read and write: read again
        }
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Compare-and-set of our own claim; false if someone took the key over since. */
  private async put(key: string, entry: FenceEntry, rev: number): Promise<boolean> {
    try {
      await this.kv.update(kvKey(key), JSON.stringify(entry), rev);
      return true;
    } catch (err) {
      if (isRevisionConflict(err)) return false;
      throw err;
    }
  }
}

function strip(e: FenceEntry): FenceEntry {
  return { applied: e.applied, ...(e.last === undefined ? {} : { last: e.last }) };
}

/** KV keys allow `[-/_=.a-zA-Z0-9]`; addresses (IPv6 `:`) and names do not always fit. */
function kvKey(key: string): string {
  return Buffer.from(key).toString('base64url');
}

function isRevisionConflict(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /wrong last sequence|key exists/i.test(m);
}
