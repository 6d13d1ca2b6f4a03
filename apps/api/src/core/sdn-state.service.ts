import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '@sdn/contracts';
import {
  aggregateKey,
  type FoldableEvent,
  loadProjection,
  type NewEvent,
  parseObjectEventType,
  pendingConfig,
  type SdnState,
  SDN_PROJECTION,
  StaleWriteError,
  StateDraft,
  type WorkingBatch,
  WorkingState,
  writeProjectionDelta,
} from '@sdn/event-store';
import { ConfigIndex, type SdnConfig } from '@sdn/model';
import { EventStoreService } from './database';

/** An event a command wants to append; the service numbers it and stamps actor and correlation. */
export interface DraftEvent {
  type: string;
  typeVersion?: number;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
}

/**
 * A command's decision, computed from the state it is given (which includes
 * every earlier command of the same batch) and the model's look-up tables for
 * exactly that state's pending config. Throw an ApiError to refuse.
 */
export type Decide<T> = (state: SdnState, index: ConfigIndex) => { events: DraftEvent[]; result?: T };

function buildIndex(state: SdnState): ConfigIndex {
  return ConfigIndex.build(pendingConfig(state) as unknown as SdnConfig);
}

/**
 * Keeps `index` describing `state`'s pending config after `ev` was folded into
 * it; returns the index to use from now on (a rollback replaces whole sections,
 * so the index is rebuilt).
 */
function track(index: ConfigIndex, state: SdnState, ev: FoldableEvent): ConfigIndex {
  const obj = parseObjectEventType(ev.type);
  if (obj) {
    const [section] = obj;
    const id = (ev.payload as { id: string }).id;
    const ids = state.pending[section];
    index.set(section, id, Object.prototype.hasOwnProperty.call(ids, id) ? ids[id] : undefined);
    return index;
  }
  return ev.type === 'ConfigRolledBack' ? buildIndex(state) : index;
}

interface Pending {
  decide: Decide<unknown>;
  actor: string;
  correlationId: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const MAX_BATCH = 256;

/**
 * Holds the SDN state in memory and serialises every write.
 *
 * Writes are group-committed: commands queue up while a transaction runs, and
 * the next transaction takes them all. Inside it (holding the store's global
 * advisory lock) the service first folds any events other replicas committed
 * since it last looked, then runs each command's `decide` against the state
 * left by the previous one, appends all resulting events and the projection
 * rows in one commit. A refused command affects only itself. If the
 * transaction fails, the batch is undone in memory (WorkingState keeps what
 * each event replaced) and every command of the batch fails. Readers get the
 * committed state only.
 */
@Injectable()
export class SdnStateService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('sdn-state');
  private working!: WorkingState;
  /**
   * The model's look-up tables for `working.live.pending`, maintained event by event
   * so a write never rebuilds them. Null while a batch is updating it in place
   * or after a failure: the next write rebuilds it from `working.live`.
   */
  private index: ConfigIndex | null = null;
  private versions = new Map<string, number>();
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private poller: NodeJS.Timeout | null = null;
  private readonly commitListeners: ((events: EventEnvelope[]) => void)[] = [];

