import { parseObjectEventType, type SdnObject, type SectionName } from '@sdn/event-store';
import type { EventEnvelope } from '@sdn/contracts';
import { SECRET_KEYS } from '../core/views';

/** Secrets are write-only for API readers, the audit log included. */
export function redactEvent(e: EventEnvelope): EventEnvelope {
  const parsed = parseObjectEventType(e.type);
  const secret = parsed && SECRET_KEYS[parsed[0] as SectionName];
  if (!secret?.length) return e;
  const payload = { ...(e.payload as { object?: SdnObject }) };
  if (payload.object) {
    const o = { ...payload.object };
    for (const k of secret) if (k in o) o[k] = '**********';
    payload.object = o;
  }
  return { ...e, payload };
}
