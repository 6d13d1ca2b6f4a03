import type { ApiClient } from '../client/api-client';
import { printData, type OutputFormat } from '../output/format';

export const VERB_METHODS = { get: 'GET', create: 'POST', set: 'PUT', delete: 'DELETE' } as const;
export type Verb = keyof typeof VERB_METHODS;

/** `sdnctl get|create|set|delete PATH [--name value …]`: one API call, its `data` printed. */
export async function runVerb(client: ApiClient, verb: Verb, path: string, params: Record<string, string | string[]>, format: OutputFormat): Promise<number> {
  const p = path.startsWith('/') ? path : `/${path}`;
  const data = await client.call(VERB_METHODS[verb], p, params);
  printData(data, format);
  return 0;
}
