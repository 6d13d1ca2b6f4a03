/**
 * Test fixture (run as a child process by relay.spec.ts): runs the outbox
 * relay once and kills its own process with SIGKILL right after JetStream
 * acknowledged the batch, before the outbox rows are deleted and committed —
 * the worst moment for a crash.
 *   node -r ./tools/register.js libs/event-store/src/relay-crash.fixture.ts DB_URL NATS_URL BUS_NAMESPACE
 */
import { connect } from 'nats';
import { busTopology } from '@sdn/bus';
import { openEventStoreDataSource } from './data-source';
import { OutboxRelay } from './relay';

async function main(): Promise<void> {
  const [dbUrl, natsUrl, namespace = ''] = process.argv.slice(2);
  const ds = await openEventStoreDataSource(dbUrl, 2);
  const nc = await connect({ servers: natsUrl });
  const relay = new OutboxRelay(ds, nc.jetstream(), { topology: busTopology(namespace), afterPublish: () => void process.kill(process.pid, 'SIGKILL') });
  await relay.runOnce();
  process.exit(3); // not reached: the kill happens first
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
