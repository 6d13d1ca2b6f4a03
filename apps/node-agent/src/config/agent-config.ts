import { join, resolve } from 'node:path';
import type { BusCredentials } from '@sdn/bus';
import { nodeAgentConfig, type Env } from '@sdn/config';
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
  /** Restarts FRR: what a change of the daemons SDN switches in /etc/frr/daemons needs (`{frrConf}` replaced too). */
  frrRestart?: string[];
  /** FRR's shell, for the API's questions about live routes (`-c <command>` is appended); default `vtysh`. */
  vtysh?: string[];
}

export interface AgentConfig {
  node: string;
  mode: AgentMode;
  /** Stands in for `/`: files go to `<root>/etc/network/interfaces.d/sdn` and `<root>/etc/frr/frr.conf`. */
  root: string;
  natsUrl: string;
  /** The node's NATS identity (`SDN_NATS_NKEY_FILE` from `sdnctl nats credentials --identity node:<node>`, …); none on an open server. */
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

export function validateNodeName(node: string): string {
  if (!NODE_NAME_PATTERN.test(node)) throw new Error(`invalid node name '${node}': must match ${NODE_NAME_PATTERN}`);
  return node;
}

/**
 * Agent settings from the environment (read and checked by @sdn/config).
 * `safe` (the default) only writes files under ./.data/nodes/<node>/ and
 * runs no reload, so starting an agent by mistake on a workstation changes
 * nothing; `live` defaults to `/`.
 */
export function configFromEnv(env?: Env, cwd = process.cwd()): AgentConfig {
  const c = nodeAgentConfig(env);
  // A hostname may be an FQDN; PVE node names are its first label (the config's default).
  const node = validateNodeName(c.node);
  const root = resolve(cwd, c.root || (c.mode === 'live' ? '/' : join('.data', 'nodes', node)));
  return {
    node,
    mode: c.mode,
    root,
    natsUrl: c.bus.url,
    natsCredentials: c.bus.credentials,
    busNamespace: c.bus.namespace,
    heartbeatMs: c.heartbeatMs,
    factsIntervalMs: c.factsIntervalMs,
    kernelFacts: c.kernelFacts,
    keepHistory: c.keepHistory,
    statusContract: c.statusContract,
    commands: { wrapper: c.wrapper, ifreload: c.ifreload, ifquery: c.ifquery, frrReload: c.frrReload, frrRestart: c.frrRestart, vtysh: c.vtysh },
  };
}

/** Paths of the managed files under the agent's root. */
export function managedPaths(root: string) {
  return {
    mainInterfaces: join(root, 'etc', 'network', 'interfaces'),
    sdnInterfaces: join(root, 'etc', 'network', 'interfaces.d', 'sdn'),
    frrConf: join(root, 'etc', 'frr', 'frr.conf'),
    frrLocal: join(root, 'etc', 'frr', 'frr.conf.local'),
    frrDaemons: join(root, 'etc', 'frr', 'daemons'),
    stateDir: join(root, 'var', 'lib', 'sdn-agent'),
  };
}
