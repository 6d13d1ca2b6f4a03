/** The data of `GET /cluster/sdn/status` (our extension) and the status tree's flattened rows. */
import type { ClusterStatus, NodeSummary } from '@sdn/contracts';

export type { ClusterStatus, NodeSummary, ZoneSummary } from '@sdn/contracts';
export type ShownState = 'available' | 'pending' | 'error' | 'offline';

export interface VnetStatus {
  vnet: string;
  status: ShownState;
  statusmsg?: string;
}

export type TreeRow =
  | { kind: 'node'; key: string; depth: 0; node: NodeSummary; open: boolean }
  | { kind: 'zone'; key: string; depth: 1; node: string; zone: NodeSummary['zones'][number]; open: boolean }
  | { kind: 'vnet'; key: string; depth: 2; node: string; zone: string; vnet: VnetStatus }
  | { kind: 'note'; key: string; depth: 1 | 2; text: string };

/** A node's own state: offline, else the worst of its zones. */
export function nodeState(n: NodeSummary): ShownState {
  if (n.offline) return 'offline';
  if (n.apply.state === 'error' || n.zones.some((z) => z.status === 'error')) return 'error';
  if (n.zones.some((z) => z.status === 'pending')) return 'pending';
  return 'available';
}

/**
 * Rows of the tree in display order: each node, its zones when the node is
 * open, a zone's vnets when the zone is open (`vnets` holds the loaded lists
 * by `node/zone`; an open zone still loading shows a note).
 */
export function treeRows(status: ClusterStatus, openNodes: ReadonlySet<string>, openZones: ReadonlySet<string>, vnets: ReadonlyMap<string, VnetStatus[]>, filter = ''): TreeRow[] {
  const f = filter.trim().toLowerCase();
  const rows: TreeRow[] = [];
  for (const node of status.nodes) {
    const zones = f ? node.zones.filter((z) => z.zone.toLowerCase().includes(f) || node.node.toLowerCase().includes(f)) : node.zones;
    if (f && !zones.length && !node.node.toLowerCase().includes(f)) continue;
    const open = openNodes.has(node.node) || (f !== '' && zones.length > 0);
    rows.push({ kind: 'node', key: node.node, depth: 0, node, open });
    if (!open) continue;
    if (!zones.length) rows.push({ kind: 'note', key: `${node.node}/-`, depth: 1, text: 'no zones on this node' });
    for (const zone of zones) {
      const key = `${node.node}/${zone.zone}`;
      const zoneOpen = openZones.has(key);
      rows.push({ kind: 'zone', key, depth: 1, node: node.node, zone, open: zoneOpen });
      if (!zoneOpen) continue;
      const list = vnets.get(key);
      if (!list) rows.push({ kind: 'note', key: `${key}/…`, depth: 2, text: 'loading vnets…' });
      else if (!list.length) rows.push({ kind: 'note', key: `${key}/-`, depth: 2, text: 'no vnets' });
      else for (const v of list) rows.push({ kind: 'vnet', key: `${key}/${v.vnet}`, depth: 2, node: node.node, zone: zone.zone, vnet: v });
    }
  }
  return rows;
}
