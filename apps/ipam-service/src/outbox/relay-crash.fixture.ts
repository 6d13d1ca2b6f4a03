/**
 * Test fixture (child process of ip-outbox.spec.ts): runs the IP event relay once and kills its
 * own process with SIGKILL right after JetStream acknowledged the batch, before the outbox rows
 * are deleted and committed.
 *   node -r ./tools/register.js apps/ipam-service/src/outbox/relay-crash.fixture.ts DB_URL BUS_NAMESPACE
 */
import { connectBus, busTopology, silentLogger } from '@sdn/bus';
import { ipamDataSource, ipamRelay } from '../main';

async function main(): Promise<void> {
  const [dbUrl, namespace] = process.argv.slice(2);
  const db = await ipamDataSource(dbUrl, 2).initialize();
  const bus = await connectBus({ name: 'ipam-relay-crash', topology: busTopology(namespace), log: silentLogger });
  await ipamRelay(db, bus, { afterPublish: () => void process.kill(process.pid, 'SIGKILL') }).runOnce();
  process.exit(3); // not reached: the kill happens first
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
