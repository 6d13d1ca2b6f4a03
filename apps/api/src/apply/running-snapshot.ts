import { STAGED_SECTIONS, type SdnState } from '@sdn/event-store';

/**
 * The running config a commit of `state.pending` produces, in the reference's
 * `.running-config` shape. IPAMs and DNS servers are not part of it (§0.2).
 */
export function compileRunning(state: SdnState, version: number): Record<string, unknown> {
  const out: Record<string, unknown> = { version };
  // Copies: the snapshot must not change if a later command of the same write batch edits a section.
  for (const s of STAGED_SECTIONS) out[s] = { ids: { ...state.pending[s] } };
  return out;
}
