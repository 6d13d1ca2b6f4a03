/**
 * `npm run bench:render-cluster`: time from a ConfigApplied being published to
 * every node's bundle being stored, on the real NATS (isolated namespace).
 * Target: 2500 vnets for 50 nodes < 2 s. Options: --vnets N --nodes N --evpn N.
 */
import { syntheticConfig } from '@sdn/model';
import { consoleLogger } from '@sdn/bus';
import { ConfigService, type ReconcileReport } from '../src/service/config-service';
import { bundleHistoryBus, publishConfigApplied, registerNode, until } from '../src/testing/bus-fixtures';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VNETS = arg('vnets', 2500);
const EVPN = arg('evpn', 0);
const NODES = arg('nodes', 50);

async function main() {
  const bus = await bundleHistoryBus('render-cluster-bench');
  const nodeIp = (i: number) => `10.255.${i >> 8}.${(i & 255) + 1}`;
  const peers = Array.from({ length: Math.min(NODES, 3) }, (_, i) => nodeIp(i));
  try {
    for (let i = 0; i < NODES; i++) await registerNode(bus, `node${i + 1}`, nodeIp(i));
    const reports: ReconcileReport[] = [];
    const service = new ConfigService({ bus: { ...bus, log: consoleLogger('config-service') }, afterPublished: (r) => void reports.push(r) });
    await service.start();
    // Let the facts backlog (no config yet) drain so it does not overlap the measurement.
    await new Promise((r) => setTimeout(r, 500));
    for (let round = 1; round <= 3; round++) {
      const config = syntheticConfig({ vxlan: VNETS - EVPN, evpn: EVPN, peers, version: round });
      const t0 = performance.now();
      await publishConfigApplied(bus, round, config as Record<string, unknown>);
      await until(() => reports.some((r) => r.trigger === 'config' && r.version === round && r.published.length === NODES), 60_000);
      const ms = performance.now() - t0;
      console.log(`round ${round}: ${VNETS} vnets (${EVPN} evpn) x ${NODES} nodes: all bundles stored ${ms.toFixed(0)} ms after publish (${ms < 2000 ? 'target met' : 'target NOT met'})`);
    }
    const info = await bus.jsm.streams.info(bus.topology.streams.bundles.name);
    console.log(`bundles stored: ${info.state.messages}, ${(info.state.bytes / 1e6).toFixed(1)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    await service.stop();
  } finally {
    await bus.destroy();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
