import { nanos } from 'nats';
import { isolatedBus, nodeBundleConsumer, silentLogger, type IsolatedBus } from '@sdn/bus';
import { bundleContentHash, type InlineNodeBundleV1 } from '@sdn/contracts';
import { BundleBus } from './bundle-bus';

/** The consumer each node agent reads its bundles through is the config service's to create (node identities may not). */
describe('BundleBus node consumers (real NATS, isolated bus)', () => {
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'bundle-bus-spec', log: silentLogger });
  });
  afterAll(() => bus.destroy());

  it("creates the node's durable bundle consumer before its first bundle", async () => {
    const files = { interfaces: '#version:1\n' };
    const bundle: InlineNodeBundleV1 = { node: 'nc1', version: 1, hash: bundleContentHash(files), files, renderedAt: new Date().toISOString() };
    const spec = nodeBundleConsumer(bus.topology, 'nc1');
    await expect(bus.jsm.consumers.info(spec.stream, spec.durable)).rejects.toThrow(/consumer not found/);
    expect(await new BundleBus(bus).publish(bundle, 0)).toBe('stored');
    const info = await bus.jsm.consumers.info(spec.stream, spec.durable);
    expect([info.config.filter_subject, info.config.ack_wait, info.num_pending]).toEqual([spec.filterSubject, nanos(spec.ackWaitMs!), 1]);
  });
});
