/**
 * The example audit consumer as a program (see README.md):
 *   NATS_URL=… NATS_NKEY_FILE=… NATS_INBOX_PREFIX=… SDN_AUDIT_NAME=NAME \
 *     node -r ./tools/register.js apps/audit-consumer/src/main.ts --out audit.jsonl
 */
import { AuditConsumer } from './audit-consumer';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const name = arg('name') ?? process.env.SDN_AUDIT_NAME;
  const out = arg('out');
  if (!name || !out) {
    console.error('usage: audit-consumer --out FILE [--name NAME] [--stream SDN_EVENTS]   (NATS_URL, NATS_NKEY_FILE, NATS_INBOX_PREFIX, SDN_AUDIT_NAME from `sdnctl nats credentials --identity auditor:NAME`)');
    process.exit(2);
  }
  const c = new AuditConsumer({
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name,
    out,
    stream: arg('stream') ?? process.env.SDN_EVENTS_STREAM,
    nkeyFile: process.env.NATS_NKEY_FILE,
    inboxPrefix: process.env.NATS_INBOX_PREFIX,
  });
  await c.start();
  const stop = () => void c.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
