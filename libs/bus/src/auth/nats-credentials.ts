import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nkeys } from 'nats';
import type { BusTopology } from '../topology/bus-topology';
import { auditorInboxPrefix, natsIdentityName, nodeInboxPrefix, parseNatsIdentity, SERVICE_IDENTITIES, type NatsIdentity } from './nats-permissions';
import { natsServerConfig, type NatsUser } from './nats-server-config';

/**
 * Identities as nkey seed files in one directory (`<identity>.nk`, mode
 * 0600): `api.nk`, `config-service.nk`, …, `admin.nk`, `node-<node>.nk`.
 * A service reads its own file (`SDN_NATS_NKEY_FILE`); the server config is
 * generated from the public keys of all of them.
 */
const SUFFIX = '.nk';

export function identityFileName(id: NatsIdentity): string {
  return `${id.kind === 'node' ? `node-${id.node}` : id.kind === 'auditor' ? `auditor-${id.name}` : natsIdentityName(id)}${SUFFIX}`;
}

function identityOfFileName(name: string): NatsIdentity | undefined {
  if (!name.endsWith(SUFFIX)) return undefined;
  const base = name.slice(0, -SUFFIX.length);
  try {
    if (base.startsWith('node-')) return parseNatsIdentity(`node:${base.slice('node-'.length)}`);
    if (base.startsWith('auditor-')) return parseNatsIdentity(`auditor:${base.slice('auditor-'.length)}`);
    return parseNatsIdentity(base);
  } catch {
    return undefined;
  }
}

export interface IdentityCredentials {
  identity: NatsIdentity;
  seedFile: string;
  publicKey: string;
  /** The environment a process needs to connect as this identity. */
  env: Record<string, string>;
  created: boolean;
}

function credentialsOf(id: NatsIdentity, seedFile: string, created: boolean): IdentityCredentials {
  const kp = nkeys.fromSeed(new TextEncoder().encode(readFileSync(seedFile, 'utf8').trim()));
  const env: Record<string, string> = { SDN_NATS_NKEY_FILE: seedFile };
  if (id.kind === 'node') env.SDN_NATS_INBOX_PREFIX = nodeInboxPrefix(id.node);
  if (id.kind === 'auditor') {
    env.SDN_NATS_INBOX_PREFIX = auditorInboxPrefix(id.name);
    env.SDN_AUDIT_NAME = id.name;
  }
  return { identity: id, seedFile, publicKey: kp.getPublicKey(), env, created };
}

/** The identity's credentials in `dir`, created when missing (or replaced when `rotate`). */
export function ensureIdentity(dir: string, id: NatsIdentity, opts: { rotate?: boolean } = {}): IdentityCredentials {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  const file = join(abs, identityFileName(id));
  const create = opts.rotate || !existsSync(file);
  if (create) {
    const kp = nkeys.createUser();
    writeFileSync(file, Buffer.from(kp.getSeed()).toString('utf8') + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return credentialsOf(id, file, create);
}

/** Every identity with a seed file in `dir`. */
export function readIdentities(dir: string): IdentityCredentials[] {
  const abs = resolve(dir);
  if (!existsSync(abs)) return [];
  const out: IdentityCredentials[] = [];
  for (const name of readdirSync(abs).sort()) {
    const id = identityOfFileName(name);
    if (id) out.push(credentialsOf(id, join(abs, name), false));
  }
  return out;
}

export interface WriteNatsConfigOptions {
  /** Directory of the identities' seed files. */
  identityDir: string;
  /** Where to write the nats-server config. */
  out: string;
  topology: BusTopology;
  /** Node identities to create if missing (the services and admin always are). */
  nodes?: string[];
  listen?: string;
  storeDir?: string;
}

/**
 * Makes sure the services, admin and the given nodes have credentials, then
 * writes the server config for every identity found in the directory.
 */
export function writeNatsServerConfig(o: WriteNatsConfigOptions): { users: IdentityCredentials[]; created: IdentityCredentials[] } {
  const wanted: NatsIdentity[] = [...SERVICE_IDENTITIES.map((s) => parseNatsIdentity(s)), { kind: 'admin' }, ...(o.nodes ?? []).map((n) => parseNatsIdentity(`node:${n}`))];
  const created = wanted.map((id) => ensureIdentity(o.identityDir, id)).filter((c) => c.created);
  const users = readIdentities(o.identityDir);
  const text = natsServerConfig({ users: users.map((u): NatsUser => ({ identity: u.identity, publicKey: u.publicKey })), topology: o.topology, listen: o.listen, storeDir: o.storeDir });
  writeFileSync(o.out, text, { mode: 0o644 });
  return { users, created };
}