  constructor(readonly store: EventStoreService) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    // Other replicas write too: fold their events for readers even when we do not write.
    this.poller = setInterval(() => void this.catchUp().catch((e) => this.log.warn(`catch-up failed: ${(e as Error).message}`)), 1000);
    this.poller.unref();
  }

  /** Lets queued writes commit before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    await this.flushing;
  }

  /** Loads the projection tables and folds the log after their checkpoint. */
  async reload(): Promise<void> {
    const draft = new StateDraft(await loadProjection(this.store.ds));
    for (;;) {
      const page = await this.store.read(draft.state.seq, 5000);
      for (const e of page) draft.apply(e);
      if (page.length < 5000) break;
    }
    this.working = new WorkingState(draft.state);
    this.index = null;
    this.versions = await this.store.aggregateVersions();
  }

  /** The current state (immutable snapshot). */
  get current(): SdnState {
    return this.working.committed();
  }

  /** The model index of `current`'s pending config, when one is at hand (none while a batch holds it). */
  get currentIndex(): ConfigIndex | undefined {
    return this.index ?? undefined;
  }

  onCommit(fn: (events: EventEnvelope[]) => void): void {
    this.commitListeners.push(fn);
  }

  /** Folds events committed by other writers; skipped while our own writer runs (it catches up itself). */
  async catchUp(): Promise<void> {
    if (this.flushing) return;
    const working = this.working;
    const seq = working.live.seq;
    const events = await this.store.read(seq, 5000);
    if (!events.length || this.flushing || this.working !== working || working.live.seq !== seq) return;
    const batch = working.begin();
    let index = this.index;
    for (const e of events) {
      working.apply(batch, e);
      if (index) index = track(index, working.live, e);
      this.versions.set(aggregateKey(e.aggregateType, e.aggregateId), e.aggregateVersion);
    }
    working.commit(batch, events[events.length - 1].seq);
    this.index = index;
  }

  private syncRunning: Promise<void> | null = null;
  private syncQueued: Promise<void> | null = null;

  /**
   * Folds what other replicas committed before this call, so that a request sees every write whose
   * answer its client already has, whichever replica served it (create a vnet on one replica, its
   * subnet on the next). Callers of the same moment share one read of the log: a call that arrives
   * while a read is running waits for the next one, which starts after it.
   */
  sync(): Promise<void> {
    if (this.syncQueued) return this.syncQueued;
    if (!this.syncRunning) {
      this.syncRunning = this.catchUp().finally(() => (this.syncRunning = null));
      return this.syncRunning;
    }
    this.syncQueued = this.syncRunning
      .catch(() => undefined)
      .then(() => {
        this.syncQueued = null;
        return this.sync();
      });
    return this.syncQueued;
  }

  /** Runs a command serialised with every other write; resolves after its events are committed. */
  execute<T>(decide: Decide<T>, actor: string, correlationId?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ decide: decide as Decide<unknown>, actor, correlationId: correlationId ?? randomUUID(), resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // A command queued after the last batch resolved but before this ran (a caller awaiting its
      // previous write and writing again at once) found a flush still "running": start it now.
      if (this.queue.length) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const outcomes = new Map<Pending, { ok: true; value: unknown } | { ok: false; error: unknown }>();
      const working = this.working;
      // Folded into working.live as decided; undone newest first unless committed.
      const opened: WorkingBatch[] = [];
      const undo = () => {
        while (opened.length) working.abort(opened.pop()!);
      };
      let index!: ConfigIndex;
      try {
        // Updated in place by the batch; only put back once the batch committed.
        index = this.index ?? buildIndex(working.live);
        this.index = null;
        const attempt = (optimistic: boolean) => this.store.write(async (tx) => {
          const overlay = new Map<string, number>();
          // Events other replicas committed since we last looked (the projection rows are theirs).
          const missed = tx.missed.length ? working.begin() : null;
          if (missed) opened.push(missed);
          for (const e of tx.missed) {
            working.apply(missed!, e);
            index = track(index, working.live, e);
            overlay.set(aggregateKey(e.aggregateType, e.aggregateId), e.aggregateVersion);
          }
          // One batch for all commands: each sees the state its predecessors left.
          const mine = working.begin();
          opened.push(mine);
          const drafts: NewEvent[] = [];
          for (const item of batch) {
            try {
              const d = item.decide(working.live, index);
              for (const ev of d.events) {
                const key = aggregateKey(ev.aggregateType, ev.aggregateId);
                const version = (overlay.get(key) ?? this.versions.get(key) ?? 0) + 1;
                overlay.set(key, version);
                const draft: NewEvent = {
                  id: randomUUID(),
                  type: ev.type,
                  typeVersion: ev.typeVersion ?? 1,
                  aggregateType: ev.aggregateType,
                  aggregateId: ev.aggregateId,
                  aggregateVersion: version,
                  payload: ev.payload,
                  actor: item.actor,
                  correlationId: item.correlationId,
                };
                drafts.push(draft);
                // seq is unknown until the insert; the commit records it.
                const folded = { seq: 0, type: draft.type, payload: draft.payload };
                working.apply(mine, folded);
                index = track(index, working.live, folded);
              }
              outcomes.set(item, { ok: true, value: d.result });
            } catch (error) {
              outcomes.set(item, { ok: false, error });
            }
          }
          // The events, the projection rows and COMMIT go in one round trip.
          const appending = tx.appendAtCommit(drafts, { checkpoint: SDN_PROJECTION });
          await writeProjectionDelta(tx.deferring, ...working.delta(mine));
          return { versions: overlay, appending, missed: missed ? tx.missed[tx.missed.length - 1].seq : null };
        }, { since: working.live.seq, optimistic });
        // One round trip on the bet that no other replica wrote since our state; if one did,
        // nothing was written and the batch is decided again on top of its events.
        const { versions, appending, missed } = await attempt(true).catch((e: unknown) => {
          if (!(e instanceof StaleWriteError)) throw e;
          outcomes.clear();
          undo();
          index = buildIndex(working.live);
          return attempt(false);
        });
        const appended = await appending;
        if (missed !== null) working.commit(opened.shift()!, missed);
        working.commit(opened.shift()!, appended.length ? appended[appended.length - 1].seq : working.live.seq);
        this.index = index;
        for (const [k, v] of versions) this.versions.set(k, v);
        for (const item of batch) {
          const o = outcomes.get(item)!;
          if (o.ok) item.resolve(o.value);
          else item.reject(o.error);
        }
        if (appended.length) for (const l of this.commitListeners) l(appended);
      } catch (e) {
        // The transaction failed: nothing was committed; the batch is taken out of memory again.
        undo();
        for (const item of batch) {
          const o = outcomes.get(item);
          item.reject(o && !o.ok ? o.error : e);
        }
        // Should the failure come from our view being out of date (a conflict on an
        // aggregate version), start the next batch from the database's truth.
        this.log.warn(`write batch failed: ${(e as Error).message}`);
        await this.reload().catch((err) => this.log.error(`reload after failed write: ${(err as Error).message}`));
      }
    }
  }
}
