/**
 * Pending state of an object from the API's `pending=1` view (spec §4.2):
 * `state` is new / changed / deleted, and `pending` holds the values that
 * differ from the running config ('deleted' for a property being removed).
 */
export type PendingState = 'new' | 'changed' | 'deleted' | undefined;

export interface PendingObject {
  state?: PendingState;
  pending?: Record<string, unknown>;
  [k: string]: unknown;
}

const HIDDEN = new Set(['digest', 'state', 'pending', 'type']);

/** Lines saying what an apply would change for this object: `mtu: 1450 → 1400`. */
export function pendingChanges(o: PendingObject): string[] {
  if (!o.state) return [];
  if (o.state === 'deleted') return ['deleted at the next apply'];
  const out: string[] = [];
  for (const [k, v] of Object.entries(o.pending ?? {})) {
    if (HIDDEN.has(k)) continue;
    const before = o[k];
    if (v === 'deleted') out.push(`${k}: ${show(before)} → (removed)`);
    else if (o.state === 'new' || before === undefined) out.push(`${k}: ${show(v)}`);
    else out.push(`${k}: ${show(before)} → ${show(v)}`);
  }
  return out;
}

/** The object as it will be after the apply (the values an edit dialog starts from). */
export function pendingValues(o: PendingObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!HIDDEN.has(k) || k === 'type') out[k] = v;
  for (const [k, v] of Object.entries(o.pending ?? {})) {
    if (v === 'deleted') delete out[k];
    else out[k] = v;
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '(unset)';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
