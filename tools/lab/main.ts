/**
 * `npm run test:lab` — the seed's four SDN examples, pinged for real in a
 * full-kernel QEMU VM and driven by the product. See tools/lab/README.md.
 *
 *   npm run test:lab                      all scenarios, product path (API + config-service + agents)
 *   npm run test:lab -- vlan evpn         some scenarios (vlan qinq vxlan evpn)
 *   npm run test:lab -- --render          files rendered on the host by renderNode, applied by hand (no services)
 *   npm run test:lab -- --smoke           only boot the VM and prove the NATS path
 *   SDN_LAB_CACHE=/path                   image cache (default /var/cache/sdn-vmlab)
 *   SDN_LAB_VERBOSE=1                     echo the VM console
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { killChildrenOnExit } from './src/children';
import { buildImage } from './src/image';
import { log } from './src/log';
import { LabNats } from './src/nats-server';
import { LabVm } from './src/vm';
import { smoke } from './src/smoke';
import { runScenarios, SCENARIO_NAMES, type Mode } from './src/scenarios';

const LAB_DIR = __dirname;
const REPO = resolve(LAB_DIR, '..', '..');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const wanted = args.filter((a) => !a.startsWith('--'));
  for (const w of wanted) if (!SCENARIO_NAMES.includes(w)) throw new Error(`unknown scenario '${w}' (known: ${SCENARIO_NAMES.join(' ')})`);
  const mode: Mode = flags.has('--render') ? 'render' : 'product';
  if (process.getuid?.() !== 0) {
    log('the lab needs root (debootstrap, chroot, QEMU shares with security_model=none)');
    return 2;
  }
  killChildrenOnExit();
  const t0 = Date.now();
  const cache = process.env.SDN_LAB_CACHE || '/var/cache/sdn-vmlab';
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  const runDir = join(cache, 'runs', 'last');
  mkdirSync(runDir, { recursive: true });
  log(`run ${runId}, cache ${cache}, mode ${mode}`);

  const image = await buildImage(LAB_DIR, cache);
  const tImage = Date.now();
  const nats = await LabNats.start(runDir);
  log(`private NATS (JetStream) on ${nats.url}`);
  const vm = new LabVm({
    image,
    repoDir: REPO,
    runDir,
    natsPort: nats.port,
    runId,
    memMb: 3072,
    cpus: 2,
    timeoutMs: 20 * 60000,
    echoConsole: process.env.SDN_LAB_VERBOSE === '1',
    relayScript: join(LAB_DIR, 'host', 'stdio-relay.js'),
  });
  let ok = false;
  try {
    await vm.boot();
    await smoke(vm);
    if (!flags.has('--smoke')) ok = await runScenarios({ vm, mode, repo: REPO, natsUrl: nats.url, runDir, wanted: wanted.length ? wanted : SCENARIO_NAMES });
    else ok = true;
  } catch (e) {
    log(`ERROR: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    ok = false;
  } finally {
    const code = await vm.shutdown();
    log(`VM powered off (qemu rc ${code}); console log: ${vm.consoleLog}`);
    await nats.stop();
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  log(`image ${s(tImage - t0)}, VM boot ${s(vm.bootMs)}, total ${s(Date.now() - t0)}`);
  log(ok ? 'LAB PASSED' : 'LAB FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`fatal: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  },
);
