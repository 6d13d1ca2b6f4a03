import type { ObjectState } from './messages';

/**
 * `GET /cluster/sdn/status` (our extension, the web panel's status tree): one
 * answer type for the API that builds it and the panel that reads it.
 */
export interface ZoneSummary {
  zone: string;
  status: ObjectState | 'offline';
  statusmsg?: string;
  /** How many of the zone's vnets are in each state on the node. */
  vnets: Record<ObjectState, number>;
  /** Vnets in error, with their message (the rest are only counted). */
  errors: { vnet: string; statusmsg?: string }[];
}

export interface NodeSummary {
  node: string;
  /** Config version the node runs (0: none yet). */
  version: number;
  offline: boolean;
  heartbeatAt: string;
  apply: { version: number; state: string; message?: string; at: string };
  zones: ZoneSummary[];
}

export interface ClusterStatus {
  /** The running (last applied) config version of the cluster. */
  running: number;
  nodes: NodeSummary[];
}
