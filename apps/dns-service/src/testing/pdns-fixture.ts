import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@sdn/contracts';
import type { DnsPlugin } from '@sdn/dns';

export { PdnsFixture, pdnsSkipReason } from '@sdn/netns-lab';

/** Polls until `check` returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

let seq = 0;
/** An event envelope as the event store publishes it. */
export function envelope<P>(type: string, aggregateType: string, aggregateId: string, payload: P): EventEnvelope<P> {
  seq++;
  return {
    id: randomUUID(),
    seq,
    type,
    typeVersion: 1,
    aggregateType,
    aggregateId,
    aggregateVersion: seq,
    payload,
    actor: 'test@pve!dns',
    correlationId: randomUUID(),
    time: new Date().toISOString(),
  };
}

/** The plugin's methods bound to it, so they can be spread into a wrapper. */
export function bindAll(p: DnsPlugin): DnsPlugin {
  const out = {} as Record<string, unknown>;
  for (const k of Object.getOwnPropertyNames(Object.getPrototypeOf(p))) {
    const v = (p as unknown as Record<string, unknown>)[k];
    if (k !== 'constructor' && typeof v === 'function') out[k] = v.bind(p);
  }
  return out as unknown as DnsPlugin;
}
