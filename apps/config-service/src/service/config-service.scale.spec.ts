import { bundleContentHash, CONTRACTS } from '@sdn/contracts';
import { readLastMessage, type IsolatedBus } from '@sdn/bus';
import { renderNode } from '@sdn/render';
import { factsMessage, sampleConfig } from '../planner/test-fixtures';
import { bundleHistoryBus, publishConfigApplied, registerNode, until } from '../testing/bus-fixtures';
import { ConfigService, type ReconcileReport } from './config-service';

const NODES = 50;
const VNETS = 2500;
const ip = (i: number) => `10.0.${i >> 8}.${(i & 255) + 1}`;

describe('ConfigService at scale (real NATS)', () => {
  let bus: IsolatedBus;
  let service: ConfigService;
  afterAll(async () => {
    await service?.stop();
    await bus?.destroy();
  });

  it(`publishes ${VNETS} vnets to ${NODES} nodes, every bundle the node's own render`, async () => {
    bus = await bundleHistoryBus('config-service-scale-spec');
    for (let i = 0; i < NODES; i++) await registerNode(bus, `n${i + 1}`, ip(i));
    const reports: ReconcileReport[] = [];
    service = new ConfigService({ bus, afterPublished: (r) => void reports.push(r) });
    await service.start();
    const config = sampleConfig(1, { vnets: VNETS, peers: [ip(0), ip(1), ip(2)] });
    const t0 = performance.now();
    await publishConfigApplied(bus, 1, config);
    // Facts still being handled may render a node first; together the triggers must cover every node once.
    const publishedV1 = () => new Set(reports.filter((r) => r.version === 1).flatMap((r) => r.published));
    await until(() => publishedV1().size === NODES, 60_000);
    const ms = performance.now() - t0;
    // The < 2 s target is measured by `npm run bench:render-cluster` on a quiet machine; here only a sanity bound.
    console.log(`ConfigApplied -> ${NODES} bundles stored: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(20_000);
    await until(() => reports.some((r) => r.trigger === 'config' && r.version === 1), 10_000);
    expect((await bus.jsm.streams.info(bus.topology.streams.bundles.name)).state.messages).toBe(NODES);
    for (const i of [0, 24, NODES - 1]) {
      const node = `n${i + 1}`;
      const last = await readLastMessage(bus.jsm, bus.topology.streams.bundles.name, bus.topology.bundleSubject(node), CONTRACTS.nodeBundle);
      expect(last?.value.hash).toBe(bundleContentHash(renderNode(config, factsMessage(node, ip(i)).facts as never)));
    }
  }, 90_000);
});
