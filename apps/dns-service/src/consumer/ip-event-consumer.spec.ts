import { type BusLogger, isolatedBus, publishContract, silentLogger, type IsolatedBus } from '@sdn/bus';
import { CONTRACTS, type EventEnvelope, type IpEventV1 } from '@sdn/contracts';
import { PowerDnsHttpError, type DnsPlugin } from '@sdn/dns';
import { startDnsService, type DnsService } from '../dns-service';
import { envelope, waitFor } from '../testing/pdns-fixture';

/**
 * Consumer semantics on the real NATS JetStream with an in-memory DNS plugin:
 * ack only after the plugin accepted, retry on failure, per-address order kept
 * across retries, unrelated events not held up, malformed events terminated.
 */
describe('IpEventConsumer', () => {
  let bus: IsolatedBus;
  let svc: DnsService;
  const records = new Map<string, string>(); // "A name" / "PTR ip" -> content
  const calls: string[] = [];
  let failAddFor = new Set<string>();
  const invalidFor = new Set<string>(['10.0.0.7']);

  /** Forward-record writes in progress, and the most at once (set `slowMs` to make them overlap). */
  let active = 0;
  let peak = 0;
  let slowMs = 0;
  const slow = async () => {
    active++;
    peak = Math.max(peak, active);
    if (slowMs) await new Promise((r) => setTimeout(r, Math.random() * slowMs));
    active--;
  };

  const plugin: DnsPlugin = {
    verifyZone: async () => undefined,
    verifyServer: async () => undefined,
    addARecord: async (zone, host, ip) => {
      calls.push(`addA ${ip}`);
      await slow();
      if (failAddFor.has(ip)) throw new Error('connect ECONNREFUSED');
      if (invalidFor.has(ip)) throw new PowerDnsHttpError('Invalid response from server: 422 Unprocessable Entity', 422);
      records.set(`A ${host}.${zone}`, ip);
    },
    delARecord: async (zone, host, ip) => {
      calls.push(`delA ${ip}`);
      await slow();
      if (records.get(`A ${host}.${zone}`) === ip) records.delete(`A ${host}.${zone}`);
    },
    delAddressFromOtherNames: async () => [],
    addPtrRecord: async (_z, host, ip) => void records.set(`PTR ${ip}`, host),
    delPtrRecord: async (_z, ip) => void records.delete(`PTR ${ip}`),
    reverseZone: () => '',
  };

  let running: Record<string, any>;
  const published: EventEnvelope<IpEventV1>[] = [];
  const publish = (type: string, p: Partial<IpEventV1> & { ip: string }) => {
    const env = envelope(type, 'ip', p.ip, { zone: 'z1', vnet: 'v1', subnet: 'z1-10.0.0.0-24', ...p });
    published.push(env);
    return publishContract(bus.js, bus.topology.eventSubject('ip', type), CONTRACTS.event, env);
  };
  /** The service's warnings and errors with their fields. */
  const logged: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  const log: BusLogger = {
    info: (message, meta) => void logged.push({ level: 'info', message, meta }),
    warn: (message, meta) => void logged.push({ level: 'warn', message, meta }),
    error: (message, meta) => void logged.push({ level: 'error', message, meta }),
  };

  beforeAll(async () => {
    bus = await isolatedBus({ name: 'dns-consumer-test', log: silentLogger });
    running = {
      zones: { ids: { z1: { type: 'simple', dns: 'd', reversedns: 'd', dnszone: 'ex.test' }, plain: { type: 'simple' } } },
      subnets: { ids: { 'z1-10.0.0.0-24': { vnet: 'v1' }, 'plain-10.1.0.0-24': { vnet: 'v2' } } },
      dns: { ids: { d: { type: 'powerdns', url: 'http://unused', key: 'k' } } },
    };
    await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.event, envelope('ConfigApplied', 'config', 'running', { version: 3, running }));
    svc = await startDnsService(bus, { durable: 'dns-order', log, pluginFor: () => plugin, retryDelayMs: () => 100, gatewayWaitMs: 3_000 });
  });
  afterAll(async () => {
    await svc?.stop();
    await bus?.destroy();
  });

  it('reads the running config from the last ConfigApplied', () => {
    expect(svc.config.current()?.version).toBe(3);
  });

  it('retries a failed allocation, keeps release after it, and lets unrelated events through', async () => {
    failAddFor = new Set(['10.0.0.5']);
    await publish('IpAllocated', { ip: '10.0.0.5', hostname: 'a' });
    await publish('IpReleased', { ip: '10.0.0.5', hostname: 'a' });
    await publish('IpAllocated', { ip: '10.0.0.6', hostname: 'b' });

    // b is applied while a is still failing.
    expect(await waitFor(() => records.get('A b.ex.test') === '10.0.0.6', 5_000)).toBe(true);
    expect(await waitFor(() => calls.filter((c) => c === 'addA 10.0.0.5').length >= 2, 5_000)).toBe(true);
    expect(calls).not.toContain('delA 10.0.0.5');
    // The failure's log line carries the event's fields: a grep of its correlation id finds it.
    const failed = published.find((e) => e.type === 'IpAllocated' && e.payload.ip === '10.0.0.5')!;
    expect(logged.find((l) => l.message.startsWith('dns update failed'))).toEqual({
      level: 'warn',
      message: 'dns update failed; event will be redelivered',
      meta: expect.objectContaining({ correlationId: failed.correlationId, eventId: failed.id, zone: 'z1', vnet: 'v1', ip: '10.0.0.5', seq: expect.any(Number) }),
    });

    // The release waiting behind it says so, naming the allocation that holds the address.
    const release = published.find((e) => e.type === 'IpReleased' && e.payload.ip === '10.0.0.5')!;
    const waiting = logged.find((l) => l.message.startsWith('ip event waits for an earlier event'));
    expect(waiting).toEqual({
      level: 'info',
      message: 'ip event waits for an earlier event on the same address or name',
      meta: expect.objectContaining({ eventId: release.id, ip: '10.0.0.5', key: expect.stringContaining('10.0.0.5'), blockedBySeq: logged.find((l) => l.message.startsWith('dns update failed'))!.meta!.seq, delivery: 1 }),
    });

    failAddFor = new Set();
    expect(await waitFor(() => calls.includes('delA 10.0.0.5'), 5_000)).toBe(true);
    const lastAdd = calls.lastIndexOf('addA 10.0.0.5');
    expect(lastAdd).toBeLessThan(calls.indexOf('delA 10.0.0.5'));
    expect(await waitFor(() => !records.has('A a.ex.test') && !records.has('PTR 10.0.0.5'), 5_000)).toBe(true);
    expect(records.get('PTR 10.0.0.6')).toBe('b.ex.test');
  });

  it('with many events in hand, events of one name apply in stream order while other names run concurrently', async () => {
    slowMs = 20;
    peak = 0;
    const names = Array.from({ length: 20 }, (_, i) => ({ host: `o${i}`, first: `10.0.0.${100 + i}`, second: `10.0.0.${200 + i}` }));
    // Per name: allocate one address, release it, allocate another to the same name (another lock key
    // than the first address: the order comes from the shared name key).
    for (const n of names) await publish('IpAllocated', { ip: n.first, hostname: n.host });
    for (const n of names) await publish('IpReleased', { ip: n.first, hostname: n.host });
    for (const n of names) await publish('IpAllocated', { ip: n.second, hostname: n.host });
    expect(await waitFor(() => names.every((n) => records.get(`A ${n.host}.ex.test`) === n.second && records.get(`PTR ${n.second}`) === `${n.host}.ex.test`), 10_000)).toBe(true);
    for (const n of names) {
      const mine = calls.filter((c) => c.endsWith(` ${n.first}`) || c.endsWith(` ${n.second}`));
      expect(mine).toEqual([`addA ${n.first}`, `delA ${n.first}`, `addA ${n.second}`]);
      expect(records.has(`PTR ${n.first}`)).toBe(false);
    }
    expect(peak).toBeGreaterThan(1);
    slowMs = 0;
  });

  it('drops an event PowerDNS keeps refusing as invalid (422) after 5 deliveries, then later events of the address proceed', async () => {
    const before = svc.consumer.stats.terminated;
    await publish('IpAllocated', { ip: '10.0.0.7', hostname: 'bad' });
    await publish('IpReleased', { ip: '10.0.0.7', hostname: 'bad' });
    expect(await waitFor(() => calls.includes('delA 10.0.0.7'), 10_000)).toBe(true);
    expect(calls.filter((c) => c === 'addA 10.0.0.7')).toHaveLength(5);
    expect(calls.lastIndexOf('addA 10.0.0.7')).toBeLessThan(calls.indexOf('delA 10.0.0.7'));
    expect(svc.consumer.stats.terminated).toBe(before + 1);
  });

  /** The durable consumer has nothing pending and nothing unacknowledged. */
  const drained = () =>
    waitFor(async () => {
      const i = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'dns-order');
      return i.num_ack_pending === 0 && i.num_pending === 0;
    }, 5_000);

  it('acks events of zones without DNS and terminates malformed ones', async () => {
    const before = { ...svc.consumer.stats };
    await publish('IpAllocated', { zone: 'plain', vnet: 'v2', subnet: 'plain-10.1.0.0-24', ip: '10.1.0.9', hostname: 'x' });
    await bus.js.publish(bus.topology.eventSubject('ip', 'IpAllocated'), new TextEncoder().encode('{"not":"an envelope"}'));
    expect(await waitFor(() => svc.consumer.stats.skipped === before.skipped + 1 && svc.consumer.stats.terminated === before.terminated + 1, 5_000)).toBe(true);
    expect(await drained()).toBe(true);
  });

  it('a gateway event waits for its zone and subnet in the running config, within bounds', async () => {
    const before = { ...svc.consumer.stats };
    const gateway = (zone: string, ip: string, time?: string) => {
      const env = envelope('IpAllocated', 'ip', `${zone}/${ip}`, { zone, vnet: 'gv', subnet: `${ip.replace(/\.\d+$/, '.0')}/24`, ip, hostname: 'gv-gw', gateway: true });
      return publishContract(bus.js, bus.topology.eventSubject('ip', 'IpAllocated'), CONTRACTS.event, time ? { ...env, time } : env);
    };
    await gateway('gz', '10.2.0.1'); // applied below
    await gateway('never', '10.3.0.1'); // never applied: dropped after gatewayWaitMs
    // Written well before the running config, which lacks its zone: removed before any apply, not waited for.
    await gateway('gone', '10.4.0.1', new Date(Date.now() - 5 * 60_000).toISOString());
    expect(await waitFor(() => svc.consumer.stats.skipped === before.skipped + 1 && svc.consumer.stats.retried >= before.retried + 4, 5_000)).toBe(true);
    expect(records.has('A gv-gw.p.ex.test')).toBe(false);

    await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.event, envelope('ConfigApplied', 'config', 'running', {
      version: 4,
      running: { ...running, zones: { ids: { ...running.zones.ids, gz: { type: 'simple', dns: 'd', reversedns: 'd', dnszone: 'ex.test' } } }, subnets: { ids: { ...running.subnets.ids, 'gz-10.2.0.0-24': { vnet: 'gv', dnszoneprefix: 'p' } } } },
    }));
    expect(await waitFor(() => records.get('A gv-gw.p.ex.test') === '10.2.0.1' && records.get('PTR 10.2.0.1') === 'gv-gw.p.ex.test', 5_000)).toBe(true);
    expect(svc.consumer.stats.terminated).toBe(before.terminated);
    expect(await waitFor(() => svc.consumer.stats.terminated === before.terminated + 1, 8_000)).toBe(true);
    expect(calls).not.toContain('addA 10.3.0.1');
    expect(await drained()).toBe(true);
  });
});
