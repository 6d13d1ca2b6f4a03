import { parseObjectEventType, type SdnObject, type SectionName } from '@sdn/event-store';
import type { EventEnvelope } from '@sdn/contracts';
import { SECRET_KEYS } from '../core/views';

const MASK = '**********';

function mask(section: string, o: SdnObject): SdnObject {
  const keys = SECRET_KEYS[section as SectionName] ?? [];
  if (!keys.some((k) => k in o)) return o;
  const out = { ...o };
  for (const k of keys) if (k in out) out[k] = MASK;
  return out;
}

/**
 * Secrets are write-only for API readers, the audit log included. The log
 * holds them sealed already; the ciphertext is masked too, so nothing about
 * a secret (not even its length) leaves through the API.
 */
export function redactEvent(e: EventEnvelope): EventEnvelope {
  if (e.type === 'ConfigApplied') {
    const payload = e.payload as { running?: Record<string, unknown> };
    if (!payload?.running || typeof payload.running !== 'object') return e;
    // The reference's `.running-config` shape: `{ <section>: { ids: { <id>: object } } }`.
    const running: Record<string, unknown> = { ...payload.running };
    for (const section of Object.keys(SECRET_KEYS)) {
      const ids = (running[section] as { ids?: Record<string, SdnObject> } | undefined)?.ids;
      if (!ids || typeof ids !== 'object') continue;
      const masked = Object.fromEntries(Object.entries(ids).map(([id, o]) => [id, o && typeof o === 'object' ? mask(section, o) : o]));
      running[section] = { ...(running[section] as object), ids: masked };
    }
    return { ...e, payload: { ...payload, running } };
  }
  const parsed = parseObjectEventType(e.type);
  if (!parsed || !SECRET_KEYS[parsed[0] as SectionName]?.length) return e;
  const payload = { ...(e.payload as { object?: SdnObject }) };
  if (payload.object) payload.object = mask(parsed[0], payload.object);
  return { ...e, payload };
}
