import { isolatedBus, publishContract, type IsolatedBus } from '@sdn/bus';
import { CONTRACTS } from '@sdn/contracts';
import { envelope } from '../testing/pdns-fixture';
import { RunningConfigTracker } from './running-config';

/**
 * The API's ConfigApplied carries only the staged sections; DNS server objects come from their
 * own events. Real NATS, isolated namespace.
 */
describe('RunningConfigTracker: DNS servers from their events', () => {
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'dns-running-config-spec' });
  });
  afterAll(() => bus.destroy());

  const publish = (type: string, aggregate: string, id: string, payload: unknown) => publishContract(bus.js, bus.topology.eventSubject(aggregate, type), CONTRACTS.event, envelope(type, aggregate, id, payload), {});
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 100 && !f(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('replays servers written before start, follows later changes, keeps zones from the snapshot', async () => {
    await publish('DnsCreated', 'dns', 'pdns', { id: 'pdns', object: { type: 'powerdns', url: 'http://a', key: 'k1' } });
    await publish('DnsCreated', 'dns', 'gone', { id: 'gone', object: { type: 'powerdns', url: 'http://g', key: 'k' } });
    await publish('DnsDeleted', 'dns', 'gone', { id: 'gone' });
    await publish('ConfigApplied', 'config', 'running', { version: 1, running: { zones: { ids: { z: { type: 'simple', dns: 'pdns', dnszone: 'ex.test' } } } } });
    const t = new RunningConfigTracker(bus);
    await t.start();
    try {
      expect(t.current()).toEqual({ version: 1, appliedAt: expect.any(Number), running: { zones: { ids: { z: { type: 'simple', dns: 'pdns', dnszone: 'ex.test' } } }, dns: { ids: { pdns: { type: 'powerdns', url: 'http://a', key: 'k1' } } } } });
      await publish('DnsUpdated', 'dns', 'pdns', { id: 'pdns', object: { type: 'powerdns', url: 'http://b', key: 'k2' }, set: ['url'], deleted: [] });
      await until(() => t.current()?.running.dns?.ids?.pdns.url === 'http://b');
      expect(t.current()?.running.dns?.ids).toEqual({ pdns: { type: 'powerdns', url: 'http://b', key: 'k2' } });
      await publish('DnsDeleted', 'dns', 'pdns', { id: 'pdns' });
      await until(() => !t.current()?.running.dns);
      expect(t.current()?.running.dns).toBeUndefined();
    } finally {
      t.stop();
    }
  });
});
