import { busTopology } from '../topology/bus-topology';
import { isolatedBus, type IsolatedBus } from '../testing/isolated-bus';
import { ensureStreams, sdnStreamSpecs } from './ensure-streams';

describe('sdnStreamSpecs', () => {
  it('keeps every event but only the latest bundle, facts and status per node', () => {
    const specs = Object.fromEntries(sdnStreamSpecs(busTopology()).map((s) => [s.name, s]));
    expect(specs.SDN_EVENTS.max_msgs_per_subject).toBe(-1);
    expect(specs.SDN_EVENTS.duplicate_window).toBeGreaterThanOrEqual(120e9);
    expect(specs.SDN_EVENTS.storage).toBe('file');
    for (const name of ['SDN_BUNDLES', 'SDN_FACTS', 'SDN_STATUS']) {
      expect(specs[name].max_msgs_per_subject).toBe(1);
    }
    expect(specs.SDN_FACTS.subjects).toEqual(['sdn.node.*.facts']);
  });

  it('replicates every stream as often as asked (not asked: not part of the spec)', () => {
    expect(sdnStreamSpecs(busTopology()).map((s) => 'num_replicas' in s)).toEqual([false, false, false, false]);
    expect(sdnStreamSpecs(busTopology(), 3).map((s) => s.num_replicas)).toEqual([3, 3, 3, 3]);
  });
});

describe('ensureStreams (real NATS)', () => {
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'ensure-streams-spec' });
  });
  afterAll(() => bus.destroy());

  it('is idempotent and repairs drifted settings', async () => {
    const specs = sdnStreamSpecs(bus.topology);
    await ensureStreams(bus.jsm, specs);
    const facts = bus.topology.streams.facts.name;
    await bus.jsm.streams.update(facts, { max_msgs_per_subject: 5 });
    await ensureStreams(bus.jsm, specs);
    const info = await bus.jsm.streams.info(facts);
    expect(info.config.max_msgs_per_subject).toBe(1);
    expect(info.config.subjects).toEqual([bus.topology.streams.facts.subjects]);
  });

  it('survives concurrent setup by several services', async () => {
    const specs = sdnStreamSpecs(bus.topology).map((s) => ({ ...s, name: `${s.name}_RACE`, subjects: s.subjects.map((x) => x.replace('sdn.', 'race.')) }));
    await Promise.all([ensureStreams(bus.jsm, specs), ensureStreams(bus.jsm, specs), ensureStreams(bus.jsm, specs)]);
    for (const s of specs) {
      expect((await bus.jsm.streams.info(s.name)).config.max_msgs_per_subject).toBe(s.max_msgs_per_subject);
      await bus.jsm.streams.delete(s.name);
    }
  });
});
