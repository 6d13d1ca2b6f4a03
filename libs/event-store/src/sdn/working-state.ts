import { type ObjectCreatedV1, type ObjectUpdatedV1, parseObjectEventType, SECTIONS, type SdnObject, type SectionName, STAGED_SECTIONS } from './events';
import { bumpRevision, copySection, type FoldableEvent, foldMeta, foldObject, runningIds, type SdnState, setId } from './state';

type Ids = Record<string, SdnObject>;

/** How to put back what one batch changed. */
interface UndoLog {
  /** Per section: each ID's value before the batch first touched it (undefined: it did not exist). */
  objects: Map<SectionName, Map<string, SdnObject | undefined>>;
  /** Sections the batch replaced wholesale (a rollback), as they were before. */
  sections: Map<SectionName, Ids>;
  meta: Pick<SdnState, 'seq' | 'running' | 'lock'>;
}

/** A batch of events folded into a WorkingState and not yet committed or aborted (an opaque handle). */
export type WorkingBatch = Readonly<Record<never, never>>;

/**
 * The writer's SDN state, changed in place event by event, with the cost of
 * an event independent of the number of objects. StateDraft instead copies
 * every section it touches once per batch to leave the committed state
 * untouched, which made each write batch O(objects): about 6 % of the API's
 * CPU per write at 2000 vnets, growing with the config.
 *
 * A batch's events are folded into `live` as it is decided, each recording
 * what it replaced, so a batch that fails to commit is undone exactly.
 * Readers never see `live`: `committed()` is an immutable snapshot of the
 * committed state, copied at most once per commit and only when asked for.
 */
export class WorkingState {
  readonly live: SdnState;
  private readonly open: { batch: WorkingBatch; undo: UndoLog }[] = [];
  private snapshot: SdnState | null = null;

  /** `base` is not changed (live works on copies of its sections): it is the first committed snapshot. */
  constructor(base: SdnState) {
    const pending = {} as Record<SectionName, Ids>;
    for (const s of SECTIONS) pending[s] = copySection(base.pending[s]);
    this.live = { seq: base.seq, pending, running: base.running, lock: base.lock };
    this.snapshot = base;
  }

  begin(): WorkingBatch {
    const batch: WorkingBatch = {};
    this.open.push({ batch, undo: { objects: new Map(), sections: new Map(), meta: { seq: this.live.seq, running: this.live.running, lock: this.live.lock } } });
    return batch;
  }

  /** Folds one event into `live` as part of `batch` (the newest open one). Unknown types are skipped. */
  apply(batch: WorkingBatch, ev: FoldableEvent): void {
    const undo = this.logOf(batch, true);
    const s = this.live;
    s.seq = Math.max(s.seq, ev.seq);
    const obj = parseObjectEventType(ev.type);
    if (obj) {
      const [section, op] = obj;
      const p = ev.payload as ObjectCreatedV1 | ObjectUpdatedV1;
      const ids = s.pending[section] as Ids;
      if (!undo.sections.has(section)) {
        let before = undo.objects.get(section);
        if (!before) undo.objects.set(section, (before = new Map()));
        if (!before.has(p.id)) before.set(p.id, Object.prototype.hasOwnProperty.call(ids, p.id) ? ids[p.id] : undefined);
      }
      foldObject(ids, op, p);
      bumpRevision(ids);
      return;
    }
    if (ev.type !== 'ConfigRolledBack') {
      foldMeta(s, ev);
      return;
    }
    for (const section of STAGED_SECTIONS) {
      const ids = s.pending[section] as Ids;
      if (!undo.sections.has(section)) {
        // The section as it was before the batch: its content with the batch's earlier edits put back.
        const before = copySection(ids);
        for (const [id, v] of undo.objects.get(section) ?? []) {
          if (v === undefined) delete before[id];
          else setId(before, id, v);
        }
        undo.sections.set(section, before);
        undo.objects.delete(section);
      }
      replaceAll(ids, runningIds(s.running, section));
      bumpRevision(ids);
    }
  }

