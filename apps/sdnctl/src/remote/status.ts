import type { ApiClient } from '../client/api-client';
import { paintState, type Painter } from '../output/colour';
import { formatData, type OutputFormat } from '../output/format';

interface Resource {
  node: string;
  sdn: string;
  status: string;
  'zone-type'?: string;
}

export interface VnetStatus {
  vnet: string;
  status: string;
  statusmsg?: string;
}
export interface ZoneStatus {
  zone: string;
  type?: string;
  status: string;
  vnets: VnetStatus[];
}
export interface NodeStatusTree {
  node: string;
  status: 'online' | 'offline';
  zones: ZoneStatus[];
}

/** Nodes → zones → vnets with their states, from /cluster/resources and each zone's content. */
export async function statusTree(client: ApiClient, only?: string): Promise<NodeStatusTree[]> {
  const res = await client.call<Resource[]>('GET', '/cluster/resources', { type: 'sdn' });
  const nodes = new Map<string, NodeStatusTree>();
  for (const r of res) {
    if (only && r.node !== only) continue;
    const n = nodes.get(r.node) ?? { node: r.node, status: 'online', zones: [] };
    nodes.set(r.node, n);
    if (r.sdn === 'localnetwork') {
      n.status = r.status === 'offline' ? 'offline' : 'online';
      continue;
    }
    n.zones.push({ zone: r.sdn, ...(r['zone-type'] ? { type: r['zone-type'] } : {}), status: r.status, vnets: [] });
  }
  await Promise.all(
    [...nodes.values()].flatMap((n) =>
      n.zones.map(async (z) => {
        z.vnets = await client.call<VnetStatus[]>('GET', `/nodes/${encodeURIComponent(n.node)}/sdn/zones/${encodeURIComponent(z.zone)}/content`);
      }),
    ),
  );
  return [...nodes.values()].sort((a, b) => (a.node < b.node ? -1 : 1));
}

export function renderTree(tree: NodeStatusTree[], p: Painter): string {
  const lines: string[] = [];
  for (const n of tree) {
    lines.push(`${p.bold(n.node)}  ${paintState(p, n.status)}`);
    n.zones.forEach((z, zi) => {
      const lastZone = zi === n.zones.length - 1;
      lines.push(`${lastZone ? '└─' : '├─'} ${z.zone}${z.type ? ` (${z.type})` : ''}  ${paintState(p, z.status)}`);
      z.vnets.forEach((v, vi) => {
        const lastVnet = vi === z.vnets.length - 1;
        lines.push(`${lastZone ? '  ' : '│ '} ${lastVnet ? '└─' : '├─'} ${v.vnet}  ${paintState(p, v.status)}${v.statusmsg ? `  ${p.dim(v.statusmsg)}` : ''}`);
      });
    });
    if (!n.zones.length) lines.push('└─ (no zones)');
  }
  return lines.join('\n');
}

export async function runStatus(client: ApiClient, o: { node?: string; outputFormat: OutputFormat }, p: Painter): Promise<number> {
  const tree = await statusTree(client, o.node);
  if (o.outputFormat !== 'text') {
    process.stdout.write(`${formatData(tree, o.outputFormat)}\n`);
    return 0;
  }
  if (!tree.length) {
    process.stdout.write(o.node ? `node ${o.node} has not reported SDN status\n` : 'no node has reported SDN status yet\n');
    return 0;
  }
  process.stdout.write(`${renderTree(tree, p)}\n`);
  return 0;
}
