/**
 * `npm run bench:agents`: 50 node agents (safe mode, in this process, each
 * with its own NATS connection and durable consumer) on a private NATS
 * server. A 2500-vnet VXLAN config (all 50 nodes as peers) is rendered per
 * node with @sdn/render; the clock starts when the first bundle is
 * published and stops, per node, when that node's status reports the new
 * version applied. Several rounds (each a new version) give the samples.
 *
 * Env: BENCH_AGENTS (50), BENCH_VNETS (2500), BENCH_ROUNDS (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { bundleContentHash, bundleSubject, type NodeBundleV1, type NodeStatusV1 } from '@sdn/contracts';
import { syntheticConfig } from '@sdn/model';
import { renderNode, type NodeFacts } from '@sdn/render';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { Agent } from '../src/agent';
import { configFromEnv } from '../src/config/agent-config';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const VNETS = Number(process.env.BENCH_VNETS ?? 2500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const nodes = Array.from({ length: AGENTS }, (_, i) => `bench-node${String(i + 1).padStart(2, '0')}`);
  const ips = nodes.map((_, i) => `10.99.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`);
  const facts = (i: number): NodeFacts => ({
    nodename: nodes[i],
    addresses: { vmbr0: ips[i] },
    routes: [{ dst: '10.99.0.0/16', dev: 'vmbr0', src: ips[i] }],
    bridges: { vmbr0: { ovs: false, vlanAware: false, ports: ['eth0'] } },
    macs: {},
  });
  // The 2500-vnet bundle with 50 peers is several MB; the default 1 MiB max_payload rejects it.
  const nats = await PrivateNatsServer.start('127.0.0.1', { maxPayload: 64 * 1024 * 1024 });
  const applyMs: number[] = [];
  const work = mkdtempSync(join(tmpdir(), 'sdn-bench-agents-'));
  const agents = nodes.map(
    (node) =>
      new Agent(
        configFromEnv({ SDN_NODE_NAME: node, SDN_AGENT_MODE: 'safe', SDN_AGENT_ROOT: join(work, node), SDN_NATS_URL: nats.url, SDN_AGENT_KERNEL_FACTS: '0', SDN_AGENT_KEEP_HISTORY: '1', SDN_HEARTBEAT_MS: '5000' }),
        (msg) => {
          const m = /: (applied|unchanged) in (\d+) ms/.exec(msg);
          if (m) applyMs.push(Number(m[2]));
        },
      ),
  );
  const nc = await connect({ servers: nats.url });
  try {
    let t = Date.now();
    await Promise.all(agents.map((a) => a.start()));
    console.log(`${AGENTS} agents started in ${Date.now() - t} ms (safe mode, one process, private NATS at ${nats.url})`);
    const js = nc.jetstream();
    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const version = round;
      // Each round changes the config (one vnet more) so every node has real work.
      const config = syntheticConfig({ vxlan: VNETS + round - 1, evpn: 0, peers: ips, version });
      t = Date.now();
      const bundles: NodeBundleV1[] = nodes.map((node, i) => {
        const files = renderNode(config, facts(i));
        return { node, version, hash: bundleContentHash(files), files, renderedAt: new Date().toISOString() };
      });
      const renderMs = Date.now() - t;
      const size = Buffer.byteLength(JSON.stringify(bundles[0]));
      const done = new Map<string, number>();
      const sub = nc.subscribe('sdn.node.*.status');
      const allDone = (async () => {
        for await (const m of sub) {
          const s = m.json<NodeStatusV1>();
          if (s.version === version && s.apply.state === 'applied' && !done.has(s.node)) {
            done.set(s.node, Date.now());
            if (done.size === nodes.length) break;
          }
        }
      })();
      const t0 = Date.now();
      await Promise.all(bundles.map((b) => js.publish(bundleSubject(b.node), JSON.stringify(b), { timeout: 120_000 })));
      const publishMs = Date.now() - t0;
      const timeout = setTimeout(() => sub.unsubscribe(), 300_000);
      await allDone;
      clearTimeout(timeout);
      sub.unsubscribe();
      const applied = applyMs.splice(0).sort((a, b) => a - b);
      const lat = [...done.values()].map((x) => x - t0).sort((a, b) => a - b);
      if (lat.length < nodes.length) throw new Error(`round ${round}: only ${lat.length}/${nodes.length} nodes reported version ${version}`);
      all.push(...lat);
      console.log(
        `round ${round}: ${VNETS + round - 1} vnets, bundle ${(size / 1048576).toFixed(2)} MiB/node, render ${renderMs} ms (${nodes.length} nodes), publish ${publishMs} ms; ` +
          `publish -> applied: p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${lat[lat.length - 1]} ms ` +
          `(the agent's own apply step: p50 ${pct(applied, 50)} ms, max ${applied[applied.length - 1]} ms)`,
      );
    }
    all.sort((a, b) => a - b);
    console.log(`ALL ${all.length} samples (${AGENTS} agents x ${ROUNDS} rounds): p50 ${pct(all, 50)} ms, p99 ${pct(all, 99)} ms, max ${all[all.length - 1]} ms`);
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await nc.close();
    await nats.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
