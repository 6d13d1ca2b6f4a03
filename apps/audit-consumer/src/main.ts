/**
 * The example audit consumer as a program (see README.md):
 *   SDN_NATS_URL=… SDN_NATS_NKEY_FILE=… SDN_NATS_INBOX_PREFIX=… SDN_AUDIT_NAME=NAME \
 *     node -r ./tools/register.js apps/audit-consumer/src/main.ts --out audit.jsonl
 */
import { auditConsumerConfig, exitOnStartFailure } from '@sdn/config';
import { AuditConsumer } from './audit-consumer';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const cfg = auditConsumerConfig();
  const name = arg('name') ?? cfg.name;
  const out = arg('out');
  if (!name || !out) {
    console.error('usage: audit-consumer --out FILE [--name NAME] [--stream SDN_EVENTS]   (SDN_NATS_URL, SDN_NATS_NKEY_FILE, SDN_NATS_INBOX_PREFIX, SDN_AUDIT_NAME from `sdnctl nats credentials --identity auditor:NAME`)');
    process.exit(2);
  }
  const c = new AuditConsumer({
    natsUrl: cfg.bus.url,
    name,
    out,
    stream: arg('stream') ?? cfg.stream,
    nkeyFile: cfg.bus.credentials.nkeyFile,
    inboxPrefix: cfg.bus.credentials.inboxPrefix,
  });
  await c.start();
  const stop = () => void c.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(exitOnStartFailure('audit-consumer'));
