import { UsageError } from './args';

type Command = { run(args: string[]): Promise<number>; usage: string };

// Commands load lazily so `sdnctl render` never pays for database or NATS clients.
const commands: Record<string, () => Promise<Command>> = {
  render: () => import('./commands/render'),
  validate: () => import('./commands/validate'),
  conformance: () => import('./commands/conformance'),
  token: () => import('./commands/token'),
  user: () => import('./commands/user'),
  acl: () => import('./commands/acl'),
  projections: () => import('./commands/projections'),
  events: () => import('./commands/events'),
  nats: () => import('./commands/nats'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    const usages = await Promise.all(Object.values(commands).map(async (l) => (await l()).usage));
    console.error(`usage:\n${usages.join('\n')}`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`sdnctl: ${e.message}`);
      process.exit(e.exitCode);
    }
    // Anything else is our bug; still one line, the detail only when asked for.
    console.error(`sdnctl: internal error: ${(e as Error)?.message ?? e}`);
    if (process.env.SDN_DEBUG) console.error(e);
    process.exit(70);
  },
);
