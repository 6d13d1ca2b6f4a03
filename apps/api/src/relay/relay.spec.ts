import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import type { ConfigAppliedV1, EventEnvelope } from '@sdn/contracts';
import { startTestApi, type TestApi } from '../testing/test-app';
import { RelayService } from './relay.service';

/**
 * The relay running inside the API, on an isolated bus (SDN_BUS_NAMESPACE):
 * committed writes reach JetStream without any explicit drain, under
 * `<ns>.sdn.events.<aggregate>.<event>` with the event id as message id.
 */
describe('API outbox relay (NATS on, isolated bus)', () => {
  let api: TestApi;
  let bus: IsolatedBus;

  beforeAll(async () => {
    bus = await isolatedBus({ name: 'api-relay-spec' });
    api = await startTestApi({ nats: true, relay: true, busNamespace: bus.topology.namespace });
  });
  afterAll(async () => {
    await api.close();
    await bus.destroy();
  });

  async function lastOn<T>(subject: string, id: string): Promise<{ body: EventEnvelope<T>; msgId?: string } | null> {
    for (let i = 0; i < 50; i++) {
      const m = await bus.jsm.streams.getMessage(bus.topology.streams.events.name, { last_by_subj: subject }).catch(() => null);
      const body = m?.json<EventEnvelope<T>>();
      if (body?.id === id) return { body, msgId: m!.header?.get('Nats-Msg-Id') };
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  }

  it('publishes every committed event, ConfigApplied with the running snapshot, and empties the outbox', async () => {
    await api.post('zones', { zone: 'zr', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vr', zone: 'zr' }).expect(200);
    const task = (await api.put('').expect(200)).body.data;
    const events = (await api.get('events?limit=10').expect(200)).body.data as EventEnvelope[];
    expect(events.map((e) => e.type)).toEqual(['ZoneCreated', 'VnetCreated', 'ConfigApplied']);

    const zone = await lastOn(bus.topology.eventSubject('zone', 'ZoneCreated'), events[0].id);
    expect(zone).toEqual({ body: events[0], msgId: events[0].id });
    const applied = await lastOn<ConfigAppliedV1>(bus.topology.eventSubject('config', 'ConfigApplied'), events[2].id);
    expect(applied?.body.payload).toEqual({
      version: 1,
      task,
      running: { version: 1, zones: { ids: { zr: { type: 'simple' } } }, vnets: { ids: { vr: { type: 'vnet', zone: 'zr' } } }, subnets: { ids: {} }, controllers: { ids: {} }, fabrics: { ids: {} } },
    });
    const info = await bus.jsm.streams.info(bus.topology.streams.events.name);
    expect(info.state.messages).toBe(3);

    const ds = api.state().store.ds;
    for (let i = 0; i < 20 && Number((await ds.query('SELECT count(*) AS n FROM event_outbox'))[0].n) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(Number((await ds.query('SELECT count(*) AS n FROM event_outbox'))[0].n)).toBe(0);
    expect(await api.app.get(RelayService).drain()).toBe(0);
  });
});
