import { readFile } from 'node:fs/promises';
import type { NodeFacts } from '@sdn/render';
import { run } from '../apply/run';
import { buildFacts, type IpAddr, type IpLink, type IpRoute } from './kernel-facts';

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function ipJson<T>(args: string[]): Promise<T[]> {
  const r = await run(['ip', '-j', ...args]);
  if (r.code !== 0) throw new Error(`ip -j ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as T[]) : [];
}

/** Reads the node's files and (when `kernel`) its kernel state, in the agent's network namespace. */
export async function collectFacts(opts: { node: string; mainInterfaces: string; sdnDevices: Set<string>; frrLocal: string; kernel: boolean }): Promise<NodeFacts> {
  const [interfacesText, frrLocal] = await Promise.all([readOrNull(opts.mainInterfaces), readOrNull(opts.frrLocal)]);
  const [links, addrs, routes4, routes6] = opts.kernel
    ? await Promise.all([
        ipJson<IpLink>(['-d', 'link', 'show']),
        ipJson<IpAddr>(['addr', 'show']),
        ipJson<IpRoute>(['route', 'show', 'table', 'main']),
        ipJson<IpRoute>(['-6', 'route', 'show', 'table', 'main']),
      ])
    : [[], [], [], []];
  return buildFacts({ node: opts.node, interfacesText, sdnDevices: opts.sdnDevices, links, addrs, routes4, routes6, frrLocal });
}

/** Stable JSON (sorted keys) so "did the facts change" is a string comparison. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val,
  );
}
