import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { busCredentialsFromEnv, type BusCredentials } from '@sdn/bus';
import { NODE_NAME_PATTERN } from '@sdn/contracts';

export type AgentMode = 'safe' | 'live';

/** Commands the agent runs, as argv; `{frrConf}` is replaced by the FRR file path. */
export interface AgentCommands {
  /** Prepended to the ifupdown2 commands: the lab's mount-namespace wrapper, or nothing on a real node. */
  wrapper: string[];
  ifreload: string[];
  /** Must print ifupdown2's JSON check (`-o json`). */
  ifquery: string[];
  /** Empty = FRR is not reloaded (no FRR on this node). */
  frrReload: string[];
  /** FRR's shell, for the API's questions about live routes (`-c <command>` is appended); default `vtysh`. */
  vtysh?: string[];
}

export interface AgentConfig {
  node: string;
  mode: AgentMode;
  /** Stands in for `/`: files go to `<root>/etc/network/interfaces.d/sdn` and `<root>/etc/frr/frr.conf`. */
  root: string;
  natsUrl: string;
  /** The node's NATS identity (`NATS_NKEY_FILE` from `sdnctl nats credentials --identity node:<node>`, …); none on an open server. */
  natsCredentials?: BusCredentials;
  /** `SDN_BUS_NAMESPACE`: isolated copy of the bus (tests, second installation); empty in production. */
  busNamespace: string;
  heartbeatMs: number;
  /** How often kernel facts are re-read; they are published only when they changed. */
  factsIntervalMs: number;
  /** Read `ip -j …` for facts; off for many in-process agents in benchmarks. */
  kernelFacts: boolean;
  commands: AgentCommands;
  /** Previous bundle versions kept under `<root>/var/lib/sdn-agent/history`. */
  keepHistory: number;
  /**
   * `SDN_AGENT_STATUS_CONTRACT`: the NodeStatus version published, `v2`
   * (default) or `v1` for API replicas older than v2 (during an upgrade).
   */
  statusContract: 'v1' | 'v2';
}

const DEFAULT_COMMANDS: AgentCommands = {
  wrapper: [],
  ifreload: ['ifreload', '-a'],
  ifquery: ['ifquery', '-a', '-c', '-o', 'json'],
  frrReload: ['/usr/lib/frr/frr-reload.py', '--reload', '{frrConf}'],
};

function words(v: string | undefined, dflt: string[]): string[] {
  return v === undefined ? dflt : v.split(/\s+/).filter(Boolean);
}

function positiveInt(env: NodeJS.ProcessEnv, key: string, dflt: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${key} must be a positive integer, got '${raw}'`);
  return n;
}

export function validateNodeName(node: string): string {
  if (!NODE_NAME_PATTERN.test(node)) throw new Error(`invalid node name '${node}': must match ${NODE_NAME_PATTERN}`);
  return node;
}

/**
 * Agent settings from the environment. `safe` (the default) only writes
 * files under ./.data/nodes/<node>/ and runs no reload, so starting an agent
 * by mistake on a workstation changes nothing; `live` defaults to `/`.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AgentConfig {
  // A hostname may be an FQDN; PVE node names are its first label.
  const node = validateNodeName(env.SDN_NODE_NAME || hostname().split('.')[0]);
  const mode = (env.SDN_AGENT_MODE || 'safe') as AgentMode;
  if (mode !== 'safe' && mode !== 'live') throw new Error(`SDN_AGENT_MODE must be 'safe' or 'live', got '${mode}'`);
  const statusContract = (env.SDN_AGENT_STATUS_CONTRACT || 'v2') as AgentConfig['statusContract'];
  if (statusContract !== 'v1' && statusContract !== 'v2') throw new Error(`SDN_AGENT_STATUS_CONTRACT must be 'v1' or 'v2', got '${statusContract}'`);
  const root = resolve(cwd, env.SDN_AGENT_ROOT || (mode === 'live' ? '/' : join('.data', 'nodes', node)));
  return {
    node,
    mode,
    root,
    natsUrl: env.SDN_NATS_URL || env.NATS_URL || 'nats://127.0.0.1:4222',
    natsCredentials: busCredentialsFromEnv(env),
    busNamespace: env.SDN_BUS_NAMESPACE ?? '',
    heartbeatMs: positiveInt(env, 'SDN_HEARTBEAT_MS', 5000),
    factsIntervalMs: positiveInt(env, 'SDN_FACTS_INTERVAL_MS', 10000),
    kernelFacts: env.SDN_AGENT_KERNEL_FACTS !== '0',
    keepHistory: positiveInt(env, 'SDN_AGENT_KEEP_HISTORY', 5),
    statusContract,
    commands: {
      wrapper: words(env.SDN_AGENT_WRAPPER, DEFAULT_COMMANDS.wrapper),
      ifreload: words(env.SDN_AGENT_IFRELOAD, DEFAULT_COMMANDS.ifreload),
      ifquery: words(env.SDN_AGENT_IFQUERY, DEFAULT_COMMANDS.ifquery),
      frrReload: words(env.SDN_AGENT_FRR_RELOAD, DEFAULT_COMMANDS.frrReload),
      vtysh: words(env.SDN_AGENT_VTYSH, ['vtysh']),
    },
  };
}

/** Paths of the managed files under the agent's root. */
export function managedPaths(root: string) {
  return {
    mainInterfaces: join(root, 'etc', 'network', 'interfaces'),
    sdnInterfaces: join(root, 'etc', 'network', 'interfaces.d', 'sdn'),
    frrConf: join(root, 'etc', 'frr', 'frr.conf'),
    frrLocal: join(root, 'etc', 'frr', 'frr.conf.local'),
    stateDir: join(root, 'var', 'lib', 'sdn-agent'),
  };
}
