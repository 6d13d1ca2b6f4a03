import type { ApiClient } from '../client/api-client';
import { printData, type OutputFormat } from '../output/format';

/** The shortcut lists and the columns they lead with. */
export const LISTS = {
  zones: { path: '/cluster/sdn/zones', first: ['zone', 'type', 'state'] },
  vnets: { path: '/cluster/sdn/vnets', first: ['vnet', 'zone', 'tag', 'state'] },
  controllers: { path: '/cluster/sdn/controllers', first: ['controller', 'type', 'state'] },
  ipams: { path: '/cluster/sdn/ipams', first: ['ipam', 'type'] },
  dns: { path: '/cluster/sdn/dns', first: ['dns', 'type'] },
} as const;
export type ListName = keyof typeof LISTS;

export interface ListOptions {
  pending?: boolean;
  running?: boolean;
  type?: string;
  outputFormat: OutputFormat;
}

function viewParams(o: ListOptions): Record<string, string> {
  return { ...(o.pending ? { pending: '1' } : {}), ...(o.running ? { running: '1' } : {}), ...(o.type ? { type: o.type } : {}) };
}

export async function runList(client: ApiClient, name: ListName, o: ListOptions): Promise<number> {
  const l = LISTS[name];
  const data = await client.call<Record<string, unknown>[]>('GET', l.path, viewParams(o));
  printData(data, o.outputFormat, { first: l.first });
  return 0;
}

/** Subnets of one vnet, or of every vnet (one call per vnet: the API lists them per vnet). */
export async function runSubnets(client: ApiClient, vnet: string | undefined, o: ListOptions): Promise<number> {
  const vnets = vnet ? [vnet] : (await client.call<{ vnet: string }[]>('GET', '/cluster/sdn/vnets', o.pending ? { pending: '1' } : o.running ? { running: '1' } : {})).map((v) => v.vnet);
  const rows: Record<string, unknown>[] = [];
  for (const v of vnets) rows.push(...(await client.call<Record<string, unknown>[]>('GET', `/cluster/sdn/vnets/${encodeURIComponent(v)}/subnets`, viewParams({ ...o, type: undefined }))));
  printData(rows, o.outputFormat, { first: ['subnet', 'vnet', 'zone', 'gateway', 'state'] });
  return 0;
}