  /**
   * The state before `batch` and after it, cut down to what it changed (the
   * IDs it touched; whole sections after a rollback): what
   * writeProjectionDelta needs, at the cost of the batch's size.
   */
  delta(batch: WorkingBatch): [SdnState, SdnState] {
    const undo = this.logOf(batch, false);
    const live = this.live;
    const empty = {} as Ids;
    const before = { seq: live.seq, running: undo.meta.running, lock: undo.meta.lock, pending: {} as Record<SectionName, Ids> };
    const after = { seq: live.seq, running: live.running, lock: live.lock, pending: {} as Record<SectionName, Ids> };
    for (const section of SECTIONS) {
      const whole = undo.sections.get(section);
      const ids = undo.objects.get(section);
      if (whole) {
        before.pending[section] = whole;
        after.pending[section] = live.pending[section] as Ids;
      } else if (ids) {
        const b: Ids = {};
        const a: Ids = {};
        const now = live.pending[section] as Ids;
        for (const [id, v] of ids) {
          if (v !== undefined) setId(b, id, v);
          if (Object.prototype.hasOwnProperty.call(now, id)) setId(a, id, now[id]);
        }
        before.pending[section] = b;
        after.pending[section] = a;
      } else before.pending[section] = after.pending[section] = empty;
    }
    return [before, after];
  }

  /** The oldest open batch committed; `seq` is the log position it committed at. */
  commit(batch: WorkingBatch, seq: number): void {
    if (this.open[0]?.batch !== batch) throw new Error('batches commit oldest first');
    this.open.shift();
    this.live.seq = Math.max(this.live.seq, seq);
    for (const o of this.open) o.undo.meta.seq = Math.max(o.undo.meta.seq, seq);
    // The only step that changes the committed state.
    this.snapshot = null;
  }

  /** Puts back everything the newest open batch changed. */
  abort(batch: WorkingBatch): void {
    const last = this.open[this.open.length - 1];
    if (last?.batch !== batch) throw new Error('batches abort newest first');
    this.open.pop();
    undoInto(this.live, last.undo);
    for (const s of SECTIONS) bumpRevision(this.live.pending[s]);
  }

  /**
   * The committed state, immutable: built on first use after a commit and
   * shared until the next one, so readers may keep it. Open batches' changes
   * are taken out of the copy.
   */
  committed(): SdnState {
    if (this.snapshot) return this.snapshot;
    const pending = {} as Record<SectionName, Ids>;
    for (const s of SECTIONS) pending[s] = copySection(this.live.pending[s]);
    const state: SdnState = { seq: this.live.seq, pending, running: this.live.running, lock: this.live.lock };
    for (let i = this.open.length - 1; i >= 0; i--) undoInto(state, this.open[i].undo);
    this.snapshot = state;
    return state;
  }

  private logOf(batch: WorkingBatch, mustBeNewest: boolean): UndoLog {
    const i = this.open.findIndex((o) => o.batch === batch);
    if (i < 0 || (mustBeNewest && i !== this.open.length - 1)) throw new Error(mustBeNewest ? 'events fold into the newest open batch' : 'batch is not open');
    return this.open[i].undo;
  }
}

/** Restores in `state` (whose sections it may change in place) what `undo` recorded. */
function undoInto(state: SdnState, undo: UndoLog): void {
  for (const [section, before] of undo.sections) (state.pending as Record<SectionName, Ids>)[section] = replaceAll(state.pending[section] as Ids, before);
  for (const [section, ids] of undo.objects) {
    const target = state.pending[section] as Ids;
    for (const [id, v] of ids) {
      if (v === undefined) delete target[id];
      else setId(target, id, v);
    }
  }
  state.seq = undo.meta.seq;
  state.running = undo.meta.running;
  state.lock = undo.meta.lock;
}

function replaceAll(target: Ids, from: Ids): Ids {
  for (const id of Object.keys(target)) delete target[id];
  for (const id of Object.keys(from)) setId(target, id, from[id]);
  return target;
}
