import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditorConsumer, busTopology, connectBus, ensureDurableConsumer, ensureIdentity, identityFileName, natsIdentityName, parseNatsIdentity, silentLogger, writeNatsServerConfig, type NatsIdentity } from '@sdn/bus';
import { sdnctlConfig, type Env } from '@sdn/config';
import { NODE_NAME_PATTERN } from '@sdn/contracts';
import { parseArgs, requireFlag, UsageError } from '../args';

export const usage = [
  'sdnctl nats credentials --identity node:NODE|auditor:NAME|api|config-service|ipam-service|dns-service|admin [--dir DIR] [--rotate]',
  '                                                           create (or show) an identity\'s nkey; prints the environment its process needs',
  'sdnctl nats auditor NAME [--dir DIR] [--namespace NS]      create the durable consumer audit-NAME on the events stream (as admin, SDN_NATS_URL)',
  'sdnctl nats config --out FILE [--dir DIR] [--nodes N1,N2] [--listen HOST:PORT] [--store-dir DIR] [--namespace NS]',
  '                                                           write the nats-server config: one user per identity in DIR, with its permissions',
].join('\n');

/** Where identities live unless --dir says otherwise: `SDN_NATS_IDENTITY_DIR`, else ./.data/nats-auth/identities (where npm start keeps them). */
export function defaultIdentityDir(env?: Env): string {
  return resolve(sdnctlConfig(env).natsIdentityDir);
}

function optFlag(p: ReturnType<typeof parseArgs>, name: string): string | undefined {
  const v = p.flags[name];
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub] = p.positional;
  const dir = optFlag(p, 'dir') ?? defaultIdentityDir();
  if (sub === 'credentials') {
    let id;
    try {
      id = parseNatsIdentity(requireFlag(p, 'identity'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError((e as Error).message);
    }
    const c = ensureIdentity(dir, id, { rotate: p.flags.rotate === true });
    console.log(`identity:   ${natsIdentityName(id)}`);
    console.log(`seed file:  ${c.seedFile}${c.created ? ' (new; keep it on that host only, mode 0600)' : ''}`);
    console.log(`public key: ${c.publicKey}`);
    console.log('environment:');
    for (const [k, v] of Object.entries(c.env)) console.log(`${k}=${v}`);
    if (c.created) console.log('then regenerate the server config (sdnctl nats config --out FILE) and reload nats-server (nats-server --signal reload)');
    if (id.kind === 'auditor') console.log(`an auditor reads through its own durable consumer; create it as admin: sdnctl nats auditor ${id.name}`);
    return 0;
  }
  if (sub === 'auditor') {
    const name = p.positional[1];
    if (!name) throw new UsageError(`usage:\n${usage}`);
    let id: NatsIdentity;
    try {
      id = parseNatsIdentity(`auditor:${name}`);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const ns = optFlag(p, 'namespace');
    const cfg = sdnctlConfig();
    const topology = busTopology(ns ?? cfg.bus.namespace);
    // The operator's own credentials when set (SDN_NATS_NKEY_FILE …), else the admin seed of the identity directory.
    const admin = join(dir, identityFileName({ kind: 'admin' }));
    const own = cfg.bus.credentials;
    const hasOwn = !!(own.nkeyFile || own.credsFile || own.user || own.token);
    const bus = await connectBus({ name: 'sdnctl', url: cfg.bus.url, topology, log: silentLogger, credentials: hasOwn || !existsSync(admin) ? own : { nkeyFile: admin } });
    try {
      const spec = auditorConsumer(topology, (id as { name: string }).name);
      await ensureDurableConsumer(bus.jsm, spec);
      console.log(`consumer ${spec.stream}/${spec.durable}: every event from the first, in stream order, one unacknowledged at a time`);
      console.log(`credentials: sdnctl nats credentials --identity ${natsIdentityName(id)}`);
    } finally {
      await bus.close();
    }
    return 0;
  }
  if (sub === 'config') {
    const out = resolve(requireFlag(p, 'out'));
    const nodesFlag = optFlag(p, 'nodes');
    const nodes = nodesFlag ? nodesFlag.split(',').map((n) => n.trim()).filter(Boolean) : [];
    for (const n of nodes) if (!NODE_NAME_PATTERN.test(n)) throw new UsageError(`invalid node name '${n}'`);
    const listen = optFlag(p, 'listen');
    if (listen !== undefined && !/^[^\s"]+:\d{1,5}$/.test(listen)) throw new UsageError('--listen must be HOST:PORT');
    const storeDir = optFlag(p, 'store-dir');
    const ns = optFlag(p, 'namespace');
    let topology;
    try {
      topology = busTopology(ns ?? sdnctlConfig().bus.namespace);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const r = writeNatsServerConfig({ identityDir: dir, out, topology, nodes, listen, storeDir: storeDir && resolve(storeDir) });
    for (const c of r.created) console.log(`created ${natsIdentityName(c.identity)}: ${c.seedFile}`);
    console.log(`wrote ${out}: ${r.users.length} users (${r.users.map((u) => natsIdentityName(u.identity)).join(', ')})`);
    console.log(`start: nats-server -c ${out}    (or apply to a running one: nats-server --signal reload)`);
    return 0;
  }
  throw new UsageError(`usage:\n${usage}`);
}
