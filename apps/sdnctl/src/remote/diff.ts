import type { ApiClient } from '../client/api-client';
import { UsageError } from '../args';
import { paintDiff, type Painter } from '../output/colour';
import { formatData, type OutputFormat } from '../output/format';

interface DryRun {
  'interfaces-diff'?: string | null;
  'frr-diff'?: string | null;
  'facts-known'?: boolean;
  'bundle-version'?: number | null;
}

/** Every node that has reported to the API (its SDN resources). */
export async function knownNodes(client: ApiClient): Promise<string[]> {
  const res = await client.call<{ node: string }[]>('GET', '/cluster/resources', { type: 'sdn' });
  return [...new Set(res.map((r) => r.node))].sort();
}

/** `sdnctl diff [--node N]`: the dry run's unified diffs of each node's files, coloured on a terminal. */
export async function runDiff(client: ApiClient, o: { node?: string; outputFormat: OutputFormat }, p: Painter): Promise<number> {
  const nodes = o.node ? [o.node] : await knownNodes(client);
  if (!nodes.length) throw new UsageError('no node has reported SDN status yet; name one with --node', 1);
  const results: Record<string, DryRun> = {};
  for (const node of nodes) results[node] = await client.call<DryRun>('GET', '/cluster/sdn/dry-run', { node });
  if (o.outputFormat !== 'text') {
    process.stdout.write(`${formatData(o.node ? results[o.node] : results, o.outputFormat)}\n`);
    return 0;
  }
  const out: string[] = [];
  for (const node of nodes) {
    const r = results[node];
    const diffs = [r['interfaces-diff'], r['frr-diff']].filter((d): d is string => typeof d === 'string' && d !== '');
    const note = r['facts-known'] === false ? ' (the node has sent no facts: rendered with defaults)' : '';
    if (!diffs.length) {
      out.push(`${p.bold(`node ${node}`)}: no changes${note}`);
      continue;
    }
    out.push(`${p.bold(`node ${node}`)}${note}`);
    for (const d of diffs) out.push(paintDiff(p, d.replace(/\n$/, '')));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
