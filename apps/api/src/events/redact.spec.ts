import type { EventEnvelope } from '@sdn/contracts';
import { redactEvent } from './redact';

describe('redactEvent', () => {
  const env = (type: string, payload: unknown): EventEnvelope => ({ id: 'e1', seq: 1, type, aggregateType: 'x', aggregateId: 'y', payload, occurredAt: '2026-01-01T00:00:00Z' }) as unknown as EventEnvelope;

  it('masks secret properties of object events and leaves the rest', () => {
    const out = redactEvent(env('DnsCreated', { id: 'pdns', object: { type: 'powerdns', url: 'u', key: '$sdn-secret:v1:…' } }));
    expect(out.payload).toEqual({ id: 'pdns', object: { type: 'powerdns', url: 'u', key: '**********' } });
    const zone = env('ZoneCreated', { id: 'z', object: { type: 'simple', key: 'not a secret here' } });
    expect(redactEvent(zone)).toBe(zone);
  });

  it('masks secrets inside a ConfigApplied running snapshot', () => {
    const running = { version: 2, zones: { ids: { z: { type: 'simple' } } }, dns: { ids: { pdns: { type: 'powerdns', key: 'sealed' } } }, ipams: { ids: { php: { type: 'phpipam', token: 'sealed' }, pve: { type: 'pve' } } } };
    const out = redactEvent(env('ConfigApplied', { version: 2, running })).payload as { running: typeof running };
    expect(out.running).toEqual({ ...running, dns: { ids: { pdns: { type: 'powerdns', key: '**********' } } }, ipams: { ids: { php: { type: 'phpipam', token: '**********' }, pve: { type: 'pve' } } } });
    // The stored event itself is not modified.
    expect(running.dns.ids.pdns.key).toBe('sealed');
  });
});
